"""Rows of a subscriber import file, judged without a database."""

import pytest
from django.utils import translation

from accounts.importing.rows import (
    COLUMNS,
    FileIndex,
    Header,
    ImportFileError,
    ImportRow,
    Record,
    RowError,
    group_index_build,
    header_parse,
    row_parse,
)

GROUPS = group_index_build(
    groups=[("eadsl", "eadsl-1", 1), ("flets", "flets-east", 2), ("fiber-biz", "fiber-biz-1", 3)]
)
HEADER = header_parse(fields=COLUMNS)
SUBSCRIBER = ["k0001", "山田 太郎", "taro@example.com", "ja"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def parse(*cells: str, line: int = 2, header: Header = HEADER) -> ImportRow | list[RowError]:
    values = list(cells) + [""] * (header.width - len(cells))
    return row_parse(values=values, line=line, header=header, groups=GROUPS)


def line_row(*line_cells: str, line: int = 2) -> ImportRow | list[RowError]:
    return parse(*SUBSCRIBER, "line", *line_cells, line=line)


def mailbox_row(address: str, login: str, line: int = 2) -> ImportRow | list[RowError]:
    return parse(*SUBSCRIBER, "mailbox", "", "", "", "", "", address, login, line=line)


def test_row_parse_dynamic_line_is_valid():
    assert line_row("k0001@eadsl", "eadsl-1", "dynamic") == ImportRow(
        line=2,
        account_id="k0001",
        name="山田 太郎",
        email="taro@example.com",
        preferred_language="ja",
        record=Record.LINE,
        line_id="k0001@eadsl",
        line_group_id=1,
        ip_assignment="dynamic",
    )


def test_row_parse_static_ipv6_line_is_stored_in_canonical_form():
    row = line_row("k0001@fiber", "fiber-biz-1", "STATIC", "2001:DB8:100:0::0", "64")

    assert isinstance(row, ImportRow)
    assert (row.ip_assignment, row.ip_address, row.ip_prefix_length) == (
        "static",
        "2001:db8:100::",
        64,
    )


def test_row_parse_static_ipv4_without_prefix_is_valid():
    row = line_row("k0001@fiber", "fiber-biz/fiber-biz-1", "static", " 198.51.100.8 ")

    assert isinstance(row, ImportRow)
    assert (row.line_group_id, row.ip_address, row.ip_prefix_length) == (3, "198.51.100.8", None)


def test_row_parse_mailbox_address_is_lower_cased():
    row = mailbox_row("K0001@Example.NE.JP", "k0001")

    assert isinstance(row, ImportRow)
    assert (row.record, row.mailbox_address, row.mailbox_login) == (
        Record.MAILBOX,
        "k0001@example.ne.jp",
        "k0001",
    )


def test_row_parse_subscriber_record_needs_no_item():
    row = parse("k0001", "Suzuki Trading Co., Ltd.", "it@suzuki.example.jp", "EN", "subscriber")

    assert isinstance(row, ImportRow)
    assert (row.record, row.name, row.preferred_language) == (
        Record.SUBSCRIBER,
        "Suzuki Trading Co., Ltd.",
        "en",
    )


def test_row_parse_language_defaults_to_japanese():
    row = parse("k0001", "山田 太郎", "taro@example.com", "", "subscriber")

    assert isinstance(row, ImportRow)
    assert row.preferred_language == "ja"


def test_row_parse_unusual_but_valid_email_passes_the_full_check():
    row = parse("k0001", "O'Brien", "o'brien@example.com", "en", "subscriber")

    assert isinstance(row, ImportRow)
    assert row.email == "o'brien@example.com"


def test_row_parse_reports_every_bad_subscriber_column():
    errors = parse("x", "", "not-an-email", "fr", "subscriber", line=7)

    assert errors == [
        RowError(
            7,
            "account_id",
            "An account ID is 3 to 32 letters, digits, dots, hyphens or underscores.",
        ),
        RowError(7, "name", "Required."),
        RowError(7, "email", "Enter a valid email address."),
        RowError(7, "preferred_language", "Unknown language fr: use ja or en."),
    ]


def test_row_parse_name_longer_than_200_characters_is_refused():
    errors = parse("k0001", "名" * 201, "taro@example.com", "ja", "subscriber")

    assert errors == [RowError(2, "name", "At most 200 characters.")]


def test_row_parse_unknown_record_type_is_refused():
    errors = parse(*SUBSCRIBER, "modem")

    assert errors == [
        RowError(2, "record", "Unknown record type modem: use subscriber, line, mailbox.")
    ]


def test_row_parse_line_row_needs_its_columns():
    errors = line_row()

    assert errors == [
        RowError(2, "line_id", "Required in a line row."),
        RowError(2, "line_group", "Required in a line row."),
        RowError(2, "ip_assignment", "Required in a line row."),
    ]


def test_row_parse_mailbox_columns_must_be_empty_in_a_line_row():
    errors = parse(*SUBSCRIBER, "line", "k0001@eadsl", "eadsl-1", "dynamic", "", "", "a@b.jp", "")

    assert errors == [RowError(2, "mailbox_address", "Must be empty in a line row.")]


def test_row_parse_static_line_needs_its_address():
    errors = line_row("k0001@eadsl", "eadsl-1", "static")

    assert errors == [RowError(2, "ip_address", "A static line needs its IP address.")]


def test_row_parse_dynamic_line_with_an_address_is_refused():
    errors = line_row("k0001@eadsl", "eadsl-1", "dynamic", "198.51.100.8")

    assert errors == [
        RowError(2, "ip_address", "A dynamic line has no fixed address; leave it empty.")
    ]


def test_row_parse_bad_address_and_assignment_are_refused():
    assert line_row("k0001@eadsl", "eadsl-1", "static", "198.51.100.300") == [
        RowError(2, "ip_address", "198.51.100.300 is not an IPv4 or IPv6 address.")
    ]
    assert line_row("k0001@eadsl", "eadsl-1", "fixed") == [
        RowError(2, "ip_assignment", "Unknown IP assignment fixed: use dynamic or static.")
    ]


def test_row_parse_prefix_longer_than_the_address_allows_is_refused():
    errors = line_row("k0001@eadsl", "eadsl-1", "static", "198.51.100.8", "33")

    assert errors == [
        RowError(2, "ip_prefix_length", "The prefix length must be at most 32 for this address.")
    ]


def test_row_parse_prefix_that_is_not_a_number_is_refused():
    errors = line_row("k0001@eadsl", "eadsl-1", "static", "198.51.100.8", "/29")

    assert errors == [RowError(2, "ip_prefix_length", "The prefix length must be a whole number.")]


def test_row_parse_unknown_line_group_is_refused():
    errors = line_row("k0001@eadsl", "eadsl-9", "dynamic")

    assert errors == [RowError(2, "line_group", "Unknown line group eadsl-9.")]


def test_row_parse_ambiguous_line_group_code_asks_for_the_service():
    groups = group_index_build(groups=[("eadsl", "east", 1), ("flets", "east", 2)])
    values = [*SUBSCRIBER, "line", "k0001@eadsl", "east", "dynamic", "", "", "", ""]

    errors = row_parse(values=values, line=2, header=HEADER, groups=groups)
    row = row_parse(
        values=[*values[:6], "flets/east", *values[7:]], line=2, header=HEADER, groups=groups
    )

    assert errors == [
        RowError(
            2,
            "line_group",
            "The line group code east exists in more than one access service (eadsl, flets): "
            "write it as service/code, e.g. eadsl/east.",
        )
    ]
    assert isinstance(row, ImportRow)
    assert row.line_group_id == 2


def test_row_parse_bad_line_id_and_login_are_refused():
    assert line_row("a b", "eadsl-1", "dynamic") == [
        RowError(2, "line_id", "A line ID (the PPPoE login) is 3 to 64 letters, digits or . _ @ -.")
    ]
    assert mailbox_row("k0001@example.ne.jp", "x") == [
        RowError(2, "mailbox_login", "A POP/IMAP login is 3 to 64 letters, digits or . _ @ -.")
    ]


def test_row_parse_row_with_the_wrong_number_of_fields_is_refused():
    errors = row_parse(values=["k0001", "x"], line=4, header=HEADER, groups=GROUPS)

    assert errors == [RowError(4, "", "The row has 2 fields but the header has 12.")]


def test_header_parse_takes_columns_in_any_order_and_case():
    header = header_parse(fields=[" Record", "EMAIL", "name", "account_id"])

    assert header == Header(
        positions={"record": 0, "email": 1, "name": 2, "account_id": 3}, width=4
    )


def test_header_parse_missing_required_column_is_named():
    with pytest.raises(ImportFileError) as raised:
        header_parse(fields=["account_id", "name", "record"])

    assert (raised.value.line, raised.value.message) == (
        1,
        "The header lacks the required columns: email.",
    )


def test_header_parse_unknown_column_is_named():
    with pytest.raises(ImportFileError) as raised:
        header_parse(fields=["account_id", "name", "email", "record", "emial"])

    assert raised.value.message == (
        "Unknown columns in the header: emial. The columns are: account_id,name,email,"
        "preferred_language,record,line_id,line_group,ip_assignment,ip_address,"
        "ip_prefix_length,mailbox_address,mailbox_login."
    )


def test_header_parse_repeated_column_is_refused():
    with pytest.raises(ImportFileError) as raised:
        header_parse(fields=["account_id", "name", "email", "record", "name"])

    assert raised.value.message == "The column name appears twice in the header."


def test_file_index_rows_of_one_account_that_agree_pass():
    index = FileIndex()
    first = line_row("k0001@eadsl", "eadsl-1", "dynamic", line=2)
    second = mailbox_row("k0001@example.ne.jp", "k0001", line=3)
    assert isinstance(first, ImportRow)
    assert isinstance(second, ImportRow)

    assert (index.row_check(first), index.row_check(second)) == ([], [])


def test_file_index_account_whose_rows_disagree_is_refused():
    index = FileIndex()
    first = parse(*SUBSCRIBER, "subscriber", line=2)
    second = parse("k0001", "山田 太郎", "other@example.com", "en", "subscriber", line=5)
    assert isinstance(first, ImportRow)
    assert isinstance(second, ImportRow)
    index.row_check(first)

    message = "Differs from line 2 for the same account k0001: every row of an account must agree."
    assert index.row_check(second) == [
        RowError(5, "email", message),
        RowError(5, "preferred_language", message),
    ]


def test_file_index_repeated_line_mailbox_and_login_are_refused():
    index = FileIndex()
    rows = [
        line_row("k0001@eadsl", "eadsl-1", "dynamic", line=2),
        mailbox_row("k0001@example.ne.jp", "k0001", line=3),
        line_row("k0001@eadsl", "flets-east", "dynamic", line=9),
        mailbox_row("K0001@example.ne.jp", "k0001", line=10),
    ]
    assert all(isinstance(row, ImportRow) for row in rows)

    results = [index.row_check(row) for row in rows if isinstance(row, ImportRow)]

    assert results == [
        [],
        [],
        [RowError(9, "line_id", "The line k0001@eadsl is already on line 2 of this file.")],
        [
            RowError(
                10,
                "mailbox_address",
                "The mailbox k0001@example.ne.jp is already on line 3 of this file.",
            ),
            RowError(10, "mailbox_login", "The login k0001 is already on line 3 of this file."),
        ],
    ]
