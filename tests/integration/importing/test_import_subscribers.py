"""`manage.py import_subscribers`: all or nothing, line numbers and reasons, idempotent re-runs."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.audit import Actor
from accounts.importing import RowError, subscribers_import
from accounts.models import AuditEvent, Line, LineGroup, Mailbox, Subscriber, User
from tests.conftest import make_subscriber
from tests.integration.importing.conftest import csv_write, import_run

pytestmark = pytest.mark.django_db

YAMADA = "k0001,山田 太郎,taro.yamada@example.com,ja"
SUZUKI = "k0002,Suzuki Trading Co.,it@suzuki.example.jp,en"
VALID = (
    f"{YAMADA},line,k0001@eadsl,eadsl-1,dynamic,,,,",
    f"{YAMADA},mailbox,,,,,,k0001@example.ne.jp,k0001",
    f"{SUZUKI},line,k0002@flets,flets-east,static,198.51.100.8,29,,",
    f"{SUZUKI},mailbox,,,,,,k0002@example.ne.jp,k0002",
    f"{SUZUKI},mailbox,,,,,,info@example.ne.jp,k0002.info",
    "k0003,佐藤 花子,hanako@example.com,ja,subscriber,,,,,,,",
)
STORED_ALL_NEW = (
    "Read 6 rows: 6 valid, 0 invalid.\n"
    "Stored: subscribers 3 new, 0 changed; lines 2 new, 0 changed; mailboxes 3 new, 0 changed.\n"
    "Every row is valid and stored.\n"
)


def subscribers() -> list[tuple[str, str, str, str, str | None]]:
    return list(
        Subscriber.objects.order_by("account_id").values_list(
            "account_id", "name", "email", "preferred_language", "user__username"
        )
    )


def lines() -> list[tuple[str, str, str, str, str | None, int | None]]:
    return list(
        Line.objects.order_by("line_id").values_list(
            "line_id",
            "subscriber__account_id",
            "line_group__code",
            "ip_assignment",
            "ip_address",
            "ip_prefix_length",
        )
    )


def mailboxes() -> list[tuple[str, str, str]]:
    return list(
        Mailbox.objects.order_by("address").values_list(
            "address", "subscriber__account_id", "login"
        )
    )


def test_import_valid_file_stores_subscribers_lines_and_mailboxes(announcement, csv_path):
    run = import_run(csv_write(csv_path, *VALID), no_progress=True)

    assert (run.stdout, run.stderr, run.returncode) == (STORED_ALL_NEW, "", 0)
    assert subscribers() == [
        ("k0001", "山田 太郎", "taro.yamada@example.com", "ja", "k0001"),
        ("k0002", "Suzuki Trading Co.", "it@suzuki.example.jp", "en", "k0002"),
        ("k0003", "佐藤 花子", "hanako@example.com", "ja", "k0003"),
    ]
    assert lines() == [
        ("k0001@eadsl", "k0001", "eadsl-1", "dynamic", None, None),
        ("k0002@flets", "k0002", "flets-east", "static", "198.51.100.8", 29),
    ]
    assert mailboxes() == [
        ("info@example.ne.jp", "k0002", "k0002.info"),
        ("k0001@example.ne.jp", "k0001", "k0001"),
        ("k0002@example.ne.jp", "k0002", "k0002"),
    ]


def test_import_new_logins_have_unusable_passwords_and_are_not_staff(announcement, csv_path):
    import_run(csv_write(csv_path, *VALID))

    logins = User.objects.filter(username__in=["k0001", "k0002", "k0003"]).order_by("username")
    assert [
        (u.username, u.email, u.has_usable_password(), u.is_staff, u.is_active) for u in logins
    ] == [
        ("k0001", "taro.yamada@example.com", False, False, True),
        ("k0002", "it@suzuki.example.jp", False, False, True),
        ("k0003", "hanako@example.com", False, False, True),
    ]


def test_import_writes_one_audit_event_with_the_counts(announcement, csv_path):
    import_run(csv_write(csv_path, *VALID), actor="ops-sato")

    events = AuditEvent.objects.filter(action="subscriber.import")
    assert [(e.actor_id, e.actor_label, e.object_id, e.after) for e in events] == [
        (
            None,
            "ops-sato",
            "subscribers.csv",
            {
                "rows": 6,
                "invalid_rows": 0,
                "users_created": 3,
                "subscribers_created": 3,
                "subscribers_updated": 0,
                "lines_created": 2,
                "lines_updated": 0,
                "mailboxes_created": 3,
                "mailboxes_updated": 0,
            },
        )
    ]


def test_import_one_bad_row_stores_nothing_and_names_its_line(announcement, csv_path):
    path = csv_write(
        csv_path, *VALID[:3], "k0004,Bad,not-an-email,ja,subscriber,,,,,,,", *VALID[3:]
    )

    run = import_run(path)

    assert run.stderr == f"{path}:5: email: Enter a valid email address.\n"
    assert run.returncode == 1
    assert run.error == (
        "1 row is invalid: nothing was stored. Correct it, or give --skip-invalid to store "
        "the valid rows."
    )
    assert run.stdout == "Read 7 rows: 6 valid, 1 invalid.\n"
    assert (subscribers(), lines(), mailboxes()) == ([], [], [])
    assert not AuditEvent.objects.filter(action="subscriber.import").exists()


def test_import_skip_invalid_stores_the_valid_rows(announcement, csv_path):
    path = csv_write(
        csv_path,
        f"{YAMADA},line,k0001@eadsl,eadsl-9,dynamic,,,,",
        *VALID[1:],
        f"{SUZUKI},mailbox,,,,,,k0001@example.ne.jp,k0002.x",
    )

    run = import_run(path, skip_invalid=True)

    assert run.stderr == (
        f"{path}:2: line_group: Unknown line group eadsl-9.\n"
        f"{path}:8: mailbox_address: The mailbox k0001@example.ne.jp is already on line 3 "
        "of this file.\n"
    )
    assert (run.returncode, run.error) == (
        3,
        "2 invalid rows were skipped; the valid rows are stored.",
    )
    assert [s[0] for s in subscribers()] == ["k0001", "k0002", "k0003"]
    assert [line[0] for line in lines()] == ["k0002@flets"]
    assert len(mailboxes()) == 3


def test_import_same_file_twice_changes_nothing(announcement, csv_path):
    path = csv_write(csv_path, *VALID)
    import_run(path)
    before = (subscribers(), lines(), mailboxes(), User.objects.count())

    run = import_run(path)

    assert run.stdout == (
        "Read 6 rows: 6 valid, 0 invalid.\n"
        "Stored: subscribers 0 new, 0 changed; lines 0 new, 0 changed; mailboxes 0 new, "
        "0 changed.\n"
        "Every row is valid and stored.\n"
    )
    assert (subscribers(), lines(), mailboxes(), User.objects.count()) == before


def test_import_changed_data_updates_what_changed(announcement, csv_path):
    import_run(csv_write(csv_path, *VALID))
    moved = csv_path.with_name("moved.csv")

    run = import_run(
        csv_write(
            moved,
            "k0001,山田 太郎,new@example.com,en,line,k0001@eadsl,eadsl-2,static,2001:DB8:100::1,,,",
            "k0001,山田 太郎,new@example.com,en,mailbox,,,,,,k0001@example.ne.jp,k0001.new",
        )
    )

    assert run.stdout.splitlines()[1] == (
        "Stored: subscribers 0 new, 1 changed; lines 0 new, 1 changed; mailboxes 0 new, 1 changed."
    )
    assert subscribers()[0] == ("k0001", "山田 太郎", "new@example.com", "en", "k0001")
    assert lines()[0] == ("k0001@eadsl", "k0001", "eadsl-2", "static", "2001:db8:100::1", None)
    assert mailboxes()[1] == ("k0001@example.ne.jp", "k0001", "k0001.new")


def test_import_clashes_with_stored_data_are_refused(subscriber, other_subscriber, csv_path):
    User.objects.create_user(username="agent7", is_staff=True)
    path = csv_write(
        csv_path,
        f"{YAMADA},line,hanako@flets,eadsl-1,dynamic,,,,",
        f"{YAMADA},mailbox,,,,,,hanako@example.ne.jp,k0001",
        f"{YAMADA},mailbox,,,,,,k0001@example.ne.jp,taro",
        "agent7,Agent,agent@example.com,ja,subscriber,,,,,,,",
        "taro,Taro,taro@example.com,ja,line,taro@eadsl,eadsl-2,dynamic,,,,",
    )

    run = import_run(path)

    assert run.stderr.splitlines() == [
        f"{path}:2: line_id: The line hanako@flets belongs to another subscriber, hanako.",
        f"{path}:3: mailbox_address: The mailbox hanako@example.ne.jp belongs to another "
        "subscriber, hanako.",
        f"{path}:4: mailbox_login: The login taro is already the login of the mailbox "
        "taro@example.ne.jp.",
        f"{path}:5: account_id: agent7 is the username of a staff login.",
    ]
    assert run.returncode == 1
    assert lines() == [
        ("hanako@flets", "hanako", "flets-east", "dynamic", None, None),
        ("taro@eadsl", "taro", "eadsl-1", "dynamic", None, None),
    ]


def test_import_subscriber_without_login_gets_one(announcement, csv_path):
    Subscriber.objects.create(account_id="k0003", name="佐藤 花子", email="hanako@example.com")

    run = import_run(csv_write(csv_path, VALID[5]))

    assert run.stdout.splitlines()[1] == (
        "Stored: subscribers 0 new, 1 changed; lines 0 new, 0 changed; mailboxes 0 new, 0 changed."
    )
    assert subscribers() == [("k0003", "佐藤 花子", "hanako@example.com", "ja", "k0003")]


def test_import_login_of_another_subscriber_is_refused(announcement, csv_path):
    renamed = make_subscriber("k0009")
    renamed.user = User.objects.create_user(username="k0003")
    renamed.save()

    run = import_run(csv_write(csv_path, VALID[5]))

    assert run.stderr == (
        f"{csv_path}:2: account_id: The login k0003 belongs to the subscriber k0009.\n"
    )


def test_import_file_with_byte_order_mark_is_read(announcement, csv_path):
    run = import_run(csv_write(csv_path, *VALID, bom=True))

    assert (run.stdout, run.returncode) == (STORED_ALL_NEW, 0)


def test_import_dry_run_stores_nothing(announcement, csv_path):
    run = import_run(csv_write(csv_path, *VALID), dry_run=True)

    assert run.stdout == (
        "Read 6 rows: 6 valid, 0 invalid.\nEvery row is valid. Dry run: nothing was stored.\n"
    )
    assert (subscribers(), User.objects.filter(username="k0001").exists()) == ([], False)


def test_import_header_only_imports_nothing(announcement, csv_path):
    run = import_run(csv_write(csv_path))

    assert (run.stdout.splitlines()[0], run.returncode) == ("Read 0 rows: 0 valid, 0 invalid.", 0)


def test_import_empty_file_is_refused(announcement, csv_path):
    csv_path.write_bytes(b"")

    run = import_run(csv_path)

    assert (run.returncode, run.error) == (
        1,
        f"{csv_path}:1: The file is empty: the first line must be the header, naming the "
        "columns: account_id,name,email,preferred_language,record,line_id,line_group,"
        "ip_assignment,ip_address,ip_prefix_length,mailbox_address,mailbox_login.",
    )


def test_import_missing_column_is_refused(announcement, csv_path):
    run = import_run(csv_write(csv_path, "k0001,Yamada,ja", header="account_id,name,record"))

    assert run.error == f"{csv_path}:1: The header lacks the required columns: email."


def test_import_nonexistent_file_is_refused(announcement, tmp_path):
    missing = tmp_path / "missing.csv"

    run = import_run(missing)

    assert (run.returncode, run.error) == (1, f"{missing}: No such file.")


def test_import_shift_jis_file_is_refused_with_advice(announcement, csv_path):
    text = "\n".join(("account_id,name,email,record", "k0001,山田 太郎,t@example.com,subscriber"))
    csv_path.write_bytes(text.encode("shift_jis"))

    run = import_run(csv_path)

    assert run.error == (
        f"{csv_path}:2: The file is not UTF-8 text. Save it as UTF-8 (CSV UTF-8 in Excel), or "
        "convert it, e.g. with: iconv -f SHIFT_JIS -t UTF-8"
    )
    assert subscribers() == []


def test_import_row_with_a_field_too_many_is_refused(announcement, csv_path):
    run = import_run(csv_write(csv_path, VALID[5] + ","))

    assert run.stderr == f"{csv_path}:2: The row has 13 fields but the header has 12.\n"


@pytest.mark.parametrize("method", ["copy", "batch"])
def test_subscribers_import_both_writers_store_the_same(announcement, csv_path, method):
    path = csv_write(csv_path, *VALID, f"{SUZUKI},line,k0001@eadsl,eadsl-1,dynamic,,,,", VALID[0])
    reported: list[RowError] = []

    result = subscribers_import(
        path=Path(path),
        actor=Actor.system("test"),
        skip_invalid=True,
        errors_report=reported.extend,
        method=method,
        batch_rows=2,
    )

    assert (result.rows, result.invalid_rows, result.stored) == (8, 2, True)
    assert [(e.line, e.column) for e in reported] == [(8, "line_id"), (9, "line_id")]
    assert result.counts.as_dict() == {
        "users_created": 3,
        "subscribers_created": 3,
        "subscribers_updated": 0,
        "lines_created": 2,
        "lines_updated": 0,
        "mailboxes_created": 3,
        "mailboxes_updated": 0,
    }
    assert [line[0] for line in lines()] == ["k0001@eadsl", "k0002@flets"]


@pytest.mark.parametrize("method", ["copy", "batch"])
def test_subscribers_import_queries_do_not_grow_with_the_rows(announcement, tmp_path, method):
    def queries(count: int) -> int:
        rows = [
            f"n{method}{count}{i:04d},Name,n{i}@example.com,ja,line,"
            f"n{method}{count}{i:04d}@eadsl,eadsl-1,dynamic,,,,"
            for i in range(count)
        ]
        path = csv_write(tmp_path / f"{count}.csv", *rows)
        reported: list[RowError] = []
        with CaptureQueriesContext(connection) as captured:
            subscribers_import(
                path=path, actor=Actor.system("test"), errors_report=reported.extend, method=method
            )
        assert reported == []
        return len(captured.captured_queries)

    assert queries(5) == queries(50)
    assert LineGroup.objects.get(code="eadsl-1").lines.count() == 55
