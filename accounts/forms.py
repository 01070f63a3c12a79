"""The subscriber's login and password-reset forms, in the words of our customers' contracts."""

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Subscriber, User


class SubscriberLoginForm(AuthenticationForm):
    """Log in with the account ID printed on the contract, not a "username"."""

    username = forms.CharField(
        label=_("Account ID"),
        max_length=150,
        help_text=_("As printed on your contract, e.g. abc12345."),
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The account ID or password is not correct. Both are case-sensitive. "
            "After several failed attempts, logging in is paused for a while."
        ),
        "staff_login": _(
            "This is a staff login. Staff sign in to the staff console, not the customer pages."
        ),
        "no_subscriber": _(
            "This login has no customer account. Please contact our Customer Support Center."
        ),
    }

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        # The staff console has its own login (with a second factor); a staff password
        # must not open a session through the customers' door.
        if user.is_staff:
            raise ValidationError(self.error_messages["staff_login"], code="staff_login")
        if not Subscriber.objects.filter(user=user).exists():
            raise ValidationError(self.error_messages["no_subscriber"], code="no_subscriber")


class SubscriberPasswordResetForm(PasswordResetForm):
    """Reset by the contact e-mail address we hold on the subscriber's account."""

    email = forms.EmailField(
        label=_("Contact e-mail address"),
        max_length=254,
        help_text=_("The address we have on file for your account."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email: str) -> Iterator[User]:
        """Subscribers' logins whose account has this contact address; never staff.

        Unlike Django's default, logins without a usable password qualify: imported
        subscribers start without one and choose it through this very reset.
        """
        users = User.objects.filter(
            subscriber__email__iexact=email, is_active=True, is_staff=False
        ).select_related("subscriber")
        return iter(users)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        # The address of record is the subscriber's contact e-mail, not the login's
        # (which may be empty); the link's token does not depend on where it is sent.
        super().send_mail(
            subject_template_name,
            email_template_name,
            {**context, "email": context["user"].subscriber.email},
            from_email,
            context["user"].subscriber.email,
            html_email_template_name=html_email_template_name,
        )
