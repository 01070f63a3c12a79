"""The rows of a subscriber import file: its columns, and every check that needs no database.

One row is one item of a subscriber's contract, as a billing system exports a join
of customers and their items: a `line`, a `mailbox`, or (for a customer with
neither yet) just the `subscriber`. Every row repeats the subscriber's own columns,
so a row can be judged on its own; rows of the same account must agree on them.
The format is documented in docs/import-format.md.
"""

import ipaddress
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, RegexValidator
from django.utils.translation import gettext as _

from accounts.models import IpAssignment, Language, account_id_validator, line_id_validator


class Record(StrEnum):
    SUBSCRIBER = "subscriber"
    LINE = "line"
    MAILBOX = "mailbox"


SUBSCRIBER_COLUMNS = ("account_id", "name", "email", "preferred_language")
LINE_COLUMNS = ("line_id", "line_group", "ip_assignment", "ip_address", "ip_prefix_length")
MAILBOX_COLUMNS = ("mailbox_address", "mailbox_login")
COLUMNS = (*SUBSCRIBER_COLUMNS, "record", *LINE_COLUMNS, *MAILBOX_COLUMNS)
REQUIRED_COLUMNS = ("account_id", "name", "email", "record")
_RECORD_COLUMNS = {
    Record.SUBSCRIBER: (),
    Record.LINE: LINE_COLUMNS,
    Record.MAILBOX: MAILBOX_COLUMNS,
}
_RECORD_REQUIRED = {
    Record.SUBSCRIBER: (),
    Record.LINE: ("line_id", "line_group", "ip_assignment"),
    Record.MAILBOX: ("mailbox_address", "mailbox_login"),
}
# The model's limits, repeated so that rows are judged without a database.
NAME_MAX = 200
EMAIL_MAX = 254
_email_validator = EmailValidator()
_login_validator = RegexValidator(line_id_validator.regex)
_LANGUAGES = frozenset(Language.values)
_IP_ASSIGNMENTS = frozenset(IpAssignment.values)
_DEFAULT_LANGUAGE = Language.JAPANESE.value
_DYNAMIC = IpAssignment.DYNAMIC.value
_RECORDS = {record.value: record for record in Record}
_OTHER_COLUMNS = {
    record: tuple(c for c in (*LINE_COLUMNS, *MAILBOX_COLUMNS) if c not in _RECORD_COLUMNS[record])
    for record in Record
}
# The validators' patterns, compiled once: the validators compile theirs lazily.
_ACCOUNT_ID = re.compile(re.compile(account_id_validator.regex).pattern)
_LINE_ID = re.compile(re.compile(line_id_validator.regex).pattern)
# Most addresses match this strict subset of what EmailValidator accepts; only the
# others pay for the full check. It keeps a million rows within the time budget.
_PLAIN_EMAIL = re.compile(
    r"[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}",
    re.IGNORECASE,
)


class ImportFileError(Exception):
    """The file as a whole cannot be read: no header, a missing column, not UTF-8, ..."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    column: str  # empty when the row as a whole is wrong
    message: str


@dataclass(frozen=True, slots=True)
class ImportRow:
    """A row that passed every check of its own; columns of other record types are empty."""

    line: int
    account_id: str
    name: str
    email: str
    preferred_language: str
    record: Record
    line_id: str = ""
    line_group_id: int | None = None
    ip_assignment: str = ""
    ip_address: str | None = None
    ip_prefix_length: int | None = None
    mailbox_address: str = ""
    mailbox_login: str = ""


@dataclass(frozen=True)
class GroupIndex:
    """Line groups as a file may name them: `code`, or `service/code` where codes repeat."""

    by_name: Mapping[str, int]
    ambiguous: Mapping[str, tuple[str, ...]]  # bare code -> the services that have it


def group_index_build(*, groups: Iterable[tuple[str, str, int]]) -> GroupIndex:
    """From (access service code, line group code, line group pk)."""
    by_name: dict[str, int] = {}
    services: dict[str, list[str]] = {}
    for service, code, pk in groups:
        by_name[f"{service}/{code}"] = pk
        services.setdefault(code, []).append(service)
        by_name[code] = pk
    ambiguous = {code: tuple(sorted(s)) for code, s in services.items() if len(s) > 1}
    for code in ambiguous:
        del by_name[code]
    return GroupIndex(by_name=by_name, ambiguous=ambiguous)


@dataclass(frozen=True)
class Header:
    positions: Mapping[str, int]
    width: int


def header_parse(*, fields: Sequence[str]) -> Header:
    """The header line's columns, in any order; raises ImportFileError naming what is wrong."""
    names = [field.strip().lower() for field in fields]
    if not any(names):
        raise ImportFileError(
            _("The first line must be the header, naming the columns: %(columns)s.")
            % {"columns": ",".join(COLUMNS)},
            line=1,
        )
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ImportFileError(
                _("The column %(column)s appears twice in the header.") % {"column": name},
                line=1,
            )
        seen.add(name)
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise ImportFileError(
            _("Unknown columns in the header: %(unknown)s. The columns are: %(columns)s.")
            % {"unknown": ", ".join(unknown) or '""', "columns": ",".join(COLUMNS)},
            line=1,
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in seen]
    if missing:
        raise ImportFileError(
            _("The header lacks the required columns: %(missing)s.")
            % {"missing": ", ".join(missing)},
            line=1,
        )
    return Header(positions={name: i for i, name in enumerate(names)}, width=len(names))


