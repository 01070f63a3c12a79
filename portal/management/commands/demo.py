"""`manage.py demo`: parse the options, call `portal.demo.demo_build`, print the logins."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.demo import (
    BULK_MAX,
    CALENDAR_2006,
    CALENDAR_RELATIVE,
    CALENDARS,
    DEFAULT_SUBSCRIBERS,
    DemoResult,
    bulk_account_id,
    demo_build,
    demo_data_exists,
)


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # A property, so it is translated when shown; argparse cannot take a lazy string.
        return _(
            "Load demo data in which every OP25B status exists today: the schedule, staff "
            "roles, named personas with printed passwords, and bulk subscribers. Safe to run "
            "again: personas are reset to their demo state, bulk subscribers s0000001... that "
            "exist are skipped (so a second run adds nothing, a larger --subscribers tops up "
            "and a smaller one removes nothing), and the schedule and the personas' dates are "
            "re-based on today."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--subscribers",
            type=int,
            default=DEFAULT_SUBSCRIBERS,
            metavar="N",
            help=_(
                "How many bulk subscribers s0000001... to have, each with 1-2 lines and "
                "1-2 mailboxes (default %(default)d; 0 for the personas only)."
            )
            % {"default": DEFAULT_SUBSCRIBERS},
        )
        parser.add_argument(
            "--calendar",
            default=CALENDAR_RELATIVE,
            help=_(
                "'%(relative)s' (default) places the phases around today so every stage "
                "exists now; '%(calendar_2006)s' loads the announcement's literal 2006 dates."
            )
            % {"relative": CALENDAR_RELATIVE, "calendar_2006": CALENDAR_2006},
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("Do nothing if any subscriber exists (what `make run` uses)."),
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help=_("No progress bar (there is none when stderr is not a terminal either)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        subscribers: int = options["subscribers"]
        calendar: str = options["calendar"]
        if not 0 <= subscribers <= BULK_MAX:
            raise CommandError(
                _("--subscribers must be between 0 and %(max)d, not %(given)d.")
                % {"max": BULK_MAX, "given": subscribers}
            )
        if calendar not in CALENDARS:
            raise CommandError(
                _("Unknown --calendar %(given)r: use %(choices)s.")
                % {"given": calendar, "choices": " or ".join(CALENDARS)}
            )
        if options["if_empty"] and demo_data_exists():
            self.stdout.write(_("Subscribers exist already: demo data left as it is."))
            return
        result = demo_build(
            subscribers=subscribers,
            calendar=calendar,
            progress=not options["no_progress"] and self.stderr.isatty(),
        )
        self._print(result)

    def _print(self, result: DemoResult) -> None:
        write = self.stdout.write
        write(
            _("Demo data ready. Today is %(today)s (JST); calendar: %(calendar)s.")
            % {"today": f"{result.today:%Y-%m-%d}", "calendar": result.calendar}
        )
        write("")
        write(_("Line groups today:"))
        for group in result.schedule:
            if not group.in_scope:
                line = _("not blocked (service outside OP25B)")
            elif group.next_stage is None:
                line = str(group.stage.label)
            else:
                local = timezone.localtime(group.next_at)
                line = _("%(stage)s; %(next)s from %(at)s") % {
                    "stage": group.stage.label,
                    "next": group.next_stage.label,
                    "at": f"{local:%Y-%m-%d}",
                }
            write(f"  {group.group:<12} {group.service:<28} {line}")
        write("")
        if result.bulk_requested:
            write(
                _("Bulk subscribers %(first)s to %(last)s: %(added)d added, password %(password)s.")
                % {
                    "first": bulk_account_id(number=1),
                    "last": bulk_account_id(number=result.bulk_requested),
                    "added": result.bulk_added,
                    "password": result.bulk_password,
                }
            )
            write("")
        write(self.style.SUCCESS(_("Demo logins (username / password / role):")))
        width = max(len(login.username) for login in result.logins)
        pwidth = max(len(login.password) for login in result.logins)
        for login in result.logins:
            write(f"  {login.username:<{width}}  {login.password:<{pwidth}}  {login.role}")
        write("")
        write(
            _(
                "Staff sign in to the support console at %(url)s with their password and a "
                "6-digit code from an authenticator app. For the demo staff, print the current "
                "code with: python manage.py totp_code agent (or supervisor, auditor); "
                "add --key for the secret to put in an authenticator app."
            )
            % {"url": "http://127.0.0.1:8000/staff/"}
        )
