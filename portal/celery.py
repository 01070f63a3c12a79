"""The Celery application; configuration comes from Django's settings (CELERY_*).

Without REDIS_URL the broker is kombu's `filesystem://` transport in folders under
var/ (see settings), so `make run` needs no server; those folders must exist
before the worker, beat or the portal publish.
"""

import os
from pathlib import Path
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect  # type: ignore[untyped-decorator]
def _broker_folders(sender: Celery, **kwargs: Any) -> None:
    # Runs once the configuration is read, lazily: settings may still be loading at import.
    if str(sender.conf.broker_url).startswith("filesystem://"):
        options = sender.conf.broker_transport_options or {}
        for name in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            if isinstance(options.get(name), str):
                Path(options[name]).mkdir(parents=True, exist_ok=True)


# The worker serves its own metrics (delivery latency) when PORTAL_WORKER_METRICS_PORT is set.
import portal.observability.worker  # noqa: E402, F401
