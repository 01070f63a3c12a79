"""Bulk import of subscribers, lines and mailboxes from a CSV file (docs/import-format.md).

`rows` judges each row on its own (no database), `conflicts` finds clashes with what
is stored, `store_copy` (PostgreSQL) or `store_batch` writes, and
`services.subscribers_import` runs the whole.
"""

from accounts.importing.rows import COLUMNS, ImportFileError, RowError
from accounts.importing.services import (
    ImportResult,
    import_file_lines_count,
    subscribers_import,
)
from accounts.importing.store import ImportCounts

__all__ = [
    "COLUMNS",
    "ImportCounts",
    "ImportFileError",
    "ImportResult",
    "RowError",
    "import_file_lines_count",
    "subscribers_import",
]
