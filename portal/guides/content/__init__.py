"""Guide content: one module per mail program, each defining `GUIDE`."""
