"""What a ledger import reports back (the counts, the row errors) and the error for a file that cannot be read at all."""

from __future__ import annotations

from dataclasses import dataclass, field

from .validate import RowError

MAX_STORED_ERRORS = 5000


class LedgerFileError(ValueError):
    """The file as a whole cannot be read (format, header); the message is for the user."""


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected_rows: int = 0
    similar_confirmed: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    unknown_headers: list[str] = field(default_factory=list)
    ignored_sensitive: list[str] = field(default_factory=list)
    written: bool = False

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(error)

    def summary(self) -> dict:
        return {
            "rows": self.rows, "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "rejected_rows": self.rejected_rows, "errors": self.error_count, "written": self.written, "similar_confirmed": self.similar_confirmed,
            "unknown_headers": self.unknown_headers[:50], "ignored_sensitive": self.ignored_sensitive,
        }

