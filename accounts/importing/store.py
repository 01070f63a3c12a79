"""What the writers of import rows do and count: `store_copy` (PostgreSQL), `store_batch`.

Both writers give the same result and the same counts. They run inside the
caller's transaction, so a refused import stores nothing.

- A subscriber is found by account ID: a new one is created with a login whose
  username is the account ID and whose password is unusable (the subscriber sets
  one through the password reset); an existing one gets the file's name, e-mail and
  language.
- A line (by line ID) or mailbox (by address) of the same subscriber gets the file's
  values; the validation has refused any that belongs to someone else.
- Nothing absent from the file is removed.
"""

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, fields
from typing import Protocol

from accounts.importing.rows import ImportRow, RowError


@dataclass
class ImportCounts:
    users_created: int = 0
    subscribers_created: int = 0
    subscribers_updated: int = 0
    lines_created: int = 0
    lines_updated: int = 0
    mailboxes_created: int = 0
    mailboxes_updated: int = 0

    def as_dict(self) -> dict[str, int]:
        return {field.name: getattr(self, field.name) for field in fields(self)}


class ImportWriter(Protocol):
    def rows_check(self, *, rows: Sequence[ImportRow]) -> list[RowError]:
        """The clashes with stored data found in this batch now."""

    def rows_write(self, *, rows: Sequence[ImportRow]) -> None:
        """Store these rows (checked, valid) of the batch."""

    def file_check(self) -> Iterator[list[RowError]]:
        """The clashes with stored data found over the whole file, in batches, at its end."""

    def rows_drop(self, *, lines: Collection[int]) -> None:
        """Forget the rows of these line numbers (file_check found them invalid)."""

    def finish(self) -> ImportCounts:
        """Write what is still to be written; the counts of the whole import."""
