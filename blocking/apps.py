from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlockingConfig(AppConfig):
    name = "blocking"
    verbose_name = _("Port 25 blocking")
