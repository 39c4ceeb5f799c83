"""Ledger import/export and printable-file URLs (owned by the ledger work; included from registry/urls.py)."""

urlpatterns: list = []
