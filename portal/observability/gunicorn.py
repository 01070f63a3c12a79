"""Gunicorn's own configuration: `gunicorn -c python:portal.observability.gunicorn ...`.

Only logging lives here; bind address and workers stay on the command line. Gunicorn's
lines (start, worker boot and exit, timeouts) go through the root logger, so they come out
in the same format as the portal's (LOG_FORMAT, JSON unless DJANGO_DEBUG) and, once Django
has configured logging in a worker, exactly once. The portal writes its own access lines.
"""

import os

_debug = os.environ.get("DJANGO_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}
_format = os.environ.get("LOG_FORMAT", "plain" if _debug else "json")

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.observability.request_id.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "portal.observability.logs.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": _format if _format in {"json", "plain"} else "plain",
            "filters": ["request_id"],
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": os.environ.get("LOG_LEVEL", "INFO"), "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        # Its lines name raw paths (password-reset tokens); the portal's own do not.
        "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": True},
    },
}
