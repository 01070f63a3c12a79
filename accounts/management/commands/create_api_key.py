"""`manage.py create_api_key NAME --scopes read,exemptions:write`: prints the key once."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from accounts.api_keys import SCOPES, api_key_create, api_key_scopes_parse
from accounts.audit import Actor


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _(
            "Create an API key for a client of the admin API and print it once, on the last "
            "line. Only its hash is stored: a lost key is revoked and replaced."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help=_("The client's name, shown in the audit trail."))
        parser.add_argument(
            "--scopes",
            required=True,
            help=_("Comma-separated scopes from: %(scopes)s.") % {"scopes": ", ".join(SCOPES)},
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            scopes = api_key_scopes_parse(text=options["scopes"])
            api_key, raw_key = api_key_create(
                name=options["name"], scopes=scopes, actor=Actor.system("manage.py create_api_key")
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            _("Created the key of %(name)s with scopes %(scopes)s. It is shown only now:")
            % {"name": api_key.name, "scopes": ", ".join(api_key.scopes)}
        )
        self.stdout.write(raw_key)
