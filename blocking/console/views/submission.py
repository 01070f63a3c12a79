"""A mailbox's access to port 587: suspend (a hijacked account sending spam) and restore."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.audit import Actor
from accounts.models import Mailbox
from blocking import services
from blocking.console import roles
from blocking.console.forms import ReasonForm, form_errors_from
from blocking.console.permissions import console_view
from blocking.models import SubmissionAccessState

ACTIONS = {
    "suspend": (services.submission_access_suspend, SubmissionAccessState.SUSPENDED),
    "restore": (services.submission_access_restore, SubmissionAccessState.ENABLED),
}


@console_view(permission=roles.CHANGE_SUBMISSION_ACCESS, methods=("GET", "POST"))
def submission_access_change(request: HttpRequest, address: str, action: str) -> HttpResponse:
    mailbox = get_object_or_404(
        Mailbox.objects.select_related("subscriber", "submission_access"), address=address
    )
    service, _state = ACTIONS[action]
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(
                mailbox=mailbox,
                actor=Actor.from_request(request),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            text = (
                _("Port 587 suspended for %(address)s.")
                if action == "suspend"
                else _("Port 587 restored for %(address)s.")
            )
            messages.success(request, text % {"address": mailbox.address})
            return HttpResponseRedirect(
                reverse("console:subscriber", args=[mailbox.subscriber.account_id])
            )
    context = {"form": form, "mailbox": mailbox, "action": action}
    return render(request, "console/submission_access.html", context)
