"""The search box's classification and the CSV cell guard: pure functions, no database."""

import pytest

from accounts.selectors import QueryKind, SearchQuery, search_query_parse
from blocking.console.views.audit import csv_safe


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", SearchQuery(QueryKind.EMPTY, "")),
        ("   ", SearchQuery(QueryKind.EMPTY, "")),
        ("203.0.113.8", SearchQuery(QueryKind.IP_ADDRESS, "203.0.113.8")),
        (" 2001:DB8::1 ", SearchQuery(QueryKind.IP_ADDRESS, "2001:db8::1")),
        ("taro@example.ne.jp", SearchQuery(QueryKind.ADDRESS, "taro@example.ne.jp")),
        ("taro@eadsl", SearchQuery(QueryKind.ADDRESS, "taro@eadsl")),
        ("s0000123", SearchQuery(QueryKind.IDENTIFIER_OR_NAME, "s0000123")),
        ("Sato", SearchQuery(QueryKind.IDENTIFIER_OR_NAME, "Sato")),
        ("Taro   Mihon", SearchQuery(QueryKind.NAME, "Taro Mihon")),
        ("佐藤", SearchQuery(QueryKind.NAME, "佐藤")),
        ("ab", SearchQuery(QueryKind.NAME, "ab")),
        ("203.0.113.999", SearchQuery(QueryKind.IDENTIFIER_OR_NAME, "203.0.113.999")),
    ],
)
def test_search_query_parse_classifies(typed: str, expected: SearchQuery) -> None:
    assert search_query_parse(query=typed) == expected


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+81 3 1234", "'+81 3 1234"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("plain reason", "plain reason"),
        (None, ""),
        (42, "42"),
    ],
)
def test_csv_safe_quotes_formula_starts(value: object, cell: str) -> None:
    assert csv_safe(value) == cell
