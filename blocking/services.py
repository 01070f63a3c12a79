"""Every change of what is blocked, for whom: one function per staff, API or subscriber act.

Each function runs in one transaction that holds the change, its audit event and
its outbox sync change, so a decision is never stored without the backends being
told, nor told without being stored. Refusals raise `ValidationError` with a
message for people (a `{field: message}` dict where one field is at fault); the
console shows it on the form, the API in its error body.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import Actor, audit_record_by, audit_snapshot
from accounts.models import Line, LineGroup, Mailbox
from blocking.models import (
    DestinationEntry,
    DestinationList,
    Exemption,
    ExemptionState,
    RolloutPhase,
    SubmissionAccess,
    SubmissionAccessState,
    SubmissionService,
)
from blocking.stages import SCHEDULABLE_STAGES, Stage
from blocking.sync import outbox
from blocking.terms import EXEMPTION_TERMS_VERSION

# A form filled in a minute ago may name "now" as its start.
_CLOCK_SLACK = timedelta(minutes=5)


# ---------------------------------------------------------------------------
# Exemptions
# ---------------------------------------------------------------------------


def exemption_limit_days(*, actor: Actor) -> int:
    """How long an exemption this actor grants may last: agents (and API clients)
    have the shorter limit, supervisors the longer."""
    if actor.user is not None and actor.user.has_perm("blocking.grant_long_exemption"):
        return int(settings.PORTAL_EXEMPTION_MAX_DAYS_SUPERVISOR)
    return int(settings.PORTAL_EXEMPTION_MAX_DAYS_AGENT)


def _locked_line(line: Line) -> Line:
    # Locking the line serialises every exemption change for it, so two staff
    # granting at once get one exemption and one clear refusal.
    return (
        Line.objects.select_for_update()
        .select_related("line_group__access_service")
        .get(pk=line.pk)
    )


def _require_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _check_window(*, actor: Actor, starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("An exemption must end after it starts.")})
    if ends_at <= now:
        raise ValidationError({"ends_at": _("The end must be in the future.")})
    limit = exemption_limit_days(actor=actor)
    if ends_at - max(starts_at, now) > timedelta(days=limit):
        raise ValidationError(
            {
                "ends_at": _(
                    "You may grant an exemption for at most %(days)d days; "
                    "ask a supervisor for a longer one."
                )
                % {"days": limit}
            }
        )


def _check_line_exemptable(line: Line) -> None:
    service = line.line_group.access_service
    if not service.op25b_in_scope:
        raise ValidationError(
            _("Port 25 is not blocked on %(service)s lines; there is nothing to exempt.")
            % {"service": service.name}
        )
    if Exemption.objects.filter(line=line, state=ExemptionState.ACTIVE).exists():
        raise ValidationError(
            _("Line %(line)s already has an active exemption; extend it instead.")
            % {"line": line.line_id}
        )


def _save_active(exemption: Exemption) -> None:
    try:
        with transaction.atomic():
            exemption.save()
    except IntegrityError:
        # The partial unique index caught a concurrent grant the lock did not
        # (an exemption row created outside these services).
        raise ValidationError(
            _("Line %(line)s already has an active exemption; extend it instead.")
            % {"line": exemption.line.line_id}
        ) from None


@transaction.atomic
def exemption_request(
    *,
    line: Line,
    actor: Actor,
    reason: str,
    server_host: str,
    contact: str,
    terms_version: str,
) -> Exemption:
    """A subscriber asks for port 25 to stay open on one of their lines."""
    line = _locked_line(line)
    reason = _require_text(reason, "reason", _("Tell us why you need port 25."))
    if terms_version != EXEMPTION_TERMS_VERSION:
        raise ValidationError(
            _("The exemption terms have changed; please read and accept them again.")
        )
    _check_line_exemptable(line)
    if Exemption.objects.filter(line=line, state=ExemptionState.REQUESTED).exists():
        raise ValidationError(
            _("A request for line %(line)s is already waiting for an answer.")
            % {"line": line.line_id}
        )
    now = timezone.now()
    exemption = Exemption.objects.create(
        line=line,
        state=ExemptionState.REQUESTED,
        reason=reason,
        server_host=server_host.strip(),
        contact=contact.strip(),
        starts_at=now,
        ends_at=now + timedelta(days=int(settings.PORTAL_EXEMPTION_MAX_DAYS_AGENT)),
        requested_by=actor.user,
        terms_version=terms_version,
        terms_accepted_at=now,
    )
    audit_record_by(
        actor,
        action="exemption.request",
        obj=exemption,
        subscriber=line.subscriber,
        after=audit_snapshot(exemption),
        reason=reason,
    )
    return exemption


@transaction.atomic
def exemption_grant(
    *,
    line: Line,
    actor: Actor,
    reason: str,
    ends_at: datetime,
    starts_at: datetime | None = None,
    server_host: str = "",
    contact: str = "",
) -> Exemption:
    """Staff keep port 25 open on a line from `starts_at` (default now) until `ends_at`."""
    line = _locked_line(line)
    reason = _require_text(reason, "reason", _("Give the reason for the exemption."))
    now = timezone.now()
    starts_at = starts_at or now
    if starts_at < now - _CLOCK_SLACK:
        raise ValidationError({"starts_at": _("An exemption cannot start in the past.")})
    _check_window(actor=actor, starts_at=starts_at, ends_at=ends_at, now=now)
    _check_line_exemptable(line)
    exemption = Exemption(
        line=line,
        state=ExemptionState.ACTIVE,
        reason=reason,
        server_host=server_host.strip(),
        contact=contact.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        requested_by=actor.user,
        decided_by=actor.user,
        decided_at=now,
    )
    _save_active(exemption)
    audit_record_by(
        actor,
        action="exemption.grant",
        obj=exemption,
        subscriber=line.subscriber,
        after=audit_snapshot(exemption),
        reason=reason,
    )
    outbox.line_exemption_changed(line=line)
    return exemption


def _locked_exemption(exemption: Exemption, *, expected: ExemptionState) -> Exemption:
    _locked_line(exemption.line)
    exemption = Exemption.objects.select_related("line__subscriber").get(pk=exemption.pk)
    if exemption.state != expected:
        raise ValidationError(
            _("This exemption is %(state)s; it can no longer be changed that way.")
            % {"state": exemption.get_state_display()}
        )
    return exemption


@transaction.atomic
def exemption_approve(
    *, exemption: Exemption, actor: Actor, ends_at: datetime, message: str = ""
) -> Exemption:
    """Staff accept a subscriber's request: it becomes active now until `ends_at`."""
    exemption = _locked_exemption(exemption, expected=ExemptionState.REQUESTED)
    before = audit_snapshot(exemption)
    now = timezone.now()
    _check_window(actor=actor, starts_at=now, ends_at=ends_at, now=now)
    if Exemption.objects.filter(line=exemption.line, state=ExemptionState.ACTIVE).exists():
        raise ValidationError(
            _("Line %(line)s already has an active exemption; extend it instead.")
            % {"line": exemption.line.line_id}
        )
    exemption.state = ExemptionState.ACTIVE
    exemption.starts_at = now
    exemption.ends_at = ends_at
    exemption.decided_by = actor.user
    exemption.decided_at = now
    exemption.decision_message = message.strip()
    _save_active(exemption)
    audit_record_by(
        actor,
        action="exemption.approve",
        obj=exemption,
        subscriber=exemption.line.subscriber,
        before=before,
        after=audit_snapshot(exemption),
        reason=message,
    )
    outbox.line_exemption_changed(line=exemption.line)
    return exemption


