"""The public pages of the portal."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from blocking.models import AuthMethod
from blocking.selectors import schedule_by_service, submission_service_get


@require_safe
def notice(request: HttpRequest) -> HttpResponse:
    """The public notice: what is blocked from when, for whom, and port 587."""
    submission = submission_service_get()
    return render(
        request,
        "portal/notice.html",
        {
            "schedule": schedule_by_service(at=timezone.now()),
            "submission": submission,
            "pop_before_smtp": submission is not None
            and AuthMethod.POP_BEFORE_SMTP in submission.auth_methods,
        },
    )


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Public, touches nothing."""
    return HttpResponse("ok\n", content_type="text/plain")
