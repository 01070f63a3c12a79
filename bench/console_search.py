"""Latency of the support console's search box (accounts.selectors.subscriber_search).

Run against a database holding the bulk demo (a million subscribers):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_1m .venv/bin/python manage.py migrate
    DATABASE_URL=... .venv/bin/python manage.py demo --subscribers 1000000 --no-progress
    DATABASE_URL=... .venv/bin/python bench/console_search.py [--repeat 50]

For each kind of query it picks real values from the database (spread over the
table so the caches are not always warm on the same rows), runs the search, and
prints the median, 95th percentile and worst time in milliseconds with the
number of SQL queries and the plan of each (an index scan, never a Seq Scan).
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Line, Mailbox, Subscriber  # noqa: E402
from accounts.selectors import subscriber_search  # noqa: E402


def _spread(values: Callable[[int], str], count: int) -> list[str]:
    return [values(i) for i in range(count)]


def _samples(repeat: int) -> dict[str, list[str]]:
    total = Subscriber.objects.order_by("-pk").values_list("pk", flat=True).first() or 1
    step = max(total // repeat, 1)
    ids = [1 + i * step for i in range(repeat)]
    subscribers = list(Subscriber.objects.filter(pk__in=ids).values_list("account_id", "email"))
    names = list(Subscriber.objects.filter(pk__in=ids).values_list("name", flat=True))
    lines = list(Line.objects.filter(subscriber_id__in=ids).values_list("line_id", flat=True))
    static = list(
        Line.objects.filter(subscriber_id__in=range(1, total, max(total // 2000, 1)))
        .exclude(ip_address=None)
        .values_list("ip_address", flat=True)[:repeat]
    )
    mailboxes = list(
        Mailbox.objects.filter(subscriber_id__in=ids).values_list("address", flat=True)
    )
    return {
        "account ID": [a for a, _e in subscribers],
        "account ID (upper case)": [a.upper() for a, _e in subscribers],
        "contact e-mail": [e for _a, e in subscribers],
        "line ID": lines[:repeat],
        "mailbox address": mailboxes[:repeat],
        "static IP address": static,
        "name prefix (family name)": [n.split()[0] for n in names],
        "name prefix (3 letters)": [n[:3] for n in names],
        "no match": [f"nobody-{i}@nowhere.example" for i in range(repeat)],
    }


def _explain(query: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        subscriber_search(query=query)
    plans = []
    with connection.cursor() as cursor:
        for q in captured.captured_queries:
            cursor.execute("EXPLAIN " + q["sql"])
            plan = " / ".join(row[0].strip() for row in cursor.fetchall()[:3])
            plans.append(plan)
    return plans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument(
        "--no-analyze",
        action="store_true",
        help="skip ANALYZE (right after a bulk load the planner has no statistics yet)",
    )
    args = parser.parse_args()
    if not args.no_analyze and connection.vendor == "postgresql":
        # autovacuum does this in production; a fresh COPY leaves no statistics.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE accounts_subscriber, accounts_line, accounts_mailbox")
    subscribers = Subscriber.objects.order_by("-pk").values_list("pk", flat=True).first()
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}, "
        f"about {subscribers:,} subscribers"
    )
    print(f"{'query kind':<28} {'n':>4} {'median':>8} {'p95':>8} {'max':>8}  queries  found")
    for kind, values in _samples(args.repeat).items():
        if not values:
            print(f"{kind:<28} no sample values in this database")
            continue
        subscriber_search(query=values[0])  # warm the connection
        timings, found, queries = [], 0, 0
        for value in values:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                results = subscriber_search(query=value)
                timings.append((time.perf_counter() - started) * 1000)
            found += bool(results)
            queries = max(queries, len(captured.captured_queries))
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        print(
            f"{kind:<28} {len(values):>4} {statistics.median(timings):>7.2f}ms {p95:>7.2f}ms "
            f"{timings[-1]:>7.2f}ms  {queries:>7}  {found}/{len(values)}"
        )
    print()
    print("plans (first sample of each kind):")
    for kind, values in _samples(2).items():
        if values:
            for plan in _explain(values[0]):
                print(f"  {kind}: {plan}")


if __name__ == "__main__":
    main()
