from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlockingConfig(AppConfig):
    name = "blocking"
    verbose_name = _("Port 25 blocking")

    def ready(self) -> None:
        # The staff roles exist in every database after `migrate`, demo or not.
        from django.db.models.signals import post_migrate

        from blocking.console.roles import staff_roles_after_migrate

        post_migrate.connect(staff_roles_after_migrate, dispatch_uid="staff_roles")
