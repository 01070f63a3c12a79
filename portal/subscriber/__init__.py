"""The subscriber's own pages: the dashboard of lines and mailboxes, and exemption requests."""
