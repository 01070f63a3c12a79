"""The audit log: every staff, API and system action, filtered, paged by cursor, as CSV."""

import csv
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import AuditEvent
from blocking.console import roles
from blocking.console.forms import AuditFilterForm
from blocking.console.pagination import keyset_page
from blocking.console.permissions import console_view

CSV_COLUMNS = (
    "id",
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "subscriber",
    "source_ip",
    "reason",
    "before",
    "after",
)
# Spreadsheets run a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """A cell a spreadsheet shows as text: a leading formula character is quoted away."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def _filtered(form: AuditFilterForm) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("subscriber")
    if not form.is_valid():
        return events.none() if form.is_bound and form.errors else events
    data = form.cleaned_data
    if data["actor"]:
        events = events.filter(actor_label=data["actor"].strip())
    if data["action"]:
        action = data["action"].strip()
        events = (
            events.filter(action__startswith=action)
            if action.endswith(".")
            else events.filter(action=action)
        )
    if data["account_id"]:
        events = events.filter(subscriber__account_id=data["account_id"].strip())
    if form.since_at():
        events = events.filter(at__gte=form.since_at())
    if form.until_at():
        events = events.filter(at__lt=form.until_at())
    return events


def _form(request: HttpRequest) -> AuditFilterForm:
    filters = {k: v for k, v in request.GET.items() if k != "after" and v}
    return AuditFilterForm(filters or None)


@console_view(permission=roles.VIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    page = keyset_page(request, _filtered(form), order=("id",), descending=True)
    export_query = request.GET.copy()
    export_query.pop("after", None)
    context = {"form": form, "page": page, "export_query": export_query.urlencode()}
    return render(request, "console/audit_log.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(events: QuerySet[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a BOM, so spreadsheet programs read the Japanese text as UTF-8
    yield writer.writerow(CSV_COLUMNS)
    for event in events.order_by("-id").iterator(chunk_size=2000):
        row: list[Any] = [
            event.pk,
            timezone.localtime(event.at).isoformat(),
            event.actor_label,
            event.action,
            event.object_type,
            event.object_id,
            event.subscriber.account_id if event.subscriber else "",
            event.source_ip or "",
            event.reason,
            "" if event.before is None else event.before,
            "" if event.after is None else event.after,
        ]
        yield writer.writerow([csv_safe(value) for value in row])


@console_view(permission=roles.VIEW_AUDIT)
def audit_log_csv(request: HttpRequest) -> StreamingHttpResponse | HttpResponse:
    form = _form(request)
    if form.is_bound and not form.is_valid():
        return render(request, "console/audit_log.html", {"form": form, "page": None}, status=400)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return StreamingHttpResponse(
        _csv_rows(_filtered(form)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'},
    )
