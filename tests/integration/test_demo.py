"""`manage.py demo`: every status exists today, a rerun adds nothing, arguments are checked."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from accounts.models import Line, Mailbox, Subscriber, User
from blocking.announcement import jst
from blocking.models import (
    Exemption,
    ExemptionState,
    RolloutPhase,
    SubmissionAccess,
    SubmissionAccessState,
    SubmissionService,
)
from blocking.policy import LineStatus, Rule
from blocking.selectors import lines_with_status, subscriber_lines_with_status
from blocking.stages import Stage
from blocking.terms import EXEMPTION_TERMS_VERSION
from portal.demo import jst_midnight

pytestmark = pytest.mark.django_db


def demo(**options: object) -> str:
    out = StringIO()
    options.setdefault("subscribers", 50)
    call_command("demo", no_progress=True, stdout=out, **options)
    return out.getvalue()


def statuses_now() -> list[LineStatus]:
    lines = Line.objects.select_related("line_group__access_service")
    return [status for _line, status in lines_with_status(lines=lines, at=timezone.now())]


def counts() -> dict[str, int]:
    models = (User, Group, Subscriber, Line, Mailbox, Exemption, SubmissionAccess, RolloutPhase)
    return {model.__name__: model.objects.count() for model in models}


def test_demo_every_stage_and_rule_exists_today():
    demo()

    statuses = statuses_now()

    assert {s.effective for s in statuses} == {Stage.OPEN, Stage.MOBILE, Stage.FULL}
    assert {s.rule for s in statuses} == set(Rule)
    waiting = [s for s in statuses if s.rule is Rule.NO_PHASE_YET and s.next_change is not None]
    assert waiting
    assert {s.next_change.effective for s in waiting} == {Stage.MOBILE}
    assert Subscriber.objects.filter(lines__isnull=True, mailboxes__isnull=False).exists()


def test_demo_subscriber_demo_is_mobile_with_full_in_30_days():
    demo(subscribers=0)
    today = jst_midnight(at=timezone.now())

    [(line, status)] = subscriber_lines_with_status(
        subscriber=Subscriber.objects.get(account_id="demo"), at=timezone.now()
    )

    assert line.line_group.code == "eadsl-2"
    assert status.effective is Stage.MOBILE
    assert status.next_change.effective is Stage.FULL
    assert status.next_change.at == today + timedelta(days=30)
    assert Mailbox.objects.filter(subscriber__account_id="demo").count() == 1


def test_demo_personas_cover_each_exemption_state_and_suspension():
    demo(subscribers=0)
    today = jst_midnight(at=timezone.now())
    supervisor = User.objects.get(username="supervisor")

    active = Exemption.objects.get(line__subscriber__account_id="suzuki")
    request = Exemption.objects.get(line__subscriber__account_id="takahashi")
    suspended = SubmissionAccess.objects.get(mailbox__subscriber__account_id="kato")

    assert (active.state, active.decided_by, active.ends_at) == (
        ExemptionState.ACTIVE,
        supervisor,
        today + timedelta(days=60),
    )
    assert (request.state, request.terms_version) == (
        ExemptionState.REQUESTED,
        EXEMPTION_TERMS_VERSION,
    )
    assert request.terms_accepted_at is not None
    assert Exemption.objects.get(line__subscriber__account_id="ito").state == "expired"
    assert Exemption.objects.get(line__subscriber__account_id="watanabe").state == "denied"
    assert suspended.state == SubmissionAccessState.SUSPENDED
    assert suspended.reason
    assert list(Subscriber.objects.get(account_id="clark").lines.all()) == []


def test_demo_staff_roles_and_passwords():
    demo(subscribers=0)

    for username, group in (
        ("agent", "support agent"),
        ("supervisor", "supervisor"),
        ("auditor", "auditor"),
    ):
        user = User.objects.get(username=username)
        assert user.is_staff
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert user.check_password(f"demo-{username}-2006")
    auditor = set(Group.objects.get(name="auditor").permissions.values_list("codename", flat=True))
    assert auditor
    assert all(codename.startswith("view_") for codename in auditor)
    assert User.objects.get(username="demo").check_password("demo-subscriber-2006")


def test_demo_supervisor_cannot_edit_users_or_the_audit_trail():
    demo(subscribers=0)

    supervisor = set(
        Group.objects.get(name="supervisor").permissions.values_list("codename", flat=True)
    )

    assert "change_exemption" in supervisor
    assert not supervisor & {
        "add_user",
        "change_user",
        "delete_user",
        "add_auditevent",
        "change_auditevent",
        "delete_auditevent",
    }


def test_demo_bulk_subscribers_have_lines_and_mailboxes():
    demo(subscribers=50)

    bulk = Subscriber.objects.filter(account_id__startswith="s00000").annotate(
        n_lines=Count("lines", distinct=True), n_mailboxes=Count("mailboxes", distinct=True)
    )

    assert bulk.count() == 50
    assert {b.n_lines for b in bulk} <= {1, 2}
    assert {b.n_mailboxes for b in bulk} <= {1, 2}
    assert User.objects.get(username="s0000050").check_password("demo-bulk-2006")


def test_demo_twice_gives_the_same_counts():
    demo()
    first = counts()

    demo()

    assert counts() == first


def test_demo_more_subscribers_tops_up():
    demo(subscribers=30)
    lines_of_first = list(
        Line.objects.filter(subscriber__account_id="s0000001").values_list("line_id", flat=True)
    )

    demo(subscribers=50)

    assert Subscriber.objects.filter(account_id__startswith="s00000").count() == 50
    assert (
        list(
            Line.objects.filter(subscriber__account_id="s0000001").values_list("line_id", flat=True)
        )
        == lines_of_first
    )


def test_demo_calendar_2006_loads_the_announcement_dates():
    demo(subscribers=0, calendar="2006")

    phases = dict(
        RolloutPhase.objects.filter(line_group__code="eadsl-1").values_list("stage", "effective_at")
    )

    assert phases == {"mobile": jst(2006, 6, 1), "full": jst(2006, 10, 1)}
    assert SubmissionService.objects.get().starts_at == jst(2006, 6, 15)


def test_demo_if_empty_leaves_existing_data_alone():
    demo(subscribers=5)
    before = counts()

    output = demo(subscribers=50, if_empty=True)

    assert counts() == before
    assert len(output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [({"subscribers": -1}, "--subscribers"), ({"calendar": "1999"}, "--calendar")],
)
def test_demo_bad_arguments_raise_command_error(options, message):
    with pytest.raises(CommandError, match=message):
        demo(**options)

    assert not Subscriber.objects.exists()
