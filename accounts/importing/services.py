"""`subscribers_import`: read a CSV file of subscribers, lines and mailboxes, check it, store it.

The file is read once, as a stream: each batch of rows is parsed, checked against
the earlier rows and (in a fixed number of queries) against the database, and the
valid rows go to the writer. Everything happens in one transaction, rolled back
when any row is invalid, unless `skip_invalid` asks to keep the valid ones.
"""

import csv
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import Actor
from accounts.importing.conflicts import line_groups_index
from accounts.importing.rows import (
    COLUMNS,
    FileIndex,
    GroupIndex,
    Header,
    ImportFileError,
    ImportRow,
    RowError,
    header_parse,
    row_parse,
)
from accounts.importing.store import ImportCounts, ImportWriter
from accounts.importing.store_batch import BatchWriter
from accounts.importing.store_copy import CopyWriter
from accounts.models import AuditEvent

BATCH_ROWS = 5_000
IMPORT_ACTION = "subscriber.import"


@dataclass
class ImportResult:
    rows: int = 0
    invalid_rows: int = 0
    stored: bool = False
    counts: ImportCounts = field(default_factory=ImportCounts)


def import_file_lines_count(*, path: Path) -> int:
    """How many lines the file has, quickly, for a progress bar's total (0 if unreadable)."""
    try:
        with path.open("rb") as file:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20), b""))
    except OSError:
        return 0


def _records(path: Path) -> Generator[tuple[int, list[str]]]:
    """(first line number, fields) of each CSV record; blank lines are skipped."""
    try:
        file = path.open("rb")
    except FileNotFoundError:
        raise ImportFileError(_("No such file.")) from None
    except IsADirectoryError:
        raise ImportFileError(_("This is a directory, not a file.")) from None
    except OSError as error:
        raise ImportFileError(
            _("The file cannot be read: %(error)s.") % {"error": error.strerror}
        ) from None
    with file:
        reader = csv.reader(_lines_decoded(file), strict=True)
        last = 0
        try:
            for fields in reader:
                first, last = last + 1, reader.line_num
                if fields:
                    yield first, fields
        except csv.Error as error:
            raise ImportFileError(
                _("The CSV cannot be read here: %(error)s.") % {"error": error}, line=last + 1
            ) from None


