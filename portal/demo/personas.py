"""Named personas with known passwords, one for each status a subscriber can be in.

Each persona is reset to its demo state (lines, mailboxes, exemption, suspension)
on every run, with its dates counted from today.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import IpAssignment, Language, Line, LineGroup, Mailbox, Subscriber, User
from blocking.models import (
    Exemption,
    ExemptionState,
    SubmissionAccess,
    SubmissionAccessState,
)
from blocking.terms import EXEMPTION_TERMS_VERSION
from portal.demo.staff import STAFF, Login, staff_ensure, staff_groups_ensure, user_ensure

# Demo logins only: printed at the end of every run, never used outside a demo.
SUBSCRIBER_PASSWORD = "demo-subscriber-2006"  # noqa: S105


@dataclass(frozen=True)
class LineSpec:
    line_id: str
    group: str
    static_ip: str = ""  # address/prefix, as staff write it


@dataclass(frozen=True)
class ExemptionSpec:
    """Days are counted from today's JST midnight; `decided` is None for a pending request."""

    state: ExemptionState
    reason: str
    starts: int
    ends: int
    requested: int
    decided: int | None = None
    server_host: str = ""
    decision_message: str = ""


@dataclass(frozen=True)
class PersonaSpec:
    account_id: str
    name: str
    language: Language
    lines: tuple[LineSpec, ...]
    mailboxes: tuple[str, ...]  # local parts at the ISP's mail domain
    exemption: ExemptionSpec | None = None  # on the first line
    suspended_reason: str = ""  # suspends the first mailbox's submission access


PERSONAS = (
    PersonaSpec(
        "demo", "Taro Mihon", Language.ENGLISH,
        lines=(LineSpec("demo@eadsl", "eadsl-2"),), mailboxes=("demo",),
    ),
    PersonaSpec(
        "sato", "佐藤 一郎", Language.JAPANESE,
        lines=(LineSpec("sato@eadsl", "eadsl-1"),), mailboxes=("sato",),
    ),
    PersonaSpec(
        "tanaka", "田中 花子", Language.JAPANESE,
        lines=(LineSpec("tanaka@flets", "flets-west"),), mailboxes=("tanaka",),
        exemption=ExemptionSpec(
            ExemptionState.REQUESTED,
            "家族のドメインのメールサーバーをこの回線で運用しています。",
            starts=0, ends=90, requested=0, server_host="mail.tanaka-family.example.jp",
        ),
    ),
    PersonaSpec(
        "suzuki", "鈴木 商店", Language.JAPANESE,
        lines=(LineSpec("suzuki@eadsl", "eadsl-1"),), mailboxes=("suzuki",),
        exemption=ExemptionSpec(
            ExemptionState.ACTIVE,
            "The shop runs its own mail server for order confirmations.",
            starts=-10, ends=60, requested=-14, decided=-11,
            server_host="mail.suzuki-shoten.example.jp",
            decision_message="Granted for 60 days while you move to submission port 587.",
        ),
    ),
    PersonaSpec(
        "takahashi", "高橋 健", Language.JAPANESE,
        lines=(LineSpec("takahashi@flets", "flets-east"),), mailboxes=("takahashi",),
        exemption=ExemptionSpec(
            ExemptionState.REQUESTED,
            "Our clinic's appointment system sends reminders through its own SMTP server.",
            starts=1, ends=181, requested=-1, server_host="smtp.takahashi-clinic.example.jp",
        ),
    ),
    PersonaSpec(
        "ito", "伊藤 美咲", Language.JAPANESE,
        lines=(LineSpec("ito@eadsl", "eadsl-2"),), mailboxes=("ito",),
        exemption=ExemptionSpec(
            ExemptionState.EXPIRED,
            "Mailing list server for the school's parents' association.",
            starts=-200, ends=-20, requested=-205, decided=-201,
            server_host="lists.ito.example.jp",
        ),
    ),
    PersonaSpec(
        "watanabe", "渡辺 誠", Language.JAPANESE,
        lines=(LineSpec("watanabe@flets", "flets-east"),), mailboxes=("watanabe",),
        exemption=ExemptionSpec(
            ExemptionState.DENIED,
            "I want to send mail directly from my PC.",
            starts=-5, ends=360, requested=-8, decided=-6,
            # Staff answer in the subscriber's language.
            decision_message=(
                "パソコンから直接送信するための適用除外はお受けしておりません。"
                "当社のメールサーバー(587 番ポート)経由で送信してください。"
                "設定ガイドに手順を掲載しています。"
            ),
        ),
    ),
    PersonaSpec(
        "yamamoto", "山本 製作所", Language.JAPANESE,
        lines=(LineSpec("yamamoto@eadsl", "eadsl-1", static_ip="203.0.113.8/29"),),
        mailboxes=("yamamoto",),
    ),
    PersonaSpec(
        "nakamura", "中村 浩", Language.JAPANESE,
        lines=(LineSpec("nakamura@dialup", "dialup-1"),), mailboxes=("nakamura",),
    ),
    PersonaSpec(
        "clark", "Emily Clark", Language.ENGLISH,
        lines=(), mailboxes=("clark", "emily.clark"),
    ),
    PersonaSpec(
        "kato", "加藤 恵", Language.JAPANESE,
        lines=(LineSpec("kato@flets", "flets-east"),), mailboxes=("kato",),
        suspended_reason=(
            "Password leaked: 40,000 spam messages sent through SMTP AUTH. "
            "Suspended until the subscriber sets a new password."
        ),
    ),
)  # fmt: skip


