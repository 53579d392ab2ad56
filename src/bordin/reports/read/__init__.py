"""Read models: the queries behind each page, returning plain dataclasses (no writes here)."""
