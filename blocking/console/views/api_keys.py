"""API keys of the admin API's clients: list, create (the key is shown once), revoke."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.api_keys import api_key_create, api_key_revoke
from accounts.audit import Actor
from accounts.models import ApiKey
from blocking.console import roles
from blocking.console.forms import ApiKeyCreateForm, form_errors_from
from blocking.console.permissions import console_view


def _page(
    request: HttpRequest, form: ApiKeyCreateForm, *, new_key: str = "", status: int = 200
) -> HttpResponse:
    keys = ApiKey.objects.select_related("created_by").order_by("revoked_at", "name")
    context = {"keys": list(keys), "form": form, "new_key": new_key}
    response = render(request, "console/api_keys.html", context, status=status)
    return response


@console_view(permission=roles.VIEW_API_KEYS)
def api_keys(request: HttpRequest) -> HttpResponse:
    return _page(request, ApiKeyCreateForm())


@console_view(permission=roles.CHANGE_API_KEYS, methods=("POST",))
def api_key_add(request: HttpRequest) -> HttpResponse:
    form = ApiKeyCreateForm(request.POST)
    if form.is_valid():
        try:
            api_key, raw_key = api_key_create(
                name=form.cleaned_data["name"],
                scopes=list(form.cleaned_data["scopes"]),
                actor=Actor.from_request(request),
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            # Shown in this response only (never stored, never redirected through a URL).
            messages.success(request, _("Key created for %(name)s.") % {"name": api_key.name})
            return _page(request, ApiKeyCreateForm(), new_key=raw_key)
    return _page(request, form, status=400)


@console_view(permission=roles.CHANGE_API_KEYS, methods=("POST",))
def api_key_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    api_key = get_object_or_404(ApiKey, pk=pk)
    try:
        api_key_revoke(api_key=api_key, actor=Actor.from_request(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Key of %(name)s revoked.") % {"name": api_key.name})
    return HttpResponseRedirect(reverse("console:api_keys"))
