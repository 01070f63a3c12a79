# syntax=docker/dockerfile:1
# The portal's image: web (gunicorn), worker and beat all run from it; the command differs.
#   docker build -t op25b-portal .
#   docker run --env-file .env op25b-portal                                  # web on :8000
#   docker run --env-file .env op25b-portal celery -A portal worker -l INFO  # worker
#   docker run --env-file .env -v beat:/var/lib/portal op25b-portal \
#     celery -A portal beat -l INFO --schedule /var/lib/portal/celerybeat-schedule  # beat (one)
# docs/operations.md describes deploying, scaling and monitoring it.
ARG PYTHON_IMAGE=python:3.13-slim

# --- build: wheels into a virtualenv, translations compiled, static files collected -------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt /tmp/requirements.txt
RUN python -m pip wheel --wheel-dir /wheels -r /tmp/requirements.txt \
    && python -m venv /venv \
    && /venv/bin/pip install --no-index --find-links /wheels -r /tmp/requirements.txt
WORKDIR /app
COPY . /app
# The key below exists only for these two commands: settings refuse to load without one.
RUN DJANGO_SECRET_KEY=build-only PORTAL_VAR_DIR=/build/var \
      /venv/bin/python manage.py compilemessages --ignore=.venv -v 0 \
    && DJANGO_SECRET_KEY=build-only PORTAL_VAR_DIR=/build/var \
      /venv/bin/python manage.py collectstatic --noinput -v 0 \
    && /venv/bin/python -m compileall -q /app

# --- runtime: slim, no compilers, no gettext, not root -----------------------------------
FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="op25b-portal" \
      org.opencontainers.image.description="OP25B and Submission Port 587 self-service portal"
ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=portal.settings \
    PORTAL_VAR_DIR=/var/lib/portal \
    LOG_FORMAT=json \
    WEB_CONCURRENCY=4 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus
RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --home-dir /app --shell /usr/sbin/nologin portal \
    && mkdir -p /var/lib/portal/broker /var/lib/portal/broker-processed \
    && chown -R portal:portal /var/lib/portal
COPY --from=build /venv /venv
# Code and compiled catalogues are root's and read-only to the portal user.
COPY --from=build /app /app
COPY --from=build --chown=portal:portal /build/var/static /var/lib/portal/static
WORKDIR /app
USER 10001:10001
EXPOSE 8000
# Liveness only: /readyz also checks PostgreSQL, Redis and the backends (docs/operations.md).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)"]
ENTRYPOINT ["bin/docker-entrypoint"]
# Workers: WEB_CONCURRENCY (gunicorn reads it), 2 x cores. The config module sends gunicorn's
# lines through the portal's log format; access lines come from the portal itself (with the
# request ID), so gunicorn's own access log stays off.
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--config", "python:portal.observability.gunicorn", "--worker-tmp-dir", "/dev/shm", \
     "--timeout", "30", "--graceful-timeout", "30", \
     "--max-requests", "10000", "--max-requests-jitter", "1000"]
