"""The console's forms: they parse and label input; the services decide."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.api_keys import SCOPES
from accounts.models import LineGroup
from blocking.models import DestinationKind
from blocking.stages import SCHEDULABLE_STAGES

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
_REASON = forms.Textarea(attrs={"rows": 2})


def form_errors_from(form: forms.Form, error: ValidationError) -> None:
    """Put a service's refusal on the form: on its field if the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def jst_start_of(day: date, at: time = time(0, 0)) -> datetime:
    """The instant `at` o'clock begins on `day` in the portal's time zone (JST)."""
    return timezone.make_aware(datetime.combine(day, at))


class StaffLoginForm(AuthenticationForm):
    """Username and password; the code is the next step. Subscribers are refused here."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "not_staff": _("This sign-in is for support staff only."),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise ValidationError(self.error_messages["not_staff"], code="not_staff")


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("6-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits your authenticator app shows.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "size": 8,
            }
        ),
    )

    def clean_token(self) -> str:
        return str(self.cleaned_data["token"]).strip()


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Account ID, name, e-mail, line ID, mailbox or IP address"),
        max_length=254,
        widget=forms.SearchInput(attrs={"autofocus": True, "autocomplete": "off", "size": 40}),
    )


class ExemptionGrantForm(forms.Form):
    ends_on = forms.DateField(
        label=_("End date"),
        widget=_DATE,
        help_text=_("Port 25 closes again at 00:00 JST on this day."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=_REASON)
    server_host = forms.CharField(label=_("Mail server"), max_length=253, required=False)
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)

    def ends_at(self) -> datetime:
        return jst_start_of(self.cleaned_data["ends_on"])


class ExemptionExtendForm(forms.Form):
    ends_on = forms.DateField(
        label=_("New end date"),
        widget=_DATE,
        help_text=_("Port 25 closes again at 00:00 JST on this day."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=_REASON)

    def ends_at(self) -> datetime:
        return jst_start_of(self.cleaned_data["ends_on"])


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=_REASON)


class ExemptionDecideForm(forms.Form):
    """Approve (with an end date) or deny (with a message), by the button pressed."""

    APPROVE = "approve"
    DENY = "deny"

    decision = forms.ChoiceField(
        choices=[(APPROVE, _("Approve")), (DENY, _("Deny"))], widget=forms.HiddenInput
    )
    ends_on = forms.DateField(
        label=_("End date if approved"),
        required=False,
        widget=_DATE,
        help_text=_("Port 25 closes again at 00:00 JST on this day."),
    )
    message = forms.CharField(
        label=_("Message to the subscriber"),
        max_length=2000,
        required=False,
        widget=_REASON,
        help_text=_("Shown to the subscriber; required when you deny."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == self.APPROVE and not data.get("ends_on"):
            self.add_error("ends_on", _("Choose the date the exemption ends."))
        return data

    def ends_at(self) -> datetime:
        return jst_start_of(self.cleaned_data["ends_on"])


class PhaseScheduleForm(forms.Form):
    line_group = forms.ModelChoiceField(
        label=_("Line group"),
        queryset=LineGroup.objects.select_related("access_service").filter(
            access_service__op25b_in_scope=True
        ),
    )
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[(s.value, s.label) for s in SCHEDULABLE_STAGES]
    )
    effective_on = forms.DateField(label=_("Date"), widget=_DATE)
    effective_time = forms.TimeField(
        label=_("Time (JST)"), initial=time(0, 0), widget=_TIME, required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=_REASON)

    def effective_at(self) -> datetime:
        return jst_start_of(
            self.cleaned_data["effective_on"], self.cleaned_data.get("effective_time") or time(0)
        )


class DestinationEntryForm(forms.Form):
    carrier = forms.CharField(label=_("Carrier"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=DestinationKind.choices)
    value = forms.CharField(
        label=_("Value"),
        max_length=253,
        help_text=_("A mail domain such as docomo.ne.jp, or a network such as 192.0.2.0/24."),
    )
    include_subdomains = forms.BooleanField(label=_("Includes subdomains"), required=False)
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("Where the carrier publishes this (a URL or document)."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor"), max_length=150, required=False)
    action = forms.CharField(label=_("Action"), max_length=64, required=False)
    account_id = forms.CharField(label=_("Subscriber account ID"), max_length=32, required=False)
    since = forms.DateField(label=_("From"), required=False, widget=_DATE)
    until = forms.DateField(label=_("Until (inclusive)"), required=False, widget=_DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date must not be before the start date."))
        return data

    def until_at(self) -> datetime | None:
        until = self.cleaned_data.get("until")
        return jst_start_of(until + timedelta(days=1)) if until else None

    def since_at(self) -> datetime | None:
        since = self.cleaned_data.get("since")
        return jst_start_of(since) if since else None


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Client name"),
        max_length=64,
        help_text=_("Names the client in the audit trail, e.g. crm or abuse-desk."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=[(scope, scope) for scope in SCOPES],
        widget=forms.CheckboxSelectMultiple,
    )
