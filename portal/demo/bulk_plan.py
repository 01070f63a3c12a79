"""What each bulk subscriber `s0000001`, `s0000002`, ... is: names, lines, mailboxes, exemption.

A subscriber's data depends only on its number and the random generator it is
given (seeded per fixed-size chunk by `portal.demo.bulk`), drawn in a fixed
order so the same number always gets the same data.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from ipaddress import IPv6Network

from django.conf import settings

from accounts.models import Language, LineGroup, User
from blocking.models import ExemptionState
from portal.demo.schedule import jst_midnight
from portal.demo.staff import password_hash

BULK_PREFIX = "s"
BULK_DIGITS = 7
BULK_MAX = 10**BULK_DIGITS - 1

# Demo logins only: printed at the end of every run, never used outside a demo.
BULK_PASSWORD = "demo-bulk-2006"  # noqa: S105

# Bulk lines per group: (group code, share of lines, share of those with a static IP).
_BULK_GROUP_MIX = (
    ("eadsl-1", 0.18, 0.03),
    ("eadsl-2", 0.18, 0.03),
    ("flets-east", 0.26, 0.03),
    ("flets-west", 0.26, 0.03),
    ("dialup-1", 0.06, 0.0),
    ("fiber-biz-1", 0.06, 1.0),
)
_BULK_SECOND_LINE = 0.2  # ~1.2 lines per subscriber
_BULK_SECOND_MAILBOX = 0.5  # ~1.5 mailboxes per subscriber
_BULK_EXEMPTION = 0.011  # ~1% of subscribers, on a line where it matters
_BULK_EXEMPTION_STATES = (
    (ExemptionState.ACTIVE, 0.75),
    (ExemptionState.REQUESTED, 0.10),
    (ExemptionState.EXPIRED, 0.08),
    (ExemptionState.DENIED, 0.05),
    (ExemptionState.REVOKED, 0.02),
)
_BULK_EXEMPTION_REASONS = (
    "Runs its own mail server for the office domain.",
    "Mailing list server for a neighbourhood association.",
    "Monitoring system sends alerts straight to staff mobile phones.",
    "Accounting software delivers invoices through its own SMTP server.",
)
# Static bulk lines get a /64 each out of the ISP's documentation prefix; it
# holds 2**24 of them, so numbers wrap (harmlessly) past 8 million subscribers.
_BULK_STATIC_NET = IPv6Network("2001:db8:100::/40")

_FAMILY_NAMES = (
    ("佐藤", "Sato"), ("鈴木", "Suzuki"), ("高橋", "Takahashi"), ("田中", "Tanaka"),
    ("伊藤", "Ito"), ("渡辺", "Watanabe"), ("山本", "Yamamoto"), ("中村", "Nakamura"),
    ("小林", "Kobayashi"), ("加藤", "Kato"), ("吉田", "Yoshida"), ("山田", "Yamada"),
    ("佐々木", "Sasaki"), ("山口", "Yamaguchi"), ("松本", "Matsumoto"), ("井上", "Inoue"),
    ("木村", "Kimura"), ("林", "Hayashi"), ("斎藤", "Saito"), ("清水", "Shimizu"),
)  # fmt: skip
_GIVEN_NAMES = (
    ("太郎", "Taro"), ("花子", "Hanako"), ("一郎", "Ichiro"), ("健", "Ken"),
    ("翔", "Sho"), ("陽菜", "Hina"), ("結衣", "Yui"), ("大輔", "Daisuke"),
    ("美咲", "Misaki"), ("直樹", "Naoki"), ("由美", "Yumi"), ("誠", "Makoto"),
    ("恵", "Megumi"), ("拓也", "Takuya"), ("さくら", "Sakura"), ("健太", "Kenta"),
    ("愛", "Ai"), ("浩", "Hiroshi"), ("明美", "Akemi"), ("隆", "Takashi"),
)  # fmt: skip


def bulk_account_id(*, number: int) -> str:
    return f"{BULK_PREFIX}{number:0{BULK_DIGITS}d}"


@dataclass(frozen=True, slots=True)
class _BulkLine:
    line_id: str
    group_id: int
    ip_address: str | None
    ip_prefix_length: int | None


@dataclass(frozen=True, slots=True)
class _BulkExemption:
    line_id: str
    state: ExemptionState
    reason: str
    starts_at: datetime
    ends_at: datetime
    requested_at: datetime
    decided_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class _BulkSubscriber:
    account_id: str
    name: str
    email: str
    language: str
    lines: tuple[_BulkLine, ...]
    mailboxes: tuple[tuple[str, str], ...]  # (address, login)
    exemption: _BulkExemption | None


@dataclass(frozen=True)
class _BulkContext:
    now: datetime
    today: datetime
    domain: str
    groups: tuple[tuple[str, int, float, bool], ...]  # (code, id, static share, in scope)
    cum_weights: tuple[float, ...]
    supervisor_id: int
    password_hash: str


def _bulk_context(*, now: datetime) -> _BulkContext:
    codes = [code for code, _share, _static in _BULK_GROUP_MIX]
    rows = LineGroup.objects.select_related("access_service").filter(code__in=codes)
    groups = {group.code: group for group in rows}
    cum, total = [], 0.0
    for _code, share, _static in _BULK_GROUP_MIX:
        total += share
        cum.append(total)
    return _BulkContext(
        now=now,
        today=jst_midnight(at=now),
        domain=settings.PORTAL_MAIL_DOMAIN,
        groups=tuple(
            (code, groups[code].pk, static, groups[code].access_service.op25b_in_scope)
            for code, _share, static in _BULK_GROUP_MIX
        ),
        cum_weights=tuple(cum),
        supervisor_id=User.objects.values_list("pk", flat=True).get(username="supervisor"),
        password_hash=password_hash(password=BULK_PASSWORD),
    )


def _bulk_plan(*, number: int, rng: random.Random, context: _BulkContext) -> _BulkSubscriber:
    """One bulk subscriber; draws from `rng` in a fixed order so the data is reproducible."""
    account_id = bulk_account_id(number=number)
    family, given = rng.choice(_FAMILY_NAMES), rng.choice(_GIVEN_NAMES)
    english = rng.random() < 0.1
    name = f"{given[1]} {family[1]}" if english else f"{family[0]} {given[0]}"
    email = f"{given[1]}.{family[1]}.{number}@example.com".lower()

    lines = []
    picked = []
    for k in range(2 if rng.random() < _BULK_SECOND_LINE else 1):
        code, group_id, static_share, in_scope = rng.choices(
            context.groups, cum_weights=context.cum_weights
        )[0]
        static = rng.random() < static_share
        service = code.rsplit("-", 1)[0]
        line_id = f"{account_id}@{service}" if k == 0 else f"{account_id}-{k + 1}@{service}"
        if static:
            slot = (number * 2 + k) % (1 << 24)
            network = _BULK_STATIC_NET.network_address + (slot << 64)
            lines.append(_BulkLine(line_id, group_id, str(network), 64))
        else:
            lines.append(_BulkLine(line_id, group_id, None, None))
        picked.append(in_scope and not static)

    mailboxes = [(f"{account_id}@{context.domain}", account_id)]
    if rng.random() < _BULK_SECOND_MAILBOX:
        mailboxes.append((f"{account_id}.2@{context.domain}", f"{account_id}.2"))

    exemption = None
    # An exemption only means something on a line that could be blocked.
    if rng.random() < _BULK_EXEMPTION and picked[0]:
        exemption = _bulk_exemption(line_id=lines[0].line_id, rng=rng, context=context)
    return _BulkSubscriber(
        account_id=account_id,
        name=name,
        email=email,
        language=(Language.ENGLISH if english else Language.JAPANESE).value,
        lines=tuple(lines),
        mailboxes=tuple(mailboxes),
        exemption=exemption,
    )


def _bulk_exemption(*, line_id: str, rng: random.Random, context: _BulkContext) -> _BulkExemption:
    states = [state for state, _weight in _BULK_EXEMPTION_STATES]
    weights = [weight for _state, weight in _BULK_EXEMPTION_STATES]
    state = rng.choices(states, weights=weights)[0]
    reason = rng.choice(_BULK_EXEMPTION_REASONS)
    today = context.today
    days = timedelta(days=1)
    decided_at = revoked_at = None
    if state == ExemptionState.REQUESTED:
        starts_at = today + rng.randint(1, 14) * days
        ends_at = starts_at + 180 * days
        requested_at = context.now - rng.randint(0, 5) * days
    elif state == ExemptionState.EXPIRED:
        ends_at = today - rng.randint(1, 200) * days
        starts_at = ends_at - rng.randint(30, 180) * days
        requested_at = starts_at - 3 * days
        decided_at = starts_at - days
    else:
        starts_at = today - rng.randint(1, 300) * days
        ends_at = today + rng.randint(7, 365) * days
        requested_at = starts_at - 3 * days
        decided_at = starts_at - days
        if state == ExemptionState.REVOKED:
            revoked_at = today - rng.randint(0, 1) * days
    return _BulkExemption(
        line_id, state, reason, starts_at, ends_at, requested_at, decided_at, revoked_at
    )
