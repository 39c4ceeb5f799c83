"""Ledger import/export and printable-file URLs (owned by the ledger work; included from registry/urls.py)."""

from django.urls import path

from .ledger import views

urlpatterns = [
    path("ledger/import/", views.LedgerImportView.as_view(), name="ledger_import"),
    path("ledger/export/", views.LedgerExportView.as_view(), name="ledger_export"),
    path("ledger/export/<uuid:pk>/download/", views.LedgerExportDownloadView.as_view(), name="ledger_export_download"),
    path("children/<int:pk>/print/", views.ChildPrintView.as_view(), name="child_print"),
]
