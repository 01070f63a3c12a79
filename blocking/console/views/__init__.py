"""The support console's pages, one module per concern; all wrapped in `console_view`."""