@transaction.atomic
def exemption_deny(*, exemption: Exemption, actor: Actor, message: str) -> Exemption:
    """Staff refuse a request, telling the subscriber why."""
    exemption = _locked_exemption(exemption, expected=ExemptionState.REQUESTED)
    message = _require_text(
        message, "message", _("Tell the subscriber why the request is refused.")
    )
    before = audit_snapshot(exemption)
    exemption.state = ExemptionState.DENIED
    exemption.decided_by = actor.user
    exemption.decided_at = timezone.now()
    exemption.decision_message = message
    exemption.save()
    audit_record_by(
        actor,
        action="exemption.deny",
        obj=exemption,
        subscriber=exemption.line.subscriber,
        before=before,
        after=audit_snapshot(exemption),
        reason=message,
    )
    return exemption


@transaction.atomic
def exemption_extend(
    *, exemption: Exemption, actor: Actor, ends_at: datetime, reason: str
) -> Exemption:
    """Move an active exemption's end later."""
    exemption = _locked_exemption(exemption, expected=ExemptionState.ACTIVE)
    reason = _require_text(reason, "reason", _("Give the reason for the extension."))
    if ends_at <= exemption.ends_at:
        raise ValidationError(
            {"ends_at": _("An extension must end later than the exemption does now.")}
        )
    now = timezone.now()
    _check_window(actor=actor, starts_at=exemption.starts_at, ends_at=ends_at, now=now)
    before = audit_snapshot(exemption)
    exemption.ends_at = ends_at
    exemption.save(update_fields=["ends_at"])
    audit_record_by(
        actor,
        action="exemption.extend",
        obj=exemption,
        subscriber=exemption.line.subscriber,
        before=before,
        after=audit_snapshot(exemption),
        reason=reason,
    )
    outbox.line_exemption_changed(line=exemption.line)
    return exemption