def _lines_decoded(file: BinaryIO) -> Iterator[str]:
    """The file's lines as text, decoded one by one so that a bad byte has its line number."""
    for number, raw in enumerate(file, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ImportFileError(
                _(
                    "The file is not UTF-8 text. Save it as UTF-8 (CSV UTF-8 in Excel), or "
                    "convert it, e.g. with: iconv -f SHIFT_JIS -t UTF-8"
                ),
                line=number,
            ) from None
        # A byte-order mark, as spreadsheet programs write one, is no part of the header.
        yield text.removeprefix("\ufeff") if number == 1 else text


def subscribers_import(
    *,
    path: Path,
    actor: Actor,
    skip_invalid: bool = False,
    dry_run: bool = False,
    errors_report: Callable[[Sequence[RowError]], None],
    progress: Callable[[int], None] | None = None,
    storing: Callable[[], None] | None = None,
    method: str | None = None,
    batch_rows: int = BATCH_ROWS,
) -> ImportResult:
    """Check every row and store the file if all are valid (or the valid ones, `skip_invalid`).

    Invalid rows go to `errors_report`, in line order, batch by batch, as they are
    found; `progress` hears how many rows were read, `storing` when the writing starts.
    Raises ImportFileError when the file as a whole cannot be read.
    """
    with closing(_records(path)) as records:
        return _import(
            records=records,
            path=path,
            actor=actor,
            skip_invalid=skip_invalid,
            dry_run=dry_run,
            errors_report=errors_report,
            progress=progress,
            storing=storing,
            method=method,
            batch_rows=batch_rows,
        )


def _import(
    *,
    records: Iterator[tuple[int, list[str]]],
    path: Path,
    actor: Actor,
    skip_invalid: bool,
    dry_run: bool,
    errors_report: Callable[[Sequence[RowError]], None],
    progress: Callable[[int], None] | None,
    storing: Callable[[], None] | None,
    method: str | None,
    batch_rows: int,
) -> ImportResult:
    first_record = next(records, None)
    if first_record is None:
        raise ImportFileError(
            _(
                "The file is empty: the first line must be the header, naming the columns: "
                "%(columns)s."
            )
            % {"columns": ",".join(COLUMNS)},
            line=1,
        )
    header = header_parse(fields=first_record[1])
    try:
        with transaction.atomic():
            writer = import_writer(now=timezone.now(), method=method)
            run = _Run(
                header=header,
                groups=line_groups_index(),
                writer=writer,
                store=not dry_run,
                skip_invalid=skip_invalid,
                errors_report=errors_report,
                progress=progress,
            )
            for line, fields in records:
                run.row_add(line=line, fields=fields)
                if run.pending >= batch_rows:
                    run.flush()
            run.flush()
            run.file_check()
            result = run.result
            if dry_run or (result.invalid_rows and not skip_invalid):
                transaction.set_rollback(True)
                return result
            if storing is not None:
                storing()
            result.counts = writer.finish()
            result.stored = True
            AuditEvent.objects.create(
                actor=actor.user,
                actor_label=actor.label,
                source_ip=actor.source_ip,
                action=IMPORT_ACTION,
                object_type="accounts.subscriber",
                object_id=path.name[:64],
                after={
                    "rows": result.rows,
                    "invalid_rows": result.invalid_rows,
                    **result.counts.as_dict(),
                },
                reason=str(path),
            )
    except IntegrityError:
        # Someone else wrote a clashing line or mailbox between our check and our write.
        raise ImportFileError(
            _("The data changed while the file was imported; nothing was stored. Run it again.")
        ) from None
    return result


def import_writer(*, now: datetime, method: str | None = None) -> ImportWriter:
    """COPY on PostgreSQL, batches elsewhere; `method` ("copy" or "batch") forces one."""
    method = method or ("copy" if connection.vendor == "postgresql" else "batch")
    if method == "copy":
        return CopyWriter(now=now)
    return BatchWriter(now=now)


class _Run:
    """One pass over the file: rows are checked as read, and stored batch by batch."""

    def __init__(
        self,
        *,
        header: Header,
        groups: GroupIndex,
        writer: ImportWriter,
        store: bool,
        skip_invalid: bool,
        errors_report: Callable[[Sequence[RowError]], None],
        progress: Callable[[int], None] | None,
    ) -> None:
        self.header = header
        self.groups = groups
        self.writer = writer
        self.store = store
        self.skip_invalid = skip_invalid
        self.errors_report = errors_report
        self.progress = progress
        self.index = FileIndex()
        self.result = ImportResult()
        self.rows: list[ImportRow] = []
        self.errors: list[RowError] = []
        self.pending = 0

    def row_add(self, *, line: int, fields: list[str]) -> None:
        self.pending += 1
        parsed = row_parse(values=fields, line=line, header=self.header, groups=self.groups)
        if isinstance(parsed, list):
            self.errors.extend(parsed)
            return
        clashes = self.index.row_check(parsed)
        if clashes:
            self.errors.extend(clashes)
        else:
            self.rows.append(parsed)

    def flush(self) -> None:
        """Check the batch against stored data, report its errors, write its valid rows."""
        errors = self.errors
        errors.extend(self.writer.rows_check(rows=self.rows))
        bad_lines = self._report(errors)
        self.result.rows += self.pending
        # Once a row is invalid and nothing will be kept, writing more is wasted work.
        if self.store and (self.skip_invalid or not self.result.invalid_rows):
            self.writer.rows_write(rows=[row for row in self.rows if row.line not in bad_lines])
        if self.progress is not None:
            self.progress(self.pending)
        self.rows, self.errors, self.pending = [], [], 0

    def file_check(self) -> None:
        """Report the clashes only the whole file shows; keep them out of what is stored."""
        flagged: set[int] = set()
        for errors in self.writer.file_check():
            errors.sort(key=lambda error: error.line)
            self.errors_report(errors)
            bad_lines = {error.line for error in errors} - flagged
            flagged |= bad_lines
            self.result.invalid_rows += len(bad_lines)
        self.writer.rows_drop(lines=flagged)

    def _report(self, errors: list[RowError]) -> set[int]:
        if not errors:
            return set()
        errors.sort(key=lambda error: error.line)
        self.errors_report(errors)
        bad_lines = {error.line for error in errors}
        self.result.invalid_rows += len(bad_lines)
        return bad_lines
