"""Excel ledgers in and out (R-B2, R-B3): the Guangxi 个人信息台账 layout as a table, one child per row.

* ``columns``  – the column spec (header texts, field, vocabulary, required); docs/ledger-format.md describes it.
* ``parsing``  – tolerant header matching and cell parsing (full-width, dates in many shapes, IDs stored as numbers).
* ``validate`` – one row → normalised values + per-row errors (row, column letter, header, value, Chinese message).
* ``importer`` – the two-pass import (validate with progress, then write in batches in one transaction); its parts:
  ``reading`` (the sheet), ``validating`` (rows, forked for big files), ``matching`` (duplicates, updates, conflicts),
  ``writing`` (inserts through ``bulk``, updates, audit), ``report``.
* ``exporter`` – .xlsx (title, two-row headers, privacy warning, watermark) and CSV, masked per role.
"""
