"""The Celery worker's own metrics endpoint (delivery latency is observed in the worker).

On one host, gunicorn and the worker can share PROMETHEUS_MULTIPROC_DIR and the portal's
/metrics shows both. In containers each has its own folder (process IDs repeat across
containers, so files would collide), and the worker serves its processes' metrics itself on
PORTAL_WORKER_METRICS_PORT: an internal port, never published outside the cluster network.
Imported by portal/celery.py; the signal runs in the worker's main process, before the pool.
"""

import logging
import os
from wsgiref.simple_server import WSGIServer

from celery.signals import worker_init
from prometheus_client import start_http_server

from portal.observability.metrics import metrics_collect

logger = logging.getLogger(__name__)


@worker_init.connect  # type: ignore[untyped-decorator]
def worker_metrics_serve(**kwargs: object) -> WSGIServer | None:
    """Starts the worker's metrics server when PORTAL_WORKER_METRICS_PORT is set."""
    port = int(os.environ.get("PORTAL_WORKER_METRICS_PORT", "0") or 0)
    if not port:
        return None
    address = os.environ.get("PORTAL_WORKER_METRICS_ADDR", "0.0.0.0")  # noqa: S104 - see above
    server, _thread = start_http_server(port, addr=address, registry=metrics_collect())
    logger.info("worker metrics on %s:%s/metrics", address, port)
    return server
