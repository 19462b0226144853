"""One module per instrument format; each returns raw columns and what the file states."""
