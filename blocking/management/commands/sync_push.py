"""Record the whole desired state for the backends (initial sync, a replaced backend)."""

from argparse import ArgumentParser

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from blocking.sync.models import SyncBackend
from blocking.sync.push import sync_push


class Command(BaseCommand):
    help = _(
        "Record a sync change for every schedule, destination list, active exemption, the "
        "submission service and every mailbox; the worker delivers them (mailboxes in batches)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--backend",
            choices=SyncBackend.values,
            help=_("Only this backend (default: both)."),
        )

    def handle(self, *args: object, backend: str | None, **options: object) -> None:
        counts = sync_push(backend=backend)
        for what, count in counts.items():
            self.stdout.write(_("%(count)d %(what)s recorded") % {"count": count, "what": what})
