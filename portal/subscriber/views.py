"""The subscriber's pages: thin adapters over the dashboard reader and the exemption service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.audit import Actor
from accounts.models import Line, Subscriber
from blocking import services
from blocking.selectors import lines_with_status
from blocking.terms import EXEMPTION_TERMS, EXEMPTION_TERMS_VERSION
from portal.subscriber.access import subscriber_required
from portal.subscriber.dashboard import (
    dashboard_get,
    line_affected,
    line_can_request,
    line_exemptions,
)
from portal.subscriber.forms import ExemptionRequestForm


@never_cache
@require_safe
@subscriber_required
def dashboard(request: HttpRequest, *, subscriber: Subscriber) -> HttpResponse:
    """Each line's status now and next, each mailbox's settings, the requests' answers."""
    return render(
        request,
        "subscriber/dashboard.html",
        {"dashboard": dashboard_get(subscriber=subscriber, now=timezone.now())},
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@subscriber_required
def exemption_request(
    request: HttpRequest, line_id: str, *, subscriber: Subscriber
) -> HttpResponse:
    """Ask for port 25 to stay open on one of the subscriber's own lines."""
    # Another subscriber's line is simply not found: nothing about it is revealed.
    line = get_object_or_404(
        Line.objects.select_related("line_group__access_service"),
        subscriber=subscriber,
        line_id=line_id,
    )
    [(line, status)] = lines_with_status(lines=[line], at=timezone.now())
    history = line_exemptions(line=line)
    can_request = line_can_request(status=status, exemptions=history)
    posted = request.method == "POST"
    form = ExemptionRequestForm(
        request.POST if posted and can_request else None,
        initial={"contact": subscriber.email, "terms_version": EXEMPTION_TERMS_VERSION},
    )
    if posted and can_request and form.is_valid():
        try:
            services.exemption_request(
                line=line, actor=Actor.from_request(request), **form.service_arguments()
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("We have your exemption request for line %(line)s and will answer by e-mail.")
                % {"line": line.line_id},
            )
            return HttpResponseRedirect(f"{reverse('dashboard')}#line-{line.pk}")
    return render(
        request,
        "subscriber/exemption_request.html",
        {
            "line": line,
            "status": status,
            "affected": line_affected(status),
            "history": history,
            "can_request": can_request,
            "form": form,
            "terms": EXEMPTION_TERMS,
            "terms_version": EXEMPTION_TERMS_VERSION,
        },
        status=_status_code(posted=posted, can_request=can_request, form=form),
    )


def _status_code(*, posted: bool, can_request: bool, form: ExemptionRequestForm) -> int:
    if posted and not can_request:
        return 409  # a request is open or the line is never blocked: the page says which
    if posted and form.errors:
        return 400
    return 200
