"""`manage.py import_subscribers FILE.csv`: parse the options, call `subscribers_import`, report.

Exit status: 0 when every row is valid (and stored, unless --dry-run); 1 when the
file cannot be read or any row is invalid and nothing was stored; 3 when
--skip-invalid stored the valid rows and skipped some.
"""

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from tqdm import tqdm

from accounts.audit import Actor
from accounts.importing import (
    ImportFileError,
    ImportResult,
    RowError,
    import_file_lines_count,
    subscribers_import,
)

DEFAULT_ACTOR = "system:import"
SKIPPED_EXIT_STATUS = 3


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # A property, so it is translated when shown; argparse cannot take a lazy string.
        return _(
            "Import subscribers, their lines and mailboxes from a CSV file (UTF-8, one row "
            "per line or mailbox; the format is in docs/import-format.md). Every invalid row "
            "is reported as FILE:LINE: column: reason, and nothing is stored unless every row "
            "is valid. Existing subscribers, lines and mailboxes are updated, so importing "
            "the same file again changes nothing."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE.csv", help=_("The CSV file to import."))
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help=_("Store the valid rows and report the others (exit status 3 if any)."),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Check the file only; store nothing.")
        )
        parser.add_argument(
            "--actor",
            default=DEFAULT_ACTOR,
            help=_("Who runs the import, as the audit trail names it (default %(default)s).")
            % {"default": DEFAULT_ACTOR},
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help=_("No progress bar (there is none when stderr is not a terminal either)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        actor_label: str = options["actor"].strip()
        if not actor_label or len(actor_label) > 150:
            raise CommandError(_("--actor must be 1 to 150 characters."))
        show_progress = not options["no_progress"] and self.stderr.isatty()
        total = max(import_file_lines_count(path=path) - 1, 0) if show_progress else None
        with tqdm(
            total=total,
            unit=" rows",
            unit_scale=True,
            disable=not show_progress,
            file=sys.stderr,
            smoothing=0.1,
        ) as bar:

            def errors_report(errors: Sequence[RowError]) -> None:
                bar.clear()
                for error in errors:
                    where = f"{path}:{error.line}: "
                    column = f"{error.column}: " if error.column else ""
                    self.stderr.write(f"{where}{column}{error.message}")
                bar.refresh()

            def storing() -> None:
                bar.set_description(pgettext("progress bar", "storing"))

            try:
                result = subscribers_import(
                    path=path,
                    actor=Actor.system(actor_label),
                    skip_invalid=options["skip_invalid"],
                    dry_run=options["dry_run"],
                    errors_report=errors_report,
                    progress=bar.update,
                    storing=storing,
                )
            except ImportFileError as error:
                where = f"{path}:{error.line}" if error.line else str(path)
                raise CommandError(f"{where}: {error.message}") from None
        self._report(result=result, dry_run=options["dry_run"])

    def _report(self, *, result: ImportResult, dry_run: bool) -> None:
        write = self.stdout.write
        valid = result.rows - result.invalid_rows
        write(
            ngettext(
                "Read %(rows)d row: %(valid)d valid, %(invalid)d invalid.",
                "Read %(rows)d rows: %(valid)d valid, %(invalid)d invalid.",
                result.rows,
            )
            % {"rows": result.rows, "valid": valid, "invalid": result.invalid_rows}
        )
        if result.stored:
            c = result.counts
            write(
                _(
                    "Stored: subscribers %(s_new)d new, %(s_changed)d changed; lines %(l_new)d "
                    "new, %(l_changed)d changed; mailboxes %(m_new)d new, %(m_changed)d changed."
                )
                % {
                    "s_new": c.subscribers_created,
                    "s_changed": c.subscribers_updated,
                    "l_new": c.lines_created,
                    "l_changed": c.lines_updated,
                    "m_new": c.mailboxes_created,
                    "m_changed": c.mailboxes_updated,
                }
            )
        if not result.invalid_rows:
            if dry_run:
                write(self.style.SUCCESS(_("Every row is valid. Dry run: nothing was stored.")))
            else:
                write(self.style.SUCCESS(_("Every row is valid and stored.")))
            return
        if result.stored:
            raise CommandError(
                ngettext(
                    "%(count)d invalid row was skipped; the valid rows are stored.",
                    "%(count)d invalid rows were skipped; the valid rows are stored.",
                    result.invalid_rows,
                )
                % {"count": result.invalid_rows},
                returncode=SKIPPED_EXIT_STATUS,
            )
        raise CommandError(
            ngettext(
                "%(count)d row is invalid: nothing was stored. Correct it, or give "
                "--skip-invalid to store the valid rows.",
                "%(count)d rows are invalid: nothing was stored. Correct them, or give "
                "--skip-invalid to store the valid rows.",
                result.invalid_rows,
            )
            % {"count": result.invalid_rows}
        )
