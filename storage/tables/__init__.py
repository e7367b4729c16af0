"""SQLModel tables, one module per aggregate; storage.models re-exports them all."""
