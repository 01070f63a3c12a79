"""The writer for other databases: each batch checked and written with a few ORM queries."""

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from typing import cast

from django.contrib.auth.hashers import make_password

from accounts.importing.conflicts import import_conflicts_find
from accounts.importing.rows import ImportRow, Record, RowError
from accounts.importing.store import ImportCounts
from accounts.models import Line, Mailbox, Subscriber, User


class BatchWriter:
    """Each batch checked and written at once through the ORM: a few queries per batch."""

    def __init__(self, *, now: datetime) -> None:
        self.now = now
        self.counts = ImportCounts()

    def rows_check(self, *, rows: Sequence[ImportRow]) -> list[RowError]:
        return import_conflicts_find(rows=rows) if rows else []

    def rows_write(self, *, rows: Sequence[ImportRow]) -> None:
        if not rows:
            return
        subscriber_pks = self._subscribers_upsert(rows=rows)
        self._lines_upsert(
            rows=[row for row in rows if row.record is Record.LINE], subscriber_pks=subscriber_pks
        )
        self._mailboxes_upsert(
            rows=[row for row in rows if row.record is Record.MAILBOX],
            subscriber_pks=subscriber_pks,
        )

    def file_check(self) -> Iterator[list[RowError]]:
        """Each batch was checked as it came."""
        return iter(())

    def rows_drop(self, *, lines: Collection[int]) -> None:
        """Invalid rows were never written."""

    def finish(self) -> ImportCounts:
        return self.counts

    def _subscribers_upsert(self, *, rows: Sequence[ImportRow]) -> dict[str, int]:
        firsts: dict[str, ImportRow] = {}
        for row in rows:
            firsts.setdefault(row.account_id, row)
        existing = {s.account_id: s for s in Subscriber.objects.filter(account_id__in=firsts)}
        wanting_login = [a for a in firsts if a not in existing or existing[a].user_id is None]
        users = dict(
            User.objects.filter(
                username__in=wanting_login, is_staff=False, is_superuser=False
            ).values_list("username", "pk")
        )
        new_users = [
            User(
                username=account_id,
                password=make_password(None),
                email=firsts[account_id].email,
                date_joined=self.now,
            )
            for account_id in wanting_login
            if account_id not in users
        ]
        User.objects.bulk_create(new_users)
        self.counts.users_created += len(new_users)
        users.update((user.username, user.pk) for user in new_users)

        created, changed = [], []
        for account_id, row in firsts.items():
            subscriber = existing.get(account_id)
            if subscriber is None:
                created.append(
                    Subscriber(
                        account_id=account_id,
                        name=row.name,
                        email=row.email,
                        preferred_language=row.preferred_language,
                        user_id=users.get(account_id),
                    )
                )
                continue
            wanted = (row.name, row.email, row.preferred_language)
            login = subscriber.user_id or users.get(account_id)
            if (subscriber.name, subscriber.email, subscriber.preferred_language) != wanted or (
                login != subscriber.user_id
            ):
                subscriber.name, subscriber.email, subscriber.preferred_language = wanted
                subscriber.user_id = login
                changed.append(subscriber)
        Subscriber.objects.bulk_create(created)
        Subscriber.objects.bulk_update(changed, ["name", "email", "preferred_language", "user"])
        self.counts.subscribers_created += len(created)
        self.counts.subscribers_updated += len(changed)
        return {s.account_id: s.pk for s in (*existing.values(), *created)}

    def _lines_upsert(self, *, rows: Sequence[ImportRow], subscriber_pks: dict[str, int]) -> None:
        if not rows:
            return
        existing = {
            line.line_id: line
            for line in Line.objects.filter(line_id__in=[r.line_id for r in rows])
        }
        created, changed = [], []
        for row in rows:
            line = existing.get(row.line_id)
            if line is None:
                created.append(
                    Line(
                        subscriber_id=subscriber_pks[row.account_id],
                        line_id=row.line_id,
                        line_group_id=cast("int", row.line_group_id),
                        ip_assignment=row.ip_assignment,
                        ip_address=row.ip_address,
                        ip_prefix_length=row.ip_prefix_length,
                    )
                )
                continue
            if line.subscriber_id != subscriber_pks[row.account_id]:
                continue  # refused by the validation; never move a line silently
            wanted = (
                cast("int", row.line_group_id),
                row.ip_assignment,
                row.ip_address,
                row.ip_prefix_length,
            )
            if (line.line_group_id, line.ip_assignment, line.ip_address, line.ip_prefix_length) != (
                wanted
            ):
                (
                    line.line_group_id,
                    line.ip_assignment,
                    line.ip_address,
                    line.ip_prefix_length,
                ) = wanted
                changed.append(line)
        Line.objects.bulk_create(created)
        Line.objects.bulk_update(
            changed, ["line_group", "ip_assignment", "ip_address", "ip_prefix_length"]
        )
        self.counts.lines_created += len(created)
        self.counts.lines_updated += len(changed)

    def _mailboxes_upsert(
        self, *, rows: Sequence[ImportRow], subscriber_pks: dict[str, int]
    ) -> None:
        if not rows:
            return
        existing = {
            m.address: m
            for m in Mailbox.objects.filter(address__in=[r.mailbox_address for r in rows])
        }
        created, changed = [], []
        for row in rows:
            mailbox = existing.get(row.mailbox_address)
            if mailbox is None:
                created.append(
                    Mailbox(
                        subscriber_id=subscriber_pks[row.account_id],
                        address=row.mailbox_address,
                        login=row.mailbox_login,
                    )
                )
            elif (
                mailbox.subscriber_id == subscriber_pks[row.account_id]
                and mailbox.login != row.mailbox_login
            ):
                mailbox.login = row.mailbox_login
                changed.append(mailbox)
        Mailbox.objects.bulk_create(created)
        Mailbox.objects.bulk_update(changed, ["login"])
        self.counts.mailboxes_created += len(created)
        self.counts.mailboxes_updated += len(changed)
