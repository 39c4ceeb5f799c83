"""Access declarations for the ledger import/export and printing URLs (imported by registry/access.py)."""
