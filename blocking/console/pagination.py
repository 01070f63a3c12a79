"""Keyset ("cursor") pagination for the console's lists: no OFFSET, no COUNT.

The page after is asked for by the last row's ordering values, so each page
reads only its own rows through the ordering index, however long the list.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50
_SEPARATOR = "~"


@dataclass(frozen=True)
class KeysetPage:
    rows: list[Any]
    next_query: str | None  # the query string of the next page, if there is one
    first_query: str  # the query string of the first page (the same filters)
    is_first: bool


def _encode(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _decode(text: str, sample_field: str, queryset: QuerySet[Any]) -> object:
    field = queryset.model._meta.get_field(sample_field)
    if field.get_internal_type() == "DateTimeField":
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            raise ValueError("naive")
        return parsed
    return int(text)


def keyset_page(
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    order: tuple[str, ...],
    descending: bool = False,
    size: int = PAGE_SIZE,
) -> KeysetPage:
    """`order` is (field, unique tie-breaker) or (unique field,); `?after=` holds the cursor."""
    direction = "-" if descending else ""
    rows = queryset.order_by(*(f"{direction}{name}" for name in order))
    cursor = request.GET.get("after", "")
    if cursor:
        try:
            values = [
                _decode(part, name, queryset)
                for part, name in zip(cursor.split(_SEPARATOR), order, strict=True)
            ]
        except (ValueError, TypeError):
            values = []
        if values:
            rows = rows.filter(_after(order, values, descending))
    found = list(rows[: size + 1])
    next_query = None
    if len(found) > size:
        found = found[:size]
        params = request.GET.copy()
        params["after"] = _SEPARATOR.join(_encode(_value(found[-1], name)) for name in order)
        next_query = params.urlencode()
    first = request.GET.copy()
    first.pop("after", None)
    return KeysetPage(
        rows=found, next_query=next_query, first_query=first.urlencode(), is_first=not cursor
    )


def _value(row: Model, name: str) -> object:
    return getattr(row, name)


def _after(order: tuple[str, ...], values: list[object], descending: bool) -> Q:
    beyond = "lt" if descending else "gt"
    if len(order) == 1:
        return Q(**{f"{order[0]}__{beyond}": values[0]})
    field, tiebreak = order
    return Q(**{f"{field}__{beyond}": values[0]}) | Q(
        **{field: values[0], f"{tiebreak}__{beyond}": values[1]}
    )
