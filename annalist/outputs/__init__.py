"""outputs: everything that reads the store (export, listings; later timeline, search, brief)."""
