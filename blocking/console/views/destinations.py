"""The mobile carriers' destination list: entries, add one (validated), remove one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.audit import Actor
from blocking import services
from blocking.console import roles
from blocking.console.forms import DestinationEntryForm, ReasonForm, form_errors_from
from blocking.console.permissions import console_view
from blocking.models import DestinationEntry, DestinationList
from blocking.selectors import mobile_carrier_entries


def _mobile_list() -> DestinationList:
    return get_object_or_404(DestinationList, slug=DestinationList.MOBILE_CARRIERS)


def _page(request: HttpRequest, form: DestinationEntryForm, status: int = 200) -> HttpResponse:
    context = {
        "destination_list": _mobile_list(),
        "entries": mobile_carrier_entries(),
        "form": form,
    }
    return render(request, "console/destinations.html", context, status=status)


@console_view(permission=roles.VIEW_DESTINATIONS)
def destination_list(request: HttpRequest) -> HttpResponse:
    return _page(request, DestinationEntryForm())


@console_view(permission=roles.CHANGE_DESTINATIONS, methods=("POST",))
def destination_add(request: HttpRequest) -> HttpResponse:
    form = DestinationEntryForm(request.POST)
    if form.is_valid():
        try:
            entry = services.destination_entry_add(
                destination_list=_mobile_list(),
                actor=Actor.from_request(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("%(value)s added.") % {"value": entry.value})
            return HttpResponseRedirect(reverse("console:destinations"))
    return _page(request, form, status=400)


@console_view(permission=roles.CHANGE_DESTINATIONS, methods=("GET", "POST"))
def destination_remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(
        DestinationEntry, pk=pk, destination_list__slug=DestinationList.MOBILE_CARRIERS
    )
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.destination_entry_remove(
                entry=entry, actor=Actor.from_request(request), reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("%(value)s removed.") % {"value": entry.value})
            return HttpResponseRedirect(reverse("console:destinations"))
    return render(request, "console/destination_remove.html", {"form": form, "entry": entry})
