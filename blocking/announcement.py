"""The 2006 announcement as data, and the loader that puts it in the database.

Source: the ISP's notice of 22 May 2006 ("Enforcement of a means for reducing
unsolicited bulk e-mails"). It names the services (eADSL and NTT FLET'S), the
phases (port 25 to mobile carriers' mail servers blocked "sequentially from
June 1, 2006", all port 25 except our servers from October 1, 2006) and
Submission Port 587 from June 15, 2006 with POP before SMTP.

The notice does not list the line groups or their dates within the sequential
roll-out; the four groups a week apart below are this product's assumption.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from accounts.models import AccessService, LineGroup
from blocking.models import (
    AuthMethod,
    DestinationEntry,
    DestinationKind,
    DestinationList,
    RolloutPhase,
    SubmissionService,
)
from blocking.stages import Stage

JST = ZoneInfo("Asia/Tokyo")


def jst(year: int, month: int, day: int) -> datetime:
    """Midnight at the start of a day in Japan: when the notice's dates take effect."""
    return datetime(year, month, day, tzinfo=JST)


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    name: str
    op25b_in_scope: bool
    blocks_static_ip: bool = False


@dataclass(frozen=True)
class GroupSpec:
    service: str
    code: str
    name: str


@dataclass(frozen=True)
class PhaseSpec:
    group: str
    stage: Stage
    effective_at: datetime
    note: str = ""


@dataclass(frozen=True)
class DestinationSpec:
    carrier: str
    kind: DestinationKind
    value: str
    source: str
    last_checked: date
    include_subdomains: bool = False
    note: str = ""


SERVICES = (
    ServiceSpec("eadsl", "eADSL", op25b_in_scope=True),
    ServiceSpec("flets", "NTT FLET'S", op25b_in_scope=True),
)

GROUPS = (
    GroupSpec("eadsl", "eadsl-1", "eADSL group 1"),
    GroupSpec("eadsl", "eadsl-2", "eADSL group 2"),
    GroupSpec("flets", "flets-east", "FLET'S East"),
    GroupSpec("flets", "flets-west", "FLET'S West"),
)

MOBILE_FROM = jst(2006, 6, 1)
SUBMISSION_FROM = jst(2006, 6, 15)
FULL_FROM = jst(2006, 10, 1)

PHASES_2006 = (
    PhaseSpec("eadsl-1", Stage.MOBILE, jst(2006, 6, 1), "Sequential roll-out, wave 1"),
    PhaseSpec("eadsl-2", Stage.MOBILE, jst(2006, 6, 8), "Sequential roll-out, wave 2"),
    PhaseSpec("flets-east", Stage.MOBILE, jst(2006, 6, 15), "Sequential roll-out, wave 3"),
    PhaseSpec("flets-west", Stage.MOBILE, jst(2006, 6, 22), "Sequential roll-out, wave 4"),
    *(PhaseSpec(g.code, Stage.FULL, FULL_FROM, "All port 25 except ours") for g in GROUPS),
)

_NOTICE = "Carrier's published e-mail domain"
_DOC_PREFIX = (
    "RFC 5737 documentation prefix standing in for the carrier's inbound mail servers, "
    "which are not published here; replace before enforcement"
)
_CHECKED = date(2026, 11, 1)

