"""The rollout schedule: see it, move a phase or add a line group after an impact preview."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.audit import Actor
from accounts.models import AuditEvent
from blocking import services
from blocking.console import roles
from blocking.console.forms import PhaseScheduleForm, form_errors_from
from blocking.console.permissions import console_view
from blocking.selectors import PhaseImpact, phase_impact, schedule_by_service

SCHEDULE_HISTORY_LENGTH = 30


def _history() -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action__startswith="schedule.").order_by("-at", "-id")[
            :SCHEDULE_HISTORY_LENGTH
        ]
    )


def _refuse_early(form: PhaseScheduleForm, impact: PhaseImpact) -> None:
    """Say before the confirmation what `phase_schedule` would refuse anyway."""
    now = timezone.now()
    if impact.moved_from is not None and impact.moved_from <= now:
        form.add_error(
            None,
            _("This phase has been in force since %(date)s; it cannot be moved.")
            % {"date": date_format(timezone.localtime(impact.moved_from), "SHORT_DATETIME_FORMAT")},
        )
    if impact.effective_at < now:
        form.add_error("effective_on", _("A phase cannot start in the past."))


@console_view(permission=roles.VIEW_SCHEDULE)
def schedule(request: HttpRequest) -> HttpResponse:
    context = {
        "services": schedule_by_service(at=timezone.now()),
        "form": PhaseScheduleForm(),
        "history": _history(),
    }
    return render(request, "console/schedule.html", context)


@console_view(permission=roles.CHANGE_SCHEDULE, methods=("GET", "POST"))
def schedule_change(request: HttpRequest) -> HttpResponse:
    """First POST: the impact preview. Second POST (with `confirm`): the change."""
    form = PhaseScheduleForm(request.POST or None)
    impact = None
    if request.method == "POST" and form.is_valid():
        line_group = form.cleaned_data["line_group"]
        stage = form.cleaned_data["stage"]
        effective_at = form.effective_at()
        if "confirm" in request.POST:
            try:
                services.phase_schedule(
                    line_group=line_group,
                    stage=stage,
                    effective_at=effective_at,
                    actor=Actor.from_request(request),
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(
                    request,
                    _("Schedule changed for %(group)s.") % {"group": str(line_group)},
                )
                return HttpResponseRedirect(reverse("console:schedule"))
        if form.is_valid():
            impact = phase_impact(line_group=line_group, stage=stage, effective_at=effective_at)
            _refuse_early(form, impact)
    return render(request, "console/schedule_change.html", {"form": form, "impact": impact})
