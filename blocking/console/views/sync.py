"""The sync queue: counts by state, the failed changes with their errors, retry one or all."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.audit import Actor
from blocking.console import roles
from blocking.console.pagination import keyset_page
from blocking.console.permissions import console_view
from blocking.sync.models import SyncChange, SyncState
from blocking.sync.selectors import sync_change_counts, sync_changes_list
from blocking.sync.services import sync_change_retry, sync_changes_retry_failed

ATTEMPTS_SHOWN = 10


@console_view(permission=roles.VIEW_SYNC)
def sync_queue(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", SyncState.FAILED)
    if state not in SyncState.values:
        state = SyncState.FAILED
    page = keyset_page(
        request, sync_changes_list(state=state), order=("created_at", "id"), descending=True
    )
    context = {
        "counts": [(SyncState(s), n) for s, n in sync_change_counts().items()],
        "state": SyncState(state),
        "states": SyncState,
        "page": page,
    }
    return render(request, "console/sync_queue.html", context)


@console_view(permission=roles.VIEW_SYNC)
def sync_change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(SyncChange.objects.select_related("subscriber"), pk=pk)
    attempts = list(change.history.order_by("-started_at", "-id")[:ATTEMPTS_SHOWN])
    return render(request, "console/sync_change.html", {"change": change, "attempts": attempts})


@console_view(permission=roles.RETRY_SYNC, methods=("POST",))
def sync_change_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(SyncChange, pk=pk)
    try:
        sync_change_retry(change=change, actor=Actor.from_request(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The change was queued again."))
    back = request.POST.get("back", "")
    if back.startswith("/staff/") and "//" not in back:
        return HttpResponseRedirect(back)
    return HttpResponseRedirect(reverse("console:sync_queue"))


@console_view(permission=roles.RETRY_SYNC, methods=("POST",))
def sync_changes_retry_all(request: HttpRequest) -> HttpResponse:
    count = sync_changes_retry_failed(actor=Actor.from_request(request))
    messages.success(
        request,
        ngettext(
            "%(count)d failed change was queued again.",
            "%(count)d failed changes were queued again.",
            count,
        )
        % {"count": count},
    )
    return HttpResponseRedirect(reverse("console:sync_queue"))
