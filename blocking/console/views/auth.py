"""Staff sign-in in two steps: password, then a TOTP code (or enrolling an authenticator).

A password alone logs the staff member in unverified: no console page, nor the
admin, opens until the code step has verified the session (django-otp).
"""

import base64
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from blocking.console.forms import StaffLoginForm, TokenForm
from blocking.console.permissions import is_console_user

# The device a staff member enrols here; the demo's devices have their own name.
ENROL_DEVICE_NAME = "console"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("console:home")


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if is_console_user(request.user):
        if request.user.is_verified():  # type: ignore[union-attr]
            return HttpResponseRedirect(next_url)
        return HttpResponseRedirect(_with_next("console:verify", next_url))
    form = StaffLoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        auth_login(request, form.get_user())
        return HttpResponseRedirect(_with_next("console:verify", next_url))
    return render(request, "console/login.html", {"form": form, "next": next_url})


def _confirmed_devices(user: Any) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"))


def _staff_or_login(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return HttpResponseRedirect(_with_next("console:login", _next_url(request)))
    if not is_console_user(request.user):
        return render(request, "console/not_staff.html", status=403)
    return None


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The code step. Without a confirmed authenticator, enrolment comes first."""
    refusal = _staff_or_login(request)
    if refusal:
        return refusal
    next_url = _next_url(request)
    devices = _confirmed_devices(request.user)
    if not devices:
        return HttpResponseRedirect(_with_next("console:enrol", next_url))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            verified = verify_token(request.user, device.persistent_id, form.cleaned_data["token"])
            if verified is not None:
                otp_login(request, verified)
                return HttpResponseRedirect(next_url)
        form.add_error(
            "token",
            _("That code is not right (or was used already). Wait for the next one and retry."),
        )
    return render(request, "console/verify.html", {"form": form, "next": next_url})


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in: scan the QR code (or type the key), then prove it with a code."""
    refusal = _staff_or_login(request)
    if refusal:
        return refusal
    next_url = _next_url(request)
    if _confirmed_devices(request.user):
        return HttpResponseRedirect(_with_next("console:verify", next_url))
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user,
        name=ENROL_DEVICE_NAME,
        confirmed=False,
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return HttpResponseRedirect(next_url)
        form.add_error("token", _("That code does not match. Check the clock of your phone."))
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": qr.svg_inline(scale=5, title=str(_("QR code for your authenticator app"))),
        "secret": _base32(device.bin_key),
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    return render(request, "console/enrol.html", context)


def _base32(key: bytes) -> str:
    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@require_POST
@csrf_protect
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    return redirect("console:login")
