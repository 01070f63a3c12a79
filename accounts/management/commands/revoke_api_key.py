"""`manage.py revoke_api_key NAME`: the client's key stops working at once."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from accounts.api_keys import api_key_revoke
from accounts.audit import Actor
from accounts.models import ApiKey


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _("Revoke the API key of a client of the admin API.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help=_("The client's name."))

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        api_key = ApiKey.objects.filter(name=name).first()
        if api_key is None:
            raise CommandError(_("No API client is named %(name)s.") % {"name": name})
        try:
            api_key_revoke(api_key=api_key, actor=Actor.system("manage.py revoke_api_key"))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(_("Revoked the key of %(name)s.") % {"name": name})