def _validated(
    validator: RegexValidator | EmailValidator, value: str, *, fast: re.Pattern[str]
) -> str | None:
    """The validator's message, or None when the value is fine.

    `fast` accepts the common values without the validator's overhead.
    """
    if fast.fullmatch(value):
        return None
    try:
        validator(value)
    except ValidationError as error:
        return str(error.messages[0])
    return None


def row_parse(
    *, values: Sequence[str], line: int, header: Header, groups: GroupIndex
) -> ImportRow | list[RowError]:
    """One row, checked on its own: the row, or every error found in it."""
    if len(values) != header.width:
        return [
            RowError(
                line,
                "",
                _("The row has %(found)d fields but the header has %(expected)d.")
                % {"found": len(values), "expected": header.width},
            )
        ]
    cells = {name: values[i].strip() for name, i in header.positions.items()}
    errors: list[RowError] = []

    def error(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    account_id = cells["account_id"]
    if not account_id:
        error("account_id", _("Required."))
    elif message := _validated(account_id_validator, account_id, fast=_ACCOUNT_ID):
        error("account_id", message)
    name = cells["name"]
    if not name:
        error("name", _("Required."))
    elif len(name) > NAME_MAX:
        error("name", _("At most %(max)d characters.") % {"max": NAME_MAX})
    email = cells["email"]
    if not email:
        error("email", _("Required."))
    elif len(email) > EMAIL_MAX or (
        message := _validated(_email_validator, email, fast=_PLAIN_EMAIL)
    ):
        error("email", message or _("At most %(max)d characters.") % {"max": EMAIL_MAX})
    language = cells.get("preferred_language", "").lower() or _DEFAULT_LANGUAGE
    if language not in _LANGUAGES:
        error(
            "preferred_language",
            _("Unknown language %(value)s: use %(choices)s.")
            % {
                "value": cells.get("preferred_language", ""),
                "choices": " or ".join(Language.values),
            },
        )

    record = _RECORDS.get(cells["record"].lower())
    if record is None:
        error(
            "record",
            _("Unknown record type %(value)s: use %(choices)s.")
            % {"value": cells["record"] or '""', "choices": ", ".join(Record)},
        )
        return errors
    for column in _OTHER_COLUMNS[record]:
        if cells.get(column):
            error(column, _("Must be empty in a %(record)s row.") % {"record": record.value})
    for column in _RECORD_REQUIRED[record]:
        if not cells.get(column):
            error(column, _("Required in a %(record)s row.") % {"record": record.value})
    if record is Record.LINE:
        line_fields = _line_parse(cells=cells, line=line, groups=groups, errors=errors)
        if errors or line_fields is None:
            return errors
        return ImportRow(line, account_id, name, email, language, record, *line_fields)
    if record is Record.MAILBOX:
        mailbox = _mailbox_parse(cells=cells, line=line, errors=errors)
        if errors or mailbox is None:
            return errors
        address, login = mailbox
        return ImportRow(
            line,
            account_id,
            name,
            email,
            language,
            record,
            mailbox_address=address,
            mailbox_login=login,
        )
    if errors:
        return errors
    return ImportRow(line, account_id, name, email, language, record)


_LineFields = tuple[str, int, str, str | None, int | None]


def _line_parse(
    *, cells: Mapping[str, str], line: int, groups: GroupIndex, errors: list[RowError]
) -> _LineFields | None:
    """(line ID, line group pk, IP assignment, address, prefix length), or None after errors."""
    count = len(errors)
    line_id = cells.get("line_id", "")
    if line_id and (message := _validated(line_id_validator, line_id, fast=_LINE_ID)):
        errors.append(RowError(line, "line_id", message))
    group_name = cells.get("line_group", "")
    group_id = groups.by_name.get(group_name)
    if group_name and group_id is None:
        if group_name in groups.ambiguous:
            services = groups.ambiguous[group_name]
            message = _(
                "The line group code %(code)s exists in more than one access service "
                "(%(services)s): write it as service/code, e.g. %(example)s."
            ) % {
                "code": group_name,
                "services": ", ".join(services),
                "example": f"{services[0]}/{group_name}",
            }
        else:
            message = _("Unknown line group %(value)s.") % {"value": group_name}
        errors.append(RowError(line, "line_group", message))

    assignment = cells.get("ip_assignment", "").lower()
    address_text = cells.get("ip_address", "")
    prefix_text = cells.get("ip_prefix_length", "")
    address: str | None = None
    prefix: int | None = None
    if not assignment:
        pass  # reported as required
    elif assignment not in _IP_ASSIGNMENTS:
        errors.append(
            RowError(
                line,
                "ip_assignment",
                _("Unknown IP assignment %(value)s: use %(choices)s.")
                % {
                    "value": cells.get("ip_assignment", ""),
                    "choices": " or ".join(IpAssignment.values),
                },
            )
        )
    elif assignment == _DYNAMIC:
        if address_text or prefix_text:
            column = "ip_address" if address_text else "ip_prefix_length"
            errors.append(
                RowError(line, column, _("A dynamic line has no fixed address; leave it empty."))
            )
    elif not address_text:
        errors.append(RowError(line, "ip_address", _("A static line needs its IP address.")))
    else:
        try:
            parsed = ipaddress.ip_address(address_text)
        except ValueError:
            errors.append(
                RowError(
                    line,
                    "ip_address",
                    _("%(value)s is not an IPv4 or IPv6 address.") % {"value": address_text},
                )
            )
        else:
            # The form Django stores, so that a re-import compares equal.
            address = str(parsed)
            if prefix_text:
                prefix = _prefix_parse(
                    text=prefix_text, max_length=parsed.max_prefixlen, line=line, errors=errors
                )
    if len(errors) > count or group_id is None:
        return None
    return (line_id, group_id, assignment, address, prefix)


def _prefix_parse(*, text: str, max_length: int, line: int, errors: list[RowError]) -> int | None:
    if not text.isascii() or not text.isdigit():
        errors.append(
            RowError(line, "ip_prefix_length", _("The prefix length must be a whole number."))
        )
        return None
    prefix = int(text)
    if prefix > max_length:
        errors.append(
            RowError(
                line,
                "ip_prefix_length",
                _("The prefix length must be at most %(max)d for this address.")
                % {"max": max_length},
            )
        )
        return None
    return prefix


def _mailbox_parse(
    *, cells: Mapping[str, str], line: int, errors: list[RowError]
) -> tuple[str, str] | None:
    """(address, login), or None after errors."""
    count = len(errors)
    # Mailbox addresses at the ISP are case-insensitive; one spelling avoids near-duplicates.
    address = cells.get("mailbox_address", "").lower()
    if len(address) > EMAIL_MAX:
        errors.append(
            RowError(line, "mailbox_address", _("At most %(max)d characters.") % {"max": EMAIL_MAX})
        )
    elif address and (message := _validated(_email_validator, address, fast=_PLAIN_EMAIL)):
        errors.append(RowError(line, "mailbox_address", message))
    login = cells.get("mailbox_login", "")
    if login and _validated(_login_validator, login, fast=_LINE_ID):
        errors.append(
            RowError(
                line,
                "mailbox_login",
                _("A POP/IMAP login is 3 to 64 letters, digits or . _ @ -."),
            )
        )
    if len(errors) > count or not address or not login:
        return None
    return (address, login)


class FileIndex:
    """What the earlier rows of the file claimed: catches duplicates and disagreeing accounts.

    Holds a few numbers per account, line and mailbox (not the rows), so a file of a
    million rows costs some hundred megabytes at most.
    """

    def __init__(self) -> None:
        # account -> (first line, hash of name, hash of e-mail, language)
        self._accounts: dict[str, tuple[int, int, int, str]] = {}
        self._line_ids: dict[str, int] = {}
        self._mailboxes: dict[str, int] = {}
        self._logins: dict[str, int] = {}

    def row_check(self, row: ImportRow) -> list[RowError]:
        """The row's conflicts with earlier rows; the row's keys are remembered either way."""
        errors: list[RowError] = []
        name_hash, email_hash = hash(row.name), hash(row.email)
        seen = self._accounts.setdefault(
            row.account_id, (row.line, name_hash, email_hash, row.preferred_language)
        )
        if seen[0] != row.line:
            first, first_name, first_email, first_language = seen
            for column, differs in (
                ("name", name_hash != first_name),
                ("email", email_hash != first_email),
                ("preferred_language", row.preferred_language != first_language),
            ):
                if differs:
                    message = _(
                        "Differs from line %(line)d for the same account %(account_id)s: "
                        "every row of an account must agree."
                    )
                    value = {"line": first, "account_id": row.account_id}
                    errors.append(RowError(row.line, column, message % value))
        if row.record is Record.LINE:
            first = self._line_ids.setdefault(row.line_id, row.line)
            if first != row.line:
                message = _("The line %(value)s is already on line %(line)d of this file.")
                errors.append(
                    RowError(row.line, "line_id", message % {"value": row.line_id, "line": first})
                )
        elif row.record is Record.MAILBOX:
            first = self._mailboxes.setdefault(row.mailbox_address, row.line)
            if first != row.line:
                message = _("The mailbox %(value)s is already on line %(line)d of this file.")
                value = {"value": row.mailbox_address, "line": first}
                errors.append(RowError(row.line, "mailbox_address", message % value))
            first = self._logins.setdefault(row.mailbox_login, row.line)
            if first != row.line:
                message = _("The login %(value)s is already on line %(line)d of this file.")
                value = {"value": row.mailbox_login, "line": first}
                errors.append(RowError(row.line, "mailbox_login", message % value))
        return errors
