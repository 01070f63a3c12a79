"""Reads about subscribers: the console's one search box.

`subscriber_search` classifies what staff typed and asks only the indexes that
can answer it, so it stays fast at a million subscribers: no scan, no COUNT.
On PostgreSQL the case-insensitive matches use the expression indexes of
migration 0003 (`UPPER(column)`, and `text_pattern_ops` for the name prefix).
"""

import ipaddress
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import QuerySet

from accounts.models import Line, Mailbox, Subscriber

# An account or line ID, as the validators on the models allow them.
_IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$")
# Static lines are at most this wide (an IPv6 /48); a containing network is
# found among the few nearest stored addresses below the one searched.
_CONTAINING_CANDIDATES = 8


class QueryKind(StrEnum):
    """What the search box was given, which decides the indexes asked."""

    EMPTY = "empty"
    IP_ADDRESS = "ip_address"
    ADDRESS = "address"  # has an @: a mailbox, a contact e-mail or a line ID
    IDENTIFIER_OR_NAME = "identifier_or_name"
    NAME = "name"


@dataclass(frozen=True)
class SearchQuery:
    kind: QueryKind
    text: str


def search_query_parse(*, query: str) -> SearchQuery:
    """Classify the text typed in the search box. Pure: no database."""
    text = " ".join(query.split())
    if not text:
        return SearchQuery(QueryKind.EMPTY, "")
    try:
        return SearchQuery(QueryKind.IP_ADDRESS, str(ipaddress.ip_address(text)))
    except ValueError:
        pass
    if "@" in text and " " not in text:
        return SearchQuery(QueryKind.ADDRESS, text)
    if _IDENTIFIER.match(text):
        return SearchQuery(QueryKind.IDENTIFIER_OR_NAME, text)
    return SearchQuery(QueryKind.NAME, text)


def _subscribers(ids: Iterable[int]) -> QuerySet[Subscriber]:
    return Subscriber.objects.filter(pk__in=list(ids)).order_by()


def _ordered(found: list[int], limit: int) -> list[Subscriber]:
    """One query for the subscribers, kept in the order they were found."""
    unique = list(dict.fromkeys(found))[:limit]
    by_id = {s.pk: s for s in _subscribers(unique)}
    return [by_id[pk] for pk in unique if pk in by_id]


# Every query clears the models' default ordering: ORDER BY line_id with a
# LIMIT makes PostgreSQL walk that index and filter, a scan of the table.
def _line_owners(**lookup: str) -> QuerySet[Line, int]:
    return Line.objects.filter(**lookup).order_by().values_list("subscriber_id", flat=True)


def _mailbox_owners(**lookup: str) -> QuerySet[Mailbox, int]:
    return Mailbox.objects.filter(**lookup).order_by().values_list("subscriber_id", flat=True)


def _subscriber_ids(**lookup: str) -> QuerySet[Subscriber, int]:
    return Subscriber.objects.filter(**lookup).order_by().values_list("pk", flat=True)


def _by_ip(address: str, limit: int) -> list[int]:
    exact = list(_line_owners(ip_address=address)[:limit])
    if exact:
        return exact
    # A static line may be a network (198.51.100.8/29); its stored address is
    # the network's first, so look at the nearest addresses at or below it.
    searched = ipaddress.ip_address(address)
    candidates = (
        Line.objects.filter(ip_address__isnull=False, ip_address__lte=address)
        .order_by("-ip_address")
        .values_list("subscriber_id", "ip_address", "ip_prefix_length")[:_CONTAINING_CANDIDATES]
    )
    found = []
    for subscriber_id, stored, prefix in candidates:
        if prefix is None:
            continue
        network = ipaddress.ip_network(f"{stored}/{prefix}", strict=False)
        if network.version == searched.version and searched in network:
            found.append(subscriber_id)
    return found


def _by_address(text: str, limit: int) -> list[int]:
    found = list(_mailbox_owners(address__iexact=text)[:1])
    found += _line_owners(line_id__iexact=text)[:1]
    found += _subscriber_ids(email__iexact=text)[:limit]
    return found


def _by_identifier(text: str) -> list[int]:
    found = list(_subscriber_ids(account_id__iexact=text)[:1])
    found += _line_owners(line_id__iexact=text)[:1]
    found += _mailbox_owners(login__iexact=text)[:1]
    return found


def _by_name(text: str, limit: int) -> list[int]:
    # No ORDER BY: the scan of the UPPER(name) index yields the first `limit`
    # matches in name order and stops; sorting all matches of a short prefix
    # ("s") would read tens of thousands of rows.
    rows = (
        Subscriber.objects.filter(name__istartswith=text)
        .order_by()
        .values_list("pk", "name")[:limit]
    )
    return [pk for pk, _name in sorted(rows, key=lambda row: (row[1].upper(), row[0]))]


def subscriber_search(*, query: str, limit: int = 20) -> list[Subscriber]:
    """Subscribers matching what staff typed, exact identifiers first, then name prefixes.

    An IP address finds the static line with it (or its network); text with an @
    a mailbox address, line ID or contact e-mail; a single word an account ID,
    line ID or mailbox login, then name prefixes; anything else a name prefix.
    """
    parsed = search_query_parse(query=query)
    found: list[int] = []
    if parsed.kind is QueryKind.IP_ADDRESS:
        found = _by_ip(parsed.text, limit)
    elif parsed.kind is QueryKind.ADDRESS:
        found = _by_address(parsed.text, limit)
    elif parsed.kind is QueryKind.IDENTIFIER_OR_NAME:
        found = _by_identifier(parsed.text) + _by_name(parsed.text, limit)
    elif parsed.kind is QueryKind.NAME:
        found = _by_name(parsed.text, limit)
    if not found:
        return []
    return _ordered(found, limit)


def subscriber_identifiers_attach(*, subscribers: list[Subscriber]) -> None:
    """Set `line_ids` and `mailbox_addresses` (sorted) on each subscriber: two queries.

    For a page of a list; prefetch_related would build a queryset per subscriber, which
    costs more than the queries.
    """
    ids = [subscriber.pk for subscriber in subscribers]
    lines: dict[int, list[str]] = defaultdict(list)
    for subscriber_id, line_id in (
        Line.objects.filter(subscriber_id__in=ids)
        .order_by("line_id")
        .values_list("subscriber_id", "line_id")
    ):
        lines[subscriber_id].append(line_id)
    mailboxes: dict[int, list[str]] = defaultdict(list)
    for subscriber_id, address in (
        Mailbox.objects.filter(subscriber_id__in=ids)
        .order_by("address")
        .values_list("subscriber_id", "address")
    ):
        mailboxes[subscriber_id].append(address)
    for subscriber in subscribers:
        subscriber.line_ids = lines[subscriber.pk]  # type: ignore[attr-defined]
        subscriber.mailbox_addresses = mailboxes[subscriber.pk]  # type: ignore[attr-defined]
