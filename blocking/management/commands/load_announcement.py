"""Load the 2006 announcement's services, schedule, destination list and port 587 service."""

from argparse import ArgumentParser

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from blocking.announcement import announcement_load


class Command(BaseCommand):
    help = _(
        "Create or update eADSL and FLET'S, their line groups and 2006 phases, the mobile "
        "carriers' destination list and the submission service on port 587. Idempotent."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--smtp-host",
            default=settings.PORTAL_SMTP_HOST,
            help=_("The submission server's host name (default: PORTAL_SMTP_HOST)."),
        )

    def handle(self, *args: object, smtp_host: str, **options: object) -> None:
        announcement_load(smtp_host=smtp_host)
        self.stdout.write(self.style.SUCCESS(_("The 2006 announcement is loaded.")))
