"""One reader module per instrument maker; each returns raw columns in SI units."""
