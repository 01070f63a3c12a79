"""Logging in and out, changing and resetting the password: Django's views, our forms and pages.

A staff login is refused here (the staff console has its own); a locked-out login
(django-axes) gets a page saying how long to wait.
"""

import math
from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from accounts.forms import SubscriberLoginForm, SubscriberPasswordResetForm

# django-axes answers a locked-out login with this status (Too Many Requests).
LOCKOUT_STATUS = 429


class LoginView(auth_views.LoginView):
    form_class = SubscriberLoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("dashboard")


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("login")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You have logged out."))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    form_class = SubscriberPasswordResetForm
    template_name = "registration/password_reset_form.html"
    subject_template_name = "registration/password_reset_subject.txt"
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"

    def get_extra_email_context(self) -> dict[str, str]:
        # E-mails are rendered without the request, so without the context processors.
        return {"isp_name": settings.PORTAL_ISP_NAME}

    def form_valid(self, form: SubscriberPasswordResetForm) -> HttpResponse:
        self.extra_email_context = self.get_extra_email_context()
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


def login_locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): how long to wait, what else to do."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else 0
    return render(request, "registration/lockout.html", {"minutes": minutes}, status=LOCKOUT_STATUS)
