"""Reads about subscribers: the console's one search box.

`subscriber_search` classifies what staff typed and asks only the indexes that
can answer it, so it stays fast at a million subscribers: no scan, no COUNT.
On PostgreSQL the case-insensitive matches use the expression indexes of
migration 0003 (`UPPER(column)`, and `text_pattern_ops` for the name prefix).
Every index a kind of text may use is asked in one statement (a UNION ALL that
also brings the subscribers' rows), written once per process: each query's
round trip, and the ORM's building of it, cost more than the lookups themselves.
"""

import ipaddress
import re
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from django.db import connection
from django.db.models import Field, Model

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


@dataclass(frozen=True)
class SearchHit:
    """A subscriber the search box found: what the console lists, and the ID it opens."""

    pk: int
    account_id: str
    name: str
    email: str


@dataclass(frozen=True)
class _Source:
    """Where one kind of match is looked for: `model.field` equal to the text, or its start."""

    model: type[Model]
    field: str
    prefix: bool = False  # a name prefix (LIKE 'TEXT%') rather than the whole value
    many: bool = False  # up to `limit` matches rather than the first


_ACCOUNT_ID = _Source(Subscriber, "account_id")
_NAME = _Source(Subscriber, "name", prefix=True, many=True)
_EMAIL = _Source(Subscriber, "email", many=True)
_LINE_ID = _Source(Line, "line_id")
_MAILBOX_ADDRESS = _Source(Mailbox, "address")
_MAILBOX_LOGIN = _Source(Mailbox, "login")

# The indexes each kind of text asks, in the order their matches are listed.
_SOURCES = {
    QueryKind.ADDRESS: (_MAILBOX_ADDRESS, _LINE_ID, _EMAIL),
    QueryKind.IDENTIFIER_OR_NAME: (_ACCOUNT_ID, _LINE_ID, _MAILBOX_LOGIN, _NAME),
    QueryKind.NAME: (_NAME,),
}
_HIT_FIELDS = ("id", "account_id", "name", "email")


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    quote = connection.ops.quote_name
    return f"{quote(model._meta.db_table)}.{quote(field.column)}"


def _matches(source: _Source) -> str:
    """The source's condition, UPPER() on both sides.

    That is what Django's iexact and istartswith compile to on PostgreSQL, so the
    indexes of migration 0003 answer; on SQLite it means the same.
    """
    compare = "LIKE UPPER(%s) ESCAPE '\\'" if source.prefix else "= UPPER(%s)"
    return f"UPPER({_column(source.model, source.field)}) {compare} LIMIT %s"


@cache
def _search_sql(vendor: str, kind: QueryKind) -> str:
    """The one statement a kind of text runs, written once per process and database vendor.

    Each source gives (its position, subscriber ID) in a derived table, as SQLite allows
    no LIMIT on a member of a compound SELECT; the subscribers' rows are joined once to
    the UNION ALL of them. A name alone reads its rows directly. No ORDER BY: see
    `_name_order`. Table and column names are the models'; the typed text and the
    limits are parameters (hence the noqa: S608).
    """
    quote = connection.ops.quote_name
    subscribers = quote(Subscriber._meta.db_table)
    columns = ", ".join(_column(Subscriber, name) for name in _HIT_FIELDS)
    sources = _SOURCES[kind]
    if sources == (_NAME,):
        return f"SELECT 0, {columns} FROM {subscribers} WHERE {_matches(_NAME)}"  # noqa: S608
    members = []
    for position, source in enumerate(sources):
        owner = _column(source.model, "id" if source.model is Subscriber else "subscriber")
        table = quote(source.model._meta.db_table)
        found = f"SELECT {owner} AS found FROM {table} WHERE {_matches(source)}"  # noqa: S608
        member = f"SELECT {position} AS source, found FROM ({found}) f{position}"  # noqa: S608
        members.append(member)
    hits = " UNION ALL ".join(members)
    subscriber_id = _column(Subscriber, "id")
    return (
        f"SELECT hit.source, {columns} FROM ({hits}) hit "  # noqa: S608
        f"JOIN {subscribers} ON {subscriber_id} = hit.found"
    )


def _name_order(hits: list[SearchHit]) -> list[SearchHit]:
    # The name prefix is asked without ORDER BY, which would sort every match of a
    # short prefix ("s", "佐藤": tens of thousands of rows): the first `limit` matches
    # found (in name order through the UPPER(name) index for a rare prefix; PostgreSQL
    # may scan the table instead for a common one) are sorted here.
    return sorted(hits, key=lambda hit: (hit.name.upper(), hit.pk))


