"""Home (the search box), search results and the subscriber page."""

from collections.abc import Callable
from functools import cache
from typing import TypedDict
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS

from accounts.models import AuditEvent, Subscriber
from accounts.selectors import SearchHit, search_hits_identifiers, subscriber_search
from blocking.console import roles
from blocking.console.forms import SearchForm
from blocking.console.permissions import console_view
from blocking.models import Exemption, ExemptionState
from blocking.presentation import RULE_LABELS
from blocking.selectors import subscriber_lines_with_status
from blocking.sync.selectors import sync_changes_list

AUDIT_TRAIL_LENGTH = 50
SYNC_CHANGES_SHOWN = 20
# What reverse() leaves unquoted in a path.
_URL_SAFE = RFC3986_SUBDELIMS + "/~:@"


@console_view(permission=roles.VIEW_CONSOLE)
def home(request: HttpRequest) -> HttpResponse:
    requested = Exemption.objects.filter(state=ExemptionState.REQUESTED).order_by()
    context = {"form": SearchForm(), "requests_waiting": requested.count()}
    return render(request, "console/home.html", context)


class SearchRow(TypedDict):
    """One found subscriber as the results table shows it.

    A dict, not an object: the template engine tries a key before an attribute, so a
    page of rows renders in about half the time.
    """

    url: str
    account_id: str
    name: str
    email: str
    lines: str  # "line ID, line ID (static network), ..."
    mailboxes: str  # "address, address, ..."


# Stands for the account ID in the subscriber page's URL, reversed once.
_ACCOUNT_MARK = "account-id"


@cache
def _subscriber_url_parts(prefix: str, urlconf: str) -> tuple[str, str]:
    """The subscriber page's URL before and after the account ID (per script prefix)."""
    before, _mark, after = reverse("console:subscriber", args=[_ACCOUNT_MARK]).rpartition(
        _ACCOUNT_MARK
    )
    return before, after


def _subscriber_urls(request: HttpRequest) -> Callable[[str], str]:
    """`reverse("console:subscriber", args=[account_id])` for a page of results.

    Reversing costs more than the rest of a row; the account ID is quoted as
    reverse() quotes it.
    """
    urlconf = str(getattr(request, "urlconf", None) or settings.ROOT_URLCONF)
    before, after = _subscriber_url_parts(get_script_prefix(), urlconf)
    return lambda account_id: f"{before}{quote(account_id, safe=_URL_SAFE)}{after}"


def _line_label(line_id: str, network: str) -> str:
    return f"{line_id} ({network})" if network else line_id


def _search_rows(request: HttpRequest, hits: list[SearchHit]) -> list[SearchRow]:
    identifiers = search_hits_identifiers(hits=hits)
    url = _subscriber_urls(request)
    return [
        SearchRow(
            url=url(hit.account_id),
            account_id=hit.account_id,
            name=hit.name,
            email=hit.email,
            lines=", ".join(_line_label(*line) for line in identifiers[hit.pk].lines),
            mailboxes=", ".join(identifiers[hit.pk].mailboxes),
        )
        for hit in hits
    ]


@console_view(permission=roles.VIEW_CONSOLE)
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results: list[SearchRow] = []
    if form.is_valid():
        hits = subscriber_search(query=form.cleaned_data["q"])
        if len(hits) == 1:
            # One answer: go straight to it, the common case for an ID or address.
            return HttpResponseRedirect(reverse("console:subscriber", args=[hits[0].account_id]))
        results = _search_rows(request, hits)
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
