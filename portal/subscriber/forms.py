"""The exemption request form: the conditions, the terms, and what we need to know."""

import ipaddress
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from blocking.terms import EXEMPTION_CONDITIONS, EXEMPTION_TERMS_VERSION

_host_name = RegexValidator(
    r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    _("Enter the server's host name (such as mail.example.jp) or its IP address."),
)


class ExemptionRequestForm(forms.Form):
    conditions = forms.MultipleChoiceField(
        label=_("Confirm that each of these is true:"),
        widget=forms.CheckboxSelectMultiple,
        choices=[(str(i), text) for i, text in enumerate(EXEMPTION_CONDITIONS)],
        error_messages={"required": _("Please confirm every condition.")},
    )
    reason = forms.CharField(
        label=_("Why you need port 25"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: which program sends mail, to whom, and why port 587 won't do."),
        error_messages={"required": _("Tell us why you need port 25.")},
    )
    server_host = forms.CharField(
        label=_("Your mail server"),
        max_length=253,
        help_text=_("Its host name (such as mail.example.jp) or IP address."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
        error_messages={"required": _("Enter the mail server you run on this line.")},
    )
    contact = forms.CharField(
        label=_("How we can reach you"),
        max_length=200,
        help_text=_("An e-mail address or phone number for questions about this request."),
        error_messages={"required": _("Tell us how we can reach you.")},
    )
    accept_terms = forms.BooleanField(
        label_suffix="",
        label=_("I have read the exemption terms above and accept them."),
        error_messages={
            "required": _("You can ask for an exemption only if you accept the terms.")
        },
    )
    terms_version = forms.CharField(widget=forms.HiddenInput, initial=EXEMPTION_TERMS_VERSION)

    def clean_conditions(self) -> list[str]:
        chosen: list[str] = self.cleaned_data["conditions"]
        if len(set(chosen)) != len(EXEMPTION_CONDITIONS):
            raise ValidationError(_("Please confirm every condition."))
        return chosen

    def clean_server_host(self) -> str:
        host = self.cleaned_data["server_host"].strip().lower().rstrip(".")
        try:
            return str(ipaddress.ip_address(host))
        except ValueError:
            _host_name(host)
        return host

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's refusal on the field it names, or above the form."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)

    def service_arguments(self) -> dict[str, Any]:
        return {
            "reason": self.cleaned_data["reason"],
            "server_host": self.cleaned_data["server_host"],
            "contact": self.cleaned_data["contact"],
            "terms_version": self.cleaned_data["terms_version"],
        }
