"""Compare the backends with the desired state and repair drift."""

from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from blocking.sync.models import SyncBackend
from blocking.sync.reconcile import backend_reconcile

SHOWN = 50


class Command(BaseCommand):
    help = _(
        "Compare the network and mail backends' state with the desired state, record a sync "
        "change for every resource that drifted, and report what was found."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--backend",
            choices=SyncBackend.values,
            help=_("Only this backend (default: both)."),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Report the drift without recording any change."),
        )

    def handle(self, *args: object, backend: str | None, dry_run: bool, **options: object) -> None:
        failed = False
        for name in [backend] if backend else SyncBackend.values:
            report = backend_reconcile(backend=name, dry_run=dry_run)
            for finding in report.findings[:SHOWN]:
                self.stdout.write(
                    f"  {finding.kind:9} {finding.resource} {finding.key}: "
                    f"backend {finding.actual} / desired {finding.desired}"
                )
            if len(report.findings) > SHOWN:
                self.stdout.write(
                    _("  ... and %(count)d more") % {"count": len(report.findings) - SHOWN}
                )
            checked = sum(report.checked.values())
            if report.error:
                failed = True
                self.stderr.write(
                    _("%(backend)s: could not be read: %(error)s")
                    % {"backend": name, "error": report.error}
                )
            elif dry_run:
                self.stdout.write(
                    _(
                        "%(backend)s: %(checked)d checked, %(drifted)d drifted "
                        "(dry run: nothing recorded)"
                    )
                    % {"backend": name, "checked": checked, "drifted": report.drifted}
                )
            else:
                self.stdout.write(
                    self.style.SUCCESS(
                        _(
                            "%(backend)s: %(checked)d checked, %(drifted)d drifted, "
                            "%(repaired)d changes recorded"
                        )
                        % {
                            "backend": name,
                            "checked": checked,
                            "drifted": report.drifted,
                            "repaired": report.repaired,
                        }
                    )
                )
        if failed:
            raise CommandError(_("A backend could not be reconciled."))
