"""SQL compiled once by the ORM runs with each call's values, and answers as the queryset."""

import pytest
from django.db import connection

from accounts.compiled_sql import sql_compiled
from accounts.models import Subscriber

pytestmark = pytest.mark.django_db


def test_compiled_sql_runs_with_other_values(subscriber: Subscriber) -> None:
    sql = sql_compiled(Subscriber.objects.filter(account_id="-"), params=["-"])
    assert sql is not None
    with connection.cursor() as cursor:
        cursor.execute(sql, [subscriber.account_id])
        rows = cursor.fetchall()
    assert [row[0] for row in rows] == [subscriber.pk]


def test_compiled_sql_refused_when_parameters_differ() -> None:
    queryset = Subscriber.objects.filter(account_id="-", name="x")
    assert sql_compiled(queryset, params=["x", "-"]) is None  # another order
    assert sql_compiled(queryset, params=["-"]) is None  # another count
