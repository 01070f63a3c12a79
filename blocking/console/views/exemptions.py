"""Exemptions: grant, extend, revoke, the subscribers' requests, and those ending soon.

Writes go through `blocking.services`; a refusal (ValidationError) is shown on
the form, so nothing typed is lost.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import Actor
from accounts.models import Line
from blocking import services
from blocking.console import roles
from blocking.console.forms import (
    ExemptionDecideForm,
    ExemptionExtendForm,
    ExemptionGrantForm,
    ReasonForm,
    form_errors_from,
)
from blocking.console.pagination import keyset_page
from blocking.console.permissions import console_view
from blocking.models import Exemption, ExemptionState

EXPIRING_DAYS = (7, 14, 30)


def _subscriber_url(line: Line) -> str:
    return reverse("console:subscriber", args=[line.subscriber.account_id])


def _exemption(pk: int, state: ExemptionState) -> Exemption:
    return get_object_or_404(
        Exemption.objects.select_related("line__subscriber", "line__line_group__access_service"),
        pk=pk,
        state=state,
    )


@console_view(permission=roles.GRANT_EXEMPTION, methods=("GET", "POST"))
def exemption_grant(request: HttpRequest, line_id: str) -> HttpResponse:
    line = get_object_or_404(
        Line.objects.select_related("subscriber", "line_group__access_service"), line_id=line_id
    )
    actor = Actor.from_request(request)
    limit = services.exemption_limit_days(actor=actor)
    form = ExemptionGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.exemption_grant(
                line=line,
                actor=actor,
                reason=form.cleaned_data["reason"],
                ends_at=form.ends_at(),
                server_host=form.cleaned_data["server_host"],
                contact=form.cleaned_data["contact"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request, _("Exemption granted for line %(line)s.") % {"line": line.line_id}
            )
            return HttpResponseRedirect(_subscriber_url(line))
    context = {"form": form, "line": line, "limit_days": limit}
    return render(request, "console/exemption_grant.html", context)


@console_view(permission=roles.CHANGE_EXEMPTION, methods=("GET", "POST"))
def exemption_extend(request: HttpRequest, pk: int) -> HttpResponse:
    exemption = _exemption(pk, ExemptionState.ACTIVE)
    actor = Actor.from_request(request)
    form = ExemptionExtendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.exemption_extend(
                exemption=exemption,
                actor=actor,
                ends_at=form.ends_at(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                _("Exemption for line %(line)s extended.") % {"line": exemption.line.line_id},
            )
            return HttpResponseRedirect(_subscriber_url(exemption.line))
    context = {
        "form": form,
        "exemption": exemption,
        "limit_days": services.exemption_limit_days(actor=actor),
    }
    return render(request, "console/exemption_extend.html", context)


@console_view(permission=roles.CHANGE_EXEMPTION, methods=("GET", "POST"))
def exemption_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    exemption = _exemption(pk, ExemptionState.ACTIVE)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.exemption_revoke(
                exemption=exemption,
                actor=Actor.from_request(request),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                _("Exemption for line %(line)s revoked.") % {"line": exemption.line.line_id},
            )
            return HttpResponseRedirect(_subscriber_url(exemption.line))
    return render(request, "console/exemption_revoke.html", {"form": form, "exemption": exemption})


@console_view(permission=roles.CHANGE_EXEMPTION, methods=("GET", "POST"))
def exemption_decide(request: HttpRequest, pk: int) -> HttpResponse:
    exemption = _exemption(pk, ExemptionState.REQUESTED)
    actor = Actor.from_request(request)
    form = ExemptionDecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == ExemptionDecideForm.APPROVE
        try:
            if approve:
                services.exemption_approve(
                    exemption=exemption,
                    actor=actor,
                    ends_at=form.ends_at(),
                    message=form.cleaned_data["message"],
                )
            else:
                services.exemption_deny(
                    exemption=exemption, actor=actor, message=form.cleaned_data["message"]
                )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            text = (
                _("Request for line %(line)s approved.")
                if approve
                else _("Request for line %(line)s denied.")
            )
            messages.success(request, text % {"line": exemption.line.line_id})
            return HttpResponseRedirect(reverse("console:exemption_requests"))
    context = {
        "form": form,
        "exemption": exemption,
        "limit_days": services.exemption_limit_days(actor=actor),
    }
    return render(request, "console/exemption_decide.html", context)


@console_view(permission=roles.VIEW_CONSOLE)
def exemption_requests(request: HttpRequest) -> HttpResponse:
    """Requests waiting for a decision, oldest first (the (state, ends_at) index bounds it)."""
    rows = Exemption.objects.filter(state=ExemptionState.REQUESTED).select_related(
        "line__subscriber", "line__line_group__access_service"
    )
    page = keyset_page(request, rows, order=("requested_at", "id"))
    return render(request, "console/exemption_requests.html", {"page": page})


@console_view(permission=roles.VIEW_CONSOLE)
def exemptions_expiring(request: HttpRequest) -> HttpResponse:
    try:
        days = int(request.GET.get("days", "14"))
    except ValueError:
        days = 14
    if days not in EXPIRING_DAYS:
        days = 14
    now = timezone.now()
    rows = Exemption.objects.filter(
        state=ExemptionState.ACTIVE, ends_at__gt=now, ends_at__lte=now + timedelta(days=days)
    ).select_related("line__subscriber", "line__line_group__access_service")
    page = keyset_page(request, rows, order=("ends_at", "id"))
    context = {"page": page, "days": days, "choices": EXPIRING_DAYS}
    return render(request, "console/exemptions_expiring.html", context)
