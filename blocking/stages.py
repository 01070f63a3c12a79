"""The stages of Outbound Port 25 Blocking, weakest first.

A leaf module: the status function, the models and the templates all take the
stage from here, so there is one name and one order for it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    OPEN = "open", _("Not blocked")
    MOBILE = "mobile", _("Blocked to mobile carriers")
    FULL = "full", _("Blocked except to our servers")

    @property
    def rank(self) -> int:
        """Strength of the block: a higher rank blocks strictly more."""
        return _RANK[self]


_RANK = {Stage.OPEN: 0, Stage.MOBILE: 1, Stage.FULL: 2}

# Only these can be scheduled: a line group starts open and becomes stricter.
SCHEDULABLE_STAGES = (Stage.MOBILE, Stage.FULL)
