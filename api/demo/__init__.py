"""Demo data built from the seed documents (`shared/seeds/`), loaded by `healthplan demo`."""
