"""The language switch: a GET form, so pages carry no CSRF token and can be kept whole.

Django's own `set_language` takes only POST, which puts a CSRF token (a secret per visitor)
in every page's header and so makes every page different. Choosing a language changes
nothing but a cookie of the same name, so a GET is safe here; the redirect target is checked
as Django checks it.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

LANGUAGE_FIELD = "language"


def _next_url(request: HttpRequest) -> str:
    candidate = request.GET.get("next") or request.POST.get("next") or "/"
    allowed = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return candidate if allowed else "/"


# POST stays accepted for forms of pages cached by browsers before the switch became a GET.
@require_http_methods(["GET", "HEAD", "POST"])
def set_language(request: HttpRequest) -> HttpResponse:
    """Remember the chosen language in its cookie and go back to the page it was chosen on."""
    code = request.GET.get(LANGUAGE_FIELD) or request.POST.get(LANGUAGE_FIELD, "")
    languages = dict(settings.LANGUAGES)
    if code not in languages:
        return render(
            request,
            "portal/language_unknown.html",
            {"languages": languages.items(), "next_url": _next_url(request)},
            status=400,
        )
    response = HttpResponseRedirect(_next_url(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