MOBILE_CARRIER_DESTINATIONS = (
    DestinationSpec("NTT docomo", DestinationKind.DOMAIN, "docomo.ne.jp", _NOTICE, _CHECKED),
    DestinationSpec("au (KDDI)", DestinationKind.DOMAIN, "ezweb.ne.jp", _NOTICE, _CHECKED),
    DestinationSpec(
        "au (KDDI)", DestinationKind.DOMAIN, "au.com", _NOTICE, _CHECKED, note="Since 2021"
    ),
    DestinationSpec(
        "Vodafone / SoftBank",
        DestinationKind.DOMAIN,
        "vodafone.ne.jp",
        _NOTICE,
        _CHECKED,
        include_subdomains=True,
        note="Regional domains of 2006 (t., d., h., c., k., r., n., s., q.vodafone.ne.jp)",
    ),
    DestinationSpec(
        "SoftBank", DestinationKind.DOMAIN, "softbank.ne.jp", _NOTICE, _CHECKED, note="Since 2006"
    ),
    DestinationSpec(
        "SoftBank", DestinationKind.DOMAIN, "i.softbank.jp", _NOTICE, _CHECKED, note="iPhone"
    ),
    DestinationSpec(
        "WILLCOM (DDI Pocket)",
        DestinationKind.DOMAIN,
        "pdx.ne.jp",
        _NOTICE,
        _CHECKED,
        include_subdomains=True,
    ),
    DestinationSpec("Rakuten Mobile", DestinationKind.DOMAIN, "rakumail.jp", _NOTICE, _CHECKED),
    DestinationSpec("NTT docomo", DestinationKind.NETWORK, "192.0.2.0/26", _DOC_PREFIX, _CHECKED),
    DestinationSpec("au (KDDI)", DestinationKind.NETWORK, "192.0.2.64/26", _DOC_PREFIX, _CHECKED),
    DestinationSpec(
        "Vodafone / SoftBank", DestinationKind.NETWORK, "192.0.2.128/26", _DOC_PREFIX, _CHECKED
    ),
    DestinationSpec(
        "WILLCOM (DDI Pocket)", DestinationKind.NETWORK, "192.0.2.192/27", _DOC_PREFIX, _CHECKED
    ),
    DestinationSpec(
        "Rakuten Mobile", DestinationKind.NETWORK, "198.51.100.0/27", _DOC_PREFIX, _CHECKED
    ),
)


def services_ensure(*, specs: Iterable[ServiceSpec]) -> dict[str, AccessService]:
    """Create or update these access services; return them by code."""
    return {
        spec.code: AccessService.objects.update_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "op25b_in_scope": spec.op25b_in_scope,
                "blocks_static_ip": spec.blocks_static_ip,
            },
        )[0]
        for spec in specs
    }


def line_groups_ensure(
    *, specs: Iterable[GroupSpec], services: dict[str, AccessService]
) -> dict[str, LineGroup]:
    """Create or update these line groups of the given services; return them by code."""
    return {
        spec.code: LineGroup.objects.update_or_create(
            access_service=services[spec.service], code=spec.code, defaults={"name": spec.name}
        )[0]
        for spec in specs
    }


def phases_ensure(*, phases: Iterable[PhaseSpec], groups: dict[str, LineGroup]) -> None:
    """Set each group's phase of each stage to the given instant."""
    for phase in phases:
        RolloutPhase.objects.update_or_create(
            line_group=groups[phase.group],
            stage=phase.stage,
            defaults={"effective_at": phase.effective_at, "note": phase.note},
        )


@transaction.atomic
def announcement_load(
    *,
    phases: tuple[PhaseSpec, ...] = PHASES_2006,
    submission_from: datetime = SUBMISSION_FROM,
    smtp_host: str,
) -> None:
    """Create or update the announcement's services, groups, phases, list and service.

    Idempotent: running it again leaves one row per thing, with the given dates.
    """
    services = services_ensure(specs=SERVICES)
    groups = line_groups_ensure(specs=GROUPS, services=services)
    phases_ensure(phases=phases, groups=groups)

    carriers, _created = DestinationList.objects.get_or_create(
        slug=DestinationList.MOBILE_CARRIERS, defaults={"name": "Mobile carriers' mail servers"}
    )
    for destination in MOBILE_CARRIER_DESTINATIONS:
        DestinationEntry.objects.update_or_create(
            destination_list=carriers,
            kind=destination.kind,
            value=destination.value,
            defaults={
                "carrier": destination.carrier,
                "include_subdomains": destination.include_subdomains,
                "source": destination.source,
                "last_checked": destination.last_checked,
                "note": destination.note,
            },
        )

    service = SubmissionService.objects.order_by("pk").first() or SubmissionService()
    service.host = smtp_host
    service.port = 587
    service.implicit_tls_port = 465
    service.starts_at = submission_from
    service.auth_methods = [
        AuthMethod.POP_BEFORE_SMTP,
        AuthMethod.SMTP_AUTH_STARTTLS,
        AuthMethod.SMTP_AUTH_TLS,
    ]
    service.pop_before_smtp_window_minutes = 10
    service.full_clean()
    service.save()
