"""`manage.py totp_code <username>`: the current 6-digit code of a demo staff authenticator.

A demo helper: `manage.py demo` gives the staff logins agent, supervisor and
auditor an authenticator with a fixed secret; this prints what that app would
show now, so the console can be tried without a phone. It refuses any other
(real) authenticator: a real staff member's code comes from their own phone.
"""

import time
from base64 import b32encode
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.demo.staff import DEMO_TOTP_DEVICE


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _(
            "Print the current 6-digit code of a demo staff member's authenticator "
            "(a demo helper; real authenticators are refused)."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--key",
            action="store_true",
            help=_("Also print the secret, to add it to an authenticator app."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        device = (
            TOTPDevice.objects.filter(
                user__username=username, name=DEMO_TOTP_DEVICE, confirmed=True
            )
            .order_by("pk")
            .first()
        )
        if device is None:
            raise CommandError(
                _(
                    "%(username)s has no demo authenticator. Run `manage.py demo` first; "
                    "only the demo's staff logins (agent, supervisor, auditor) have one."
                )
                % {"username": username}
            )
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        code = f"{totp.token():0{device.digits}d}"
        remaining = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(code)
        if options["key"]:
            self.stdout.write(b32encode(device.bin_key).decode())
        self.stdout.flush()
        self.stderr.write(
            _("(valid for %(seconds)d more seconds; each code signs in once)")
            % {"seconds": remaining}
        )
