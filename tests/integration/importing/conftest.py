"""Running `import_subscribers` on a file written by the test, in English."""

from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

HEADER = (
    "account_id,name,email,preferred_language,record,line_id,line_group,ip_assignment,"
    "ip_address,ip_prefix_length,mailbox_address,mailbox_login"
)


@dataclass(frozen=True)
class Run:
    stdout: str
    stderr: str
    returncode: int  # what the process would exit with
    error: str  # the CommandError's message, if any


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def csv_path(tmp_path: Path) -> Path:
    return tmp_path / "subscribers.csv"


def csv_write(path: Path, *rows: str, header: str = HEADER, bom: bool = False) -> Path:
    text = "\n".join((header, *rows)) + "\n"
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    return path


def import_run(path: Path | str, **options: object) -> Run:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_subscribers", str(path), stdout=out, stderr=err, **options)
    except CommandError as error:
        return Run(out.getvalue(), err.getvalue(), error.returncode, str(error))
    return Run(out.getvalue(), err.getvalue(), 0, "")
