"""The PostgreSQL writer: COPY into a temporary table, then set-based checks and upserts."""

from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import datetime
from typing import Any

from django.db import connection

from accounts.importing.conflicts import (
    account_conflict,
    line_conflict,
    login_conflict,
    mailbox_conflict,
)
from accounts.importing.rows import ImportRow, RowError
from accounts.importing.store import ImportCounts
from accounts.models import Line, Mailbox, Subscriber, User

_STAGE = "import_rows"
_STAGE_COLUMNS = (
    "line", "account_id", "name", "email", "preferred_language", "record", "line_id",
    "line_group_id", "ip_assignment", "ip_address", "ip_prefix_length", "mailbox_address",
    "mailbox_login",
)  # fmt: skip
# Analyse the tables afterwards when this many rows came in, so the portal's next
# queries plan with the new sizes.
_ANALYZE_FROM = 10_000


class CopyWriter:
    """COPY every row into a temporary table; check and upsert set-based, in a few statements."""

    def __init__(self, *, now: datetime) -> None:
        self.now = now
        self.rows = 0
        with connection.cursor() as cursor:
            # An earlier import in the same (outer) transaction may have left it.
            cursor.execute(f"DROP TABLE IF EXISTS {_STAGE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {_STAGE} ("
                " line integer NOT NULL, account_id text NOT NULL, name text NOT NULL,"
                " email text NOT NULL, preferred_language text NOT NULL, record text NOT NULL,"
                " line_id text, line_group_id bigint, ip_assignment text, ip_address inet,"
                " ip_prefix_length smallint, mailbox_address text, mailbox_login text"
                ") ON COMMIT DROP"
            )

    def rows_check(self, *, rows: Sequence[ImportRow]) -> list[RowError]:
        """Stage the rows: they are checked against stored data all at once, at the end."""
        if not rows:
            return []
        names = ", ".join(_STAGE_COLUMNS)
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {_STAGE} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(
                    (
                        row.line,
                        row.account_id,
                        row.name,
                        row.email,
                        row.preferred_language,
                        row.record.value,
                        row.line_id or None,
                        row.line_group_id,
                        row.ip_assignment or None,
                        row.ip_address,
                        row.ip_prefix_length,
                        row.mailbox_address or None,
                        row.mailbox_login or None,
                    )
                )
        self.rows += len(rows)
        return []

    def rows_write(self, *, rows: Sequence[ImportRow]) -> None:
        """Staged already."""

    def file_check(self) -> Iterator[list[RowError]]:
        if not self.rows:
            return
        q = connection.ops.quote_name
        user, subscriber = q(User._meta.db_table), q(Subscriber._meta.db_table)
        line, mailbox = q(Line._meta.db_table), q(Mailbox._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {_STAGE}")
            # Table names come from the models' metadata and are quoted.
            cursor.execute(
                f"""
                SELECT r.line, r.line_id, s.account_id
                FROM {_STAGE} r
                JOIN {line} l ON l.line_id = r.line_id
                JOIN {subscriber} s ON s.id = l.subscriber_id
                WHERE r.record = 'line' AND s.account_id <> r.account_id
                ORDER BY r.line
                """  # noqa: S608
            )
            yield from _batches(
                cursor, lambda r: line_conflict(line=r[0], line_id=r[1], owner=r[2])
            )
            cursor.execute(
                f"""
                SELECT r.line, r.mailbox_address, s.account_id
                FROM {_STAGE} r
                JOIN {mailbox} m ON m.address = r.mailbox_address
                JOIN {subscriber} s ON s.id = m.subscriber_id
                WHERE r.record = 'mailbox' AND s.account_id <> r.account_id
                ORDER BY r.line
                """  # noqa: S608
            )
            yield from _batches(
                cursor, lambda r: mailbox_conflict(line=r[0], address=r[1], owner=r[2])
            )
            cursor.execute(
                f"""
                SELECT r.line, r.mailbox_login, m.address
                FROM {_STAGE} r JOIN {mailbox} m ON m.login = r.mailbox_login
                WHERE r.record = 'mailbox' AND m.address <> r.mailbox_address
                ORDER BY r.line
                """  # noqa: S608
            )
            yield from _batches(
                cursor, lambda r: login_conflict(line=r[0], login=r[1], address=r[2])
            )
            cursor.execute(
                f"""
                SELECT r.line, r.account_id, u.is_staff OR u.is_superuser, s.account_id
                FROM {_STAGE} r
                JOIN {user} u ON u.username = r.account_id
                LEFT JOIN {subscriber} s ON s.user_id = u.id
                WHERE u.is_staff OR u.is_superuser OR s.account_id <> r.account_id
                ORDER BY r.line
                """  # noqa: S608
            )
            yield from _batches(
                cursor,
                lambda r: account_conflict(line=r[0], account_id=r[1], staff=r[2], owner=r[3]),
            )

    def rows_drop(self, *, lines: Collection[int]) -> None:
        if not lines:
            return
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {_STAGE} WHERE line = ANY(%s)", [list(lines)])  # noqa: S608
            self.rows -= cursor.rowcount

    def finish(self) -> ImportCounts:
        counts = ImportCounts()
        if not self.rows:
            return counts
        q = connection.ops.quote_name
        user, subscriber = q(User._meta.db_table), q(Subscriber._meta.db_table)
        line, mailbox = q(Line._meta.db_table), q(Mailbox._meta.db_table)
        now = self.now
        with connection.cursor() as cursor:
            # Table names come from the models' metadata and are quoted; values are parameters.
            cursor.execute(
                f"""
                WITH created AS (
                    INSERT INTO {user} (username, password, email, first_name, last_name,
                                        is_staff, is_superuser, is_active, date_joined)
                    SELECT DISTINCT ON (r.account_id) r.account_id,
                           '!' || md5(random()::text) || left(md5(random()::text), 8),
                           r.email, '', '', false, false, true, %s
                    FROM {_STAGE} r
                    WHERE NOT EXISTS (
                        SELECT 1 FROM {subscriber} s
                        WHERE s.account_id = r.account_id AND s.user_id IS NOT NULL
                    )
                    ORDER BY r.account_id, r.line
                    ON CONFLICT (username) DO NOTHING
                    RETURNING 1
                )
                SELECT count(*) FROM created
                """,  # noqa: S608
                [now],
            )
            counts.users_created = _one(cursor)
            cursor.execute(
                f"""
                WITH upserted AS (
                    INSERT INTO {subscriber} AS s (account_id, name, email, preferred_language,
                                                  user_id, created_at)
                    SELECT DISTINCT ON (r.account_id) r.account_id, r.name, r.email,
                           r.preferred_language, u.id, %s
                    FROM {_STAGE} r
                    LEFT JOIN {user} u ON u.username = r.account_id
                        AND NOT u.is_staff AND NOT u.is_superuser
                    ORDER BY r.account_id, r.line
                    ON CONFLICT (account_id) DO UPDATE SET
                        name = EXCLUDED.name,
                        email = EXCLUDED.email,
                        preferred_language = EXCLUDED.preferred_language,
                        user_id = COALESCE(s.user_id, EXCLUDED.user_id)
                    WHERE (s.name, s.email, s.preferred_language)
                          IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.email,
                                            EXCLUDED.preferred_language)
                       OR (s.user_id IS NULL AND EXCLUDED.user_id IS NOT NULL)
                    RETURNING (xmax = 0) AS created
                )
                SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created)
                FROM upserted
                """,  # noqa: S608
                [now],
            )
            counts.subscribers_created, counts.subscribers_updated = _two(cursor)
            cursor.execute(
                f"""
                WITH upserted AS (
                    INSERT INTO {line} AS l (subscriber_id, line_id, line_group_id, ip_assignment,
                                            ip_address, ip_prefix_length, created_at)
                    SELECT s.id, r.line_id, r.line_group_id, r.ip_assignment, r.ip_address,
                           r.ip_prefix_length, %s
                    FROM {_STAGE} r JOIN {subscriber} s ON s.account_id = r.account_id
                    WHERE r.record = 'line'
                    ON CONFLICT (line_id) DO UPDATE SET
                        line_group_id = EXCLUDED.line_group_id,
                        ip_assignment = EXCLUDED.ip_assignment,
                        ip_address = EXCLUDED.ip_address,
                        ip_prefix_length = EXCLUDED.ip_prefix_length
                    WHERE l.subscriber_id = EXCLUDED.subscriber_id
                      AND (l.line_group_id, l.ip_assignment, l.ip_address, l.ip_prefix_length)
                          IS DISTINCT FROM (EXCLUDED.line_group_id, EXCLUDED.ip_assignment,
                                            EXCLUDED.ip_address, EXCLUDED.ip_prefix_length)
                    RETURNING (xmax = 0) AS created
                )
                SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created)
                FROM upserted
                """,  # noqa: S608
                [now],
            )
            counts.lines_created, counts.lines_updated = _two(cursor)
            cursor.execute(
                f"""
                WITH upserted AS (
                    INSERT INTO {mailbox} AS m (subscriber_id, address, login, created_at)
                    SELECT s.id, r.mailbox_address, r.mailbox_login, %s
                    FROM {_STAGE} r JOIN {subscriber} s ON s.account_id = r.account_id
                    WHERE r.record = 'mailbox'
                    ON CONFLICT (address) DO UPDATE SET login = EXCLUDED.login
                    WHERE m.subscriber_id = EXCLUDED.subscriber_id AND m.login <> EXCLUDED.login
                    RETURNING (xmax = 0) AS created
                )
                SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created)
                FROM upserted
                """,  # noqa: S608
                [now],
            )
            counts.mailboxes_created, counts.mailboxes_updated = _two(cursor)
            cursor.execute(f"DROP TABLE {_STAGE}")
            if self.rows >= _ANALYZE_FROM:
                cursor.execute(f"ANALYZE {user}, {subscriber}, {line}, {mailbox}")
        return counts


def _batches(
    cursor: Any, error: Callable[[tuple[Any, ...]], RowError], size: int = 5_000
) -> Iterator[list[RowError]]:
    while rows := cursor.fetchmany(size):
        yield [error(row) for row in rows]


def _one(cursor: object) -> int:
    row = cursor.fetchone()  # type: ignore[attr-defined]
    return int(row[0])


def _two(cursor: object) -> tuple[int, int]:
    row = cursor.fetchone()  # type: ignore[attr-defined]
    return int(row[0]), int(row[1])
