"""Home (the search box), search results and the subscriber page."""

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Line, Mailbox, Subscriber
from accounts.selectors import subscriber_search
from blocking.console import roles
from blocking.console.forms import SearchForm
from blocking.console.permissions import console_view
from blocking.models import Exemption, ExemptionState
from blocking.presentation import RULE_LABELS
from blocking.selectors import subscriber_lines_with_status
from blocking.sync.selectors import sync_changes_list

AUDIT_TRAIL_LENGTH = 50
SYNC_CHANGES_SHOWN = 20


@console_view(permission=roles.VIEW_CONSOLE)
def home(request: HttpRequest) -> HttpResponse:
    requested = Exemption.objects.filter(state=ExemptionState.REQUESTED).order_by()
    context = {"form": SearchForm(), "requests_waiting": requested.count()}
    return render(request, "console/home.html", context)


@console_view(permission=roles.VIEW_CONSOLE)
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results: list[Subscriber] = []
    if form.is_valid():
        results = subscriber_search(query=form.cleaned_data["q"])
        if len(results) == 1:
            # One answer: go straight to it, the common case for an ID or address.
            return HttpResponseRedirect(reverse("console:subscriber", args=[results[0].account_id]))
        prefetch_related_objects(
            results,
            Prefetch("lines", queryset=Line.objects.order_by("line_id")),
            Prefetch("mailboxes", queryset=Mailbox.objects.order_by("address")),
        )
    return render(
        request,
        "console/search.html",
        {"form": form, "results": results, "searched": form.is_bound},
    )


@console_view(permission=roles.VIEW_CONSOLE)
def subscriber_detail(request: HttpRequest, account_id: str) -> HttpResponse:
    subscriber = get_object_or_404(Subscriber.objects.select_related("user"), account_id=account_id)
    now = timezone.now()
    lines = subscriber_lines_with_status(subscriber=subscriber, at=now)
    exemptions = list(
        Exemption.objects.filter(line__subscriber=subscriber)
        .select_related("line", "requested_by", "decided_by", "revoked_by")
        .order_by("-requested_at", "-id")
    )
    history: dict[str, list[AuditEvent]] = {}
    exemption_events = AuditEvent.objects.filter(
        object_type="blocking.exemption", object_id__in=[str(e.pk) for e in exemptions]
    ).order_by("at", "id")
    for event in exemption_events if exemptions else ():
        history.setdefault(event.object_id, []).append(event)
    trail = list(
        AuditEvent.objects.filter(subscriber=subscriber)
        .select_related("subscriber")
        .order_by("-at", "-id")[:AUDIT_TRAIL_LENGTH]
    )
    for exemption in exemptions:
        exemption.history = history.get(str(exemption.pk), [])  # type: ignore[attr-defined]
    active_lines = {e.line_id for e in exemptions if e.state == ExemptionState.ACTIVE}
    mailboxes = list(subscriber.mailboxes.select_related("submission_access").order_by("address"))
    sync_changes = list(sync_changes_list(subscriber=subscriber)[:SYNC_CHANGES_SHOWN])
    context = {
        "subscriber": subscriber,
        "lines": [
            {
                "line": line,
                "status": status,
                "rule": RULE_LABELS[status.rule],
                "has_active_exemption": line.pk in active_lines,
            }
            for line, status in lines
        ],
        "exemptions": exemptions,
        "mailboxes": mailboxes,
        "sync_changes": sync_changes,
        "trail": trail,
        "now": now,
    }
    return render(request, "console/subscriber.html", context)