@transaction.atomic
def exemption_revoke(*, exemption: Exemption, actor: Actor, reason: str) -> Exemption:
    """End an active exemption now: port 25 closes again on the line."""
    exemption = _locked_exemption(exemption, expected=ExemptionState.ACTIVE)
    reason = _require_text(reason, "reason", _("Give the reason for revoking."))
    before = audit_snapshot(exemption)
    exemption.state = ExemptionState.REVOKED
    exemption.revoked_by = actor.user
    exemption.revoked_at = timezone.now()
    exemption.save(update_fields=["state", "revoked_by", "revoked_at"])
    audit_record_by(
        actor,
        action="exemption.revoke",
        obj=exemption,
        subscriber=exemption.line.subscriber,
        before=before,
        after=audit_snapshot(exemption),
        reason=reason,
    )
    outbox.line_exemption_changed(line=exemption.line)
    return exemption


def exemptions_expire(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Mark active exemptions whose end has passed as expired; returns how many.

    Each batch is its own transaction and skips rows another process holds, so
    two beat runs never fight and a long backlog does not hold locks for long.
    """
    now = now or timezone.now()
    actor = Actor.system("system:expiry")
    expired = 0
    while True:
        with transaction.atomic():
            due = list(
                Exemption.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("line__subscriber")
                .filter(state=ExemptionState.ACTIVE, ends_at__lte=now)
                .order_by("ends_at", "id")[:batch_size]
            )
            for exemption in due:
                exemption.state = ExemptionState.EXPIRED
                exemption.save(update_fields=["state"])
                audit_record_by(
                    actor,
                    action="exemption.expire",
                    obj=exemption,
                    subscriber=exemption.line.subscriber,
                    after={"state": ExemptionState.EXPIRED.value},
                )
                outbox.line_exemption_changed(line=exemption.line)
        expired += len(due)
        if len(due) < batch_size:
            return expired


# ---------------------------------------------------------------------------
# The schedule
# ---------------------------------------------------------------------------


def _check_phase_order(
    *, line_group: LineGroup, stage: Stage, effective_at: datetime, exclude: int | None
) -> None:
    # The strongest begun phase is in force, so a `mobile` phase after `full`
    # would never show; refuse it rather than store a schedule that lies.
    phases = RolloutPhase.objects.filter(line_group=line_group)
    if exclude is not None:
        phases = phases.exclude(pk=exclude)
    others = {p.stage: p.effective_at for p in phases}
    if stage == Stage.MOBILE and Stage.FULL in others and effective_at >= others[Stage.FULL]:
        raise ValidationError(
            {"effective_at": _("The mobile-carrier phase must start before the full phase.")}
        )
    if stage == Stage.FULL and Stage.MOBILE in others and effective_at <= others[Stage.MOBILE]:
        raise ValidationError(
            {"effective_at": _("The full phase must start after the mobile-carrier phase.")}
        )


@transaction.atomic
def phase_schedule(
    *,
    line_group: LineGroup,
    stage: Stage | str,
    effective_at: datetime,
    actor: Actor,
    reason: str,
) -> RolloutPhase:
    """Add the line group's phase of `stage`, or move it to `effective_at`."""
    stage = Stage(stage)
    if stage not in SCHEDULABLE_STAGES:
        raise ValidationError(
            {"stage": _("Only the mobile-carrier and full phases are scheduled.")}
        )
    reason = _require_text(reason, "reason", _("Give the reason for the schedule change."))
    now = timezone.now()
    if effective_at < now - _CLOCK_SLACK:
        raise ValidationError({"effective_at": _("A phase cannot start in the past.")})
    line_group = LineGroup.objects.select_for_update().get(pk=line_group.pk)
    phase = RolloutPhase.objects.filter(line_group=line_group, stage=stage).first()
    if phase is not None and phase.effective_at <= now:
        raise ValidationError(
            _("This phase has been in force since %(date)s; it cannot be moved.")
            % {"date": timezone.localtime(phase.effective_at).strftime("%Y-%m-%d %H:%M")}
        )
    _check_phase_order(
        line_group=line_group,
        stage=stage,
        effective_at=effective_at,
        exclude=phase.pk if phase else None,
    )
    before = audit_snapshot(phase) if phase else None
    if phase is None:
        phase = RolloutPhase.objects.create(
            line_group=line_group, stage=stage, effective_at=effective_at
        )
    else:
        phase.effective_at = effective_at
        phase.save(update_fields=["effective_at"])
    audit_record_by(
        actor,
        action="schedule.move" if before else "schedule.add",
        obj=phase,
        before=before,
        after=audit_snapshot(phase),
        reason=reason,
    )
    outbox.schedule_changed(line_group=line_group)
    return phase


@transaction.atomic
def phase_remove(*, phase: RolloutPhase, actor: Actor, reason: str) -> None:
    """Take a phase out of the schedule (the one way to undo blocking by data)."""
    reason = _require_text(reason, "reason", _("Give the reason for the schedule change."))
    line_group = LineGroup.objects.select_for_update().get(pk=phase.line_group_id)
    before = audit_snapshot(phase)
    audit_record_by(actor, action="schedule.remove", obj=phase, before=before, reason=reason)
    phase.delete()
    outbox.schedule_changed(line_group=line_group)


# ---------------------------------------------------------------------------
# The destination list (mobile carriers' mail servers)
# ---------------------------------------------------------------------------


@transaction.atomic
def destination_entry_add(
    *,
    destination_list: DestinationList,
    actor: Actor,
    carrier: str,
    kind: str,
    value: str,
    include_subdomains: bool = False,
    source: str,
    note: str = "",
) -> DestinationEntry:
    entry = DestinationEntry(
        destination_list=destination_list,
        carrier=carrier.strip(),
        kind=kind,
        value=value,
        include_subdomains=include_subdomains,
        source=source.strip(),
        last_checked=timezone.localdate(),
        note=note.strip(),
    )
    entry.full_clean()
    entry.save()
    audit_record_by(
        actor, action="destination.add", obj=entry, after=audit_snapshot(entry), reason=note
    )
    outbox.destination_list_changed(destination_list=destination_list)
    return entry


@transaction.atomic
def destination_entry_remove(*, entry: DestinationEntry, actor: Actor, reason: str) -> None:
    reason = _require_text(reason, "reason", _("Give the reason for removing the entry."))
    destination_list = DestinationList.objects.select_for_update().get(pk=entry.destination_list_id)
    audit_record_by(
        actor,
        action="destination.remove",
        obj=entry,
        before=audit_snapshot(entry),
        reason=reason,
    )
    entry.delete()
    outbox.destination_list_changed(destination_list=destination_list)


# ---------------------------------------------------------------------------
# Submission on port 587
# ---------------------------------------------------------------------------


def _set_submission_state(
    *, mailbox: Mailbox, actor: Actor, reason: str, state: SubmissionAccessState, action: str
) -> SubmissionAccess:
    mailbox = Mailbox.objects.select_for_update().select_related("subscriber").get(pk=mailbox.pk)
    access, _created = SubmissionAccess.objects.get_or_create(mailbox=mailbox)
    if access.state == state:
        raise ValidationError(
            _("Sending through port 587 is already %(state)s for %(address)s.")
            % {"state": access.get_state_display(), "address": mailbox.address}
        )
    before = audit_snapshot(access)
    access.state = state
    access.reason = reason
    access.save()
    audit_record_by(
        actor,
        action=action,
        obj=access,
        subscriber=mailbox.subscriber,
        before=before,
        after=audit_snapshot(access),
        reason=reason,
    )
    outbox.mailbox_submission_changed(mailboxes=[mailbox])
    return access


@transaction.atomic
def submission_access_suspend(*, mailbox: Mailbox, actor: Actor, reason: str) -> SubmissionAccess:
    """Stop a mailbox sending through our submission service (e.g. a hijacked account)."""
    reason = _require_text(reason, "reason", _("Give the reason for suspending."))
    return _set_submission_state(
        mailbox=mailbox,
        actor=actor,
        reason=reason,
        state=SubmissionAccessState.SUSPENDED,
        action="submission.suspend",
    )


@transaction.atomic
def submission_access_restore(*, mailbox: Mailbox, actor: Actor, reason: str) -> SubmissionAccess:
    reason = _require_text(reason, "reason", _("Give the reason for restoring."))
    return _set_submission_state(
        mailbox=mailbox,
        actor=actor,
        reason=reason,
        state=SubmissionAccessState.ENABLED,
        action="submission.restore",
    )


_SERVICE_FIELDS = frozenset(
    {
        "host",
        "port",
        "implicit_tls_port",
        "starts_at",
        "auth_methods",
        "pop_before_smtp_window_minutes",
    }
)


@transaction.atomic
def submission_service_update(
    *, service: SubmissionService, actor: Actor, reason: str, **fields: Any
) -> SubmissionService:
    unknown = set(fields) - _SERVICE_FIELDS
    if unknown:
        raise ValidationError(
            _("These settings cannot be changed: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    reason = _require_text(reason, "reason", _("Give the reason for the change."))
    service = SubmissionService.objects.select_for_update().get(pk=service.pk)
    before = audit_snapshot(service)
    for name, value in fields.items():
        setattr(service, name, value)
    service.full_clean()
    service.save()
    audit_record_by(
        actor,
        action="submission_service.update",
        obj=service,
        before=before,
        after=audit_snapshot(service),
        reason=reason,
    )
    outbox.submission_service_changed(service=service)
    return service
