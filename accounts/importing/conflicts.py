"""Reads for an import: the line groups, and rows that clash with what is stored.

A line or mailbox of the same account is no clash (the import updates it); one
that belongs to another subscriber is. `import_conflicts_find` checks a batch in
four queries; the COPY writer finds the same clashes with set-based SQL over the
whole file, and words them with the same functions.
"""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from accounts.importing.rows import GroupIndex, ImportRow, Record, RowError, group_index_build
from accounts.models import Line, LineGroup, Mailbox, User


def line_groups_index() -> GroupIndex:
    """Every line group, by the names a file may use for it (one query)."""
    return group_index_build(
        groups=LineGroup.objects.values_list("access_service__code", "code", "pk")
    )


def line_conflict(*, line: int, line_id: str, owner: str) -> RowError:
    message = _("The line %(value)s belongs to another subscriber, %(owner)s.")
    return RowError(line, "line_id", message % {"value": line_id, "owner": owner})


def mailbox_conflict(*, line: int, address: str, owner: str) -> RowError:
    message = _("The mailbox %(value)s belongs to another subscriber, %(owner)s.")
    return RowError(line, "mailbox_address", message % {"value": address, "owner": owner})


def login_conflict(*, line: int, login: str, address: str) -> RowError:
    message = _("The login %(value)s is already the login of the mailbox %(owner)s.")
    return RowError(line, "mailbox_login", message % {"value": login, "owner": address})


def account_conflict(*, line: int, account_id: str, staff: bool, owner: str | None) -> RowError:
    """The account ID is the username of a staff login, or of another subscriber's login."""
    if staff:
        message = _("%(value)s is the username of a staff login.") % {"value": account_id}
    else:
        message = _("The login %(value)s belongs to the subscriber %(owner)s.") % {
            "value": account_id,
            "owner": owner,
        }
    return RowError(line, "account_id", message)


def import_conflicts_find(*, rows: Sequence[ImportRow]) -> list[RowError]:
    """The rows' clashes with stored lines, mailboxes, logins and users (four queries)."""
    errors: list[RowError] = []
    lines = [row for row in rows if row.record is Record.LINE]
    mailboxes = [row for row in rows if row.record is Record.MAILBOX]
    if lines:
        owners = dict(
            Line.objects.filter(line_id__in=[row.line_id for row in lines]).values_list(
                "line_id", "subscriber__account_id"
            )
        )
        errors.extend(
            line_conflict(line=row.line, line_id=row.line_id, owner=owners[row.line_id])
            for row in lines
            if owners.get(row.line_id, row.account_id) != row.account_id
        )
    if mailboxes:
        owners = dict(
            Mailbox.objects.filter(
                address__in=[row.mailbox_address for row in mailboxes]
            ).values_list("address", "subscriber__account_id")
        )
        errors.extend(
            mailbox_conflict(
                line=row.line, address=row.mailbox_address, owner=owners[row.mailbox_address]
            )
            for row in mailboxes
            if owners.get(row.mailbox_address, row.account_id) != row.account_id
        )
        addresses = dict(
            Mailbox.objects.filter(login__in=[row.mailbox_login for row in mailboxes]).values_list(
                "login", "address"
            )
        )
        errors.extend(
            login_conflict(
                line=row.line, login=row.mailbox_login, address=addresses[row.mailbox_login]
            )
            for row in mailboxes
            if addresses.get(row.mailbox_login, row.mailbox_address) != row.mailbox_address
        )
    users = {
        username: (staff or superuser, owner)
        for username, staff, superuser, owner in User.objects.filter(
            username__in={row.account_id for row in rows}
        ).values_list("username", "is_staff", "is_superuser", "subscriber__account_id")
    }
    for row in rows:
        staff, owner = users.get(row.account_id, (False, None))
        if staff or owner not in (None, row.account_id):
            errors.append(
                account_conflict(line=row.line, account_id=row.account_id, staff=staff, owner=owner)
            )
    return errors