def persona_roles() -> dict[str, str]:
    """What each persona shows, for the printed list of logins."""
    return {
        "demo": _("subscriber: eADSL line, mobile now, full in 30 days; one mailbox"),
        "sato": _("subscriber: eADSL line, fully blocked"),
        "tanaka": _(
            "subscriber: FLET'S West line, open; mobile in 7 days; exemption requested today"
        ),
        "suzuki": _("subscriber: active exemption (granted by supervisor) for 60 more days"),
        "takahashi": _("subscriber: exemption request waiting for staff"),
        "ito": _("subscriber: exemption expired 20 days ago"),
        "watanabe": _("subscriber: exemption request denied"),
        "yamamoto": _("subscriber: static-IP eADSL line, not blocked"),
        "nakamura": _("subscriber: dial-up line, outside OP25B"),
        "clark": _("subscriber: two mailboxes, no line of ours (needs port 587)"),
        "kato": _("subscriber: mailbox with submission access suspended"),
        "agent": _("staff: support agent"),
        "supervisor": _("staff: supervisor"),
        "auditor": _("staff: auditor (read only)"),
    }


def persona_ensure(
    *, spec: PersonaSpec, groups: dict[str, LineGroup], supervisor: User, today: datetime
) -> Subscriber:
    """One persona, reset to its demo state (its lines, mailboxes and exemption)."""
    domain = settings.PORTAL_MAIL_DOMAIN
    email = f"{spec.account_id}@example.com"
    user = user_ensure(username=spec.account_id, password=SUBSCRIBER_PASSWORD, email=email)
    subscriber, _created = Subscriber.objects.update_or_create(
        account_id=spec.account_id,
        defaults={
            "name": spec.name,
            "email": email,
            "preferred_language": spec.language,
            "user": user,
        },
    )
    lines = []
    for line_spec in spec.lines:
        address, _slash, prefix = line_spec.static_ip.partition("/")
        lines.append(
            Line.objects.update_or_create(
                line_id=line_spec.line_id,
                defaults={
                    "subscriber": subscriber,
                    "line_group": groups[line_spec.group],
                    "ip_assignment": IpAssignment.STATIC if address else IpAssignment.DYNAMIC,
                    "ip_address": address or None,
                    "ip_prefix_length": int(prefix) if prefix else None,
                },
            )[0]
        )
    mailboxes = [
        Mailbox.objects.update_or_create(
            address=f"{local}@{domain}", defaults={"subscriber": subscriber, "login": local}
        )[0]
        for local in spec.mailboxes
    ]
    if spec.exemption is not None:
        _persona_exemption_ensure(
            spec=spec.exemption, line=lines[0], user=user, supervisor=supervisor, today=today
        )
    if spec.suspended_reason:
        SubmissionAccess.objects.update_or_create(
            mailbox=mailboxes[0],
            defaults={
                "state": SubmissionAccessState.SUSPENDED,
                "reason": spec.suspended_reason,
                "auth_methods": [],
            },
        )
    return subscriber


def _persona_exemption_ensure(
    *, spec: ExemptionSpec, line: Line, user: User, supervisor: User, today: datetime
) -> None:
    def day(offset: int) -> datetime:
        return today + timedelta(days=offset, hours=10)

    requested_at = day(spec.requested)
    decided = spec.decided is not None
    exemption, _created = Exemption.objects.update_or_create(
        line=line,
        reason=spec.reason,
        defaults={
            "state": spec.state,
            "server_host": spec.server_host,
            "contact": user.email,
            "starts_at": today + timedelta(days=spec.starts),
            "ends_at": today + timedelta(days=spec.ends),
            "requested_by": user,
            "terms_version": EXEMPTION_TERMS_VERSION,
            "terms_accepted_at": requested_at,
            "decided_by": supervisor if decided else None,
            "decided_at": day(spec.decided) if spec.decided is not None else None,
            "decision_message": spec.decision_message,
            "revoked_by": None,
            "revoked_at": None,
        },
    )
    # requested_at is auto_now_add, which overrides any value given on save.
    Exemption.objects.filter(pk=exemption.pk).update(requested_at=requested_at)


@transaction.atomic
def personas_ensure(*, today: datetime) -> list[Login]:
    """Staff roles and named personas; returns their logins, staff last."""
    staff = staff_ensure(groups=staff_groups_ensure())
    groups = {group.code: group for group in LineGroup.objects.all()}
    for spec in PERSONAS:
        persona_ensure(spec=spec, groups=groups, supervisor=staff["supervisor"], today=today)
    roles = persona_roles()
    return [
        *(Login(spec.account_id, SUBSCRIBER_PASSWORD, roles[spec.account_id]) for spec in PERSONAS),
        *(Login(spec.username, spec.password, roles[spec.username]) for spec in STAFF),
    ]