def _by_sources(kind: QueryKind, text: str, limit: int) -> list[SearchHit]:
    """Every source's matches in one query: exact identifiers first, then name prefixes."""
    params: list[str | int] = []
    for source in _SOURCES[kind]:
        params.append(connection.ops.prep_for_like_query(text) + "%" if source.prefix else text)
        params.append(limit if source.many else 1)
    with connection.cursor() as cursor:
        cursor.execute(_search_sql(connection.vendor, kind), params)
        rows = cursor.fetchall()
    found: list[list[SearchHit]] = [[] for _source in _SOURCES[kind]]
    for position, *hit in rows:
        found[position].append(SearchHit(*hit))
    return [
        hit
        for source, hits in zip(_SOURCES[kind], found, strict=True)
        for hit in (_name_order(hits) if source.prefix else hits)
    ]


# Every query clears the models' default ordering: ORDER BY line_id with a
# LIMIT makes PostgreSQL walk that index and filter, a scan of the table.
def _by_ip(address: str, limit: int) -> list[SearchHit]:
    exact = list(
        Line.objects.filter(ip_address=address)
        .order_by()
        .values_list("subscriber_id", flat=True)[:limit]
    )
    if not exact:
        exact = _containing(address)
    rows = Subscriber.objects.filter(pk__in=exact).order_by().values_list(*_HIT_FIELDS)
    by_id = {row[0]: SearchHit(*row) for row in rows}
    return [by_id[pk] for pk in exact if pk in by_id]


def _containing(address: str) -> list[int]:
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


def subscriber_search(*, query: str, limit: int = 20) -> list[SearchHit]:
    """Subscribers matching what staff typed, exact identifiers first, then name prefixes.

    An IP address finds the static line with it (or its network); text with an @
    a mailbox address, line ID or contact e-mail; a single word an account ID,
    line ID or mailbox login, then name prefixes; anything else a name prefix.
    One query, two for an IP address.
    """
    parsed = search_query_parse(query=query)
    if parsed.kind is QueryKind.EMPTY:
        return []
    if parsed.kind is QueryKind.IP_ADDRESS:
        hits = _by_ip(parsed.text, limit)
    else:
        hits = _by_sources(parsed.kind, parsed.text, limit)
    # A subscriber found twice (by account ID and mailbox login) is listed where first found.
    return list({hit.pk: hit for hit in hits}.values())[:limit]


@dataclass(frozen=True)
class HitIdentifiers:
    """What the console lists of a found subscriber besides the row: lines and mailboxes."""

    lines: list[tuple[str, str]]  # (line ID, static network or ""), by line ID
    mailboxes: list[str]  # addresses, in order


def search_hits_identifiers(*, hits: list[SearchHit]) -> dict[int, HitIdentifiers]:
    """The lines and mailboxes of a page of hits, by subscriber: one query for both."""
    identifiers = {hit.pk: HitIdentifiers(lines=[], mailboxes=[]) for hit in hits}
    if not identifiers:
        return identifiers
    quote = connection.ops.quote_name
    owners = ", ".join(["%s"] * len(identifiers))
    line, mailbox = quote(Line._meta.db_table), quote(Mailbox._meta.db_table)
    # Table and column names are the models', the subscribers' IDs parameters. The
    # third column orders each kind as the ORM did (ORDER BY line_id, address).
    sql = (
        f"SELECT 0, {_column(Line, 'subscriber')}, {_column(Line, 'line_id')}, "  # noqa: S608
        f"{_column(Line, 'ip_address')}, {_column(Line, 'ip_prefix_length')} "
        f"FROM {line} WHERE {_column(Line, 'subscriber')} IN ({owners}) "
        f"UNION ALL SELECT 1, {_column(Mailbox, 'subscriber')}, {_column(Mailbox, 'address')}, "
        f"NULL, NULL FROM {mailbox} WHERE {_column(Mailbox, 'subscriber')} IN ({owners}) "
        "ORDER BY 1, 3"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*identifiers, *identifiers])
        rows = cursor.fetchall()
    for kind, owner, text, address, prefix in rows:
        if kind == 0:
            identifiers[owner].lines.append((text, _network(address, prefix)))
        else:
            identifiers[owner].mailboxes.append(text)
    return identifiers


def _network(address: str | None, prefix: int | None) -> str:
    """A static line's address as `Line.ip_network` writes it ("198.51.100.8/29")."""
    if not address:
        return ""
    return address if prefix is None else f"{address}/{prefix}"


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
