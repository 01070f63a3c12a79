"""SQL the ORM writes once per process, for the hottest small reads.

Building and compiling a queryset costs more than PostgreSQL takes to run a small indexed
read: the API's key lookup, a page's exemption windows and line groups, the console's
permissions. Those reads compile their queryset once (under functools.cache) with marker
parameters, then run the SQL with each request's values.
"""

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet


def sql_compiled(queryset: QuerySet[Any, Any], *, params: Sequence[object]) -> str | None:
    """The SQL of `queryset` if its parameters are exactly `params`, in order.

    None when the ORM writes them otherwise (another order, a value it folded in): the
    caller then runs the queryset itself, so a new Django version can only be slower.
    """
    sql, actual = queryset.query.sql_with_params()
    return str(sql) if list(actual) == list(params) else None
