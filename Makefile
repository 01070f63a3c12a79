# The OP25B portal. `make run` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# The first interpreter >= 3.12 found, newest first; `make PYTHON=/path/to/python3.13` overrides.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 \
	$$(pyenv root 2>/dev/null)/versions/3.14*/bin/python3 \
	$$(pyenv root 2>/dev/null)/versions/3.13*/bin/python3 \
	$$(pyenv root 2>/dev/null)/versions/3.12*/bin/python3 \
	/usr/bin/python3 python3; do \
	  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	  && { command -v $$p; break; }; done)

# Tests and `make test` run against the real services; override to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: help run test lint format messages clean venv browser-deps bench prod-local

help:
	@echo "make run    - the portal with demo data on http://$(HOST):$(PORT) (no services needed)"
	@echo "make test   - lint and the whole test suite (PostgreSQL and Redis at 127.0.0.1)"
	@echo "make lint   - ruff check, ruff format --check, mypy, makemigrations --check"
	@echo "make format - ruff format and autofix"
	@echo "make messages - refresh and compile the ja/en translation catalogues"
	@echo "make bench  - the backend sync and load benchmarks (PostgreSQL and Redis at 127.0.0.1)"
	@echo "make prod-local - the production processes without Docker on http://127.0.0.1:8000 (PostgreSQL and Redis)"

$(VENV)/.installed: requirements.txt
	@test -n "$(PYTHON)" || { echo "error: no Python >= 3.12 found; install one or run make PYTHON=/path/to/python3.12" >&2; exit 1; }
	@echo "Creating $(VENV) with $(PYTHON)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

# Beside the portal: both reference backends, a Celery worker and beat on the
# file broker under var/ (logs in var/*.log); they stop when runserver stops.
# The backends start empty, so the demo's whole desired state is pushed to them.
run: $(VENV)/.installed
	@mkdir -p var
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput -v 0
	DJANGO_DEBUG=1 $(PY) manage.py demo --if-empty
	@set -m; pids=""; \
	trap 'kill $$pids 2>/dev/null; wait 2>/dev/null' EXIT; trap 'exit 0' INT TERM HUP; \
	$(PY) -m blocking.sync.reference network --port 8101 >var/network-backend.log 2>&1 & pids="$$pids $$!"; \
	$(PY) -m blocking.sync.reference mail --port 8102 >var/mail-backend.log 2>&1 & pids="$$pids $$!"; \
	DJANGO_DEBUG=1 $(PY) -m celery -A portal worker --pool solo --loglevel INFO \
	  >var/worker.log 2>&1 & pids="$$pids $$!"; \
	DJANGO_DEBUG=1 $(PY) -m celery -A portal beat --schedule var/celerybeat-schedule \
	  --loglevel INFO >var/beat.log 2>&1 & pids="$$pids $$!"; \
	echo "Started the reference backends (:8101, :8102), a worker and beat; logs in var/"; \
	DJANGO_DEBUG=1 $(PY) manage.py sync_push; \
	DJANGO_DEBUG=1 $(PY) manage.py runserver --noreload $(HOST):$(PORT)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_DEBUG=1 $(VENV)/bin/mypy
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run -v 0

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The browser tests drive Debian's chromium (never a downloaded one).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk; }

test: lint browser-deps
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest $(PYTEST_ARGS)

# Benchmarks against PostgreSQL and Redis at 127.0.0.1 (database portal_bench, made and
# filled with the million-subscriber demo on the first run); results in docs/benchmarks.md.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/8

bench: $(VENV)/.installed
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) BENCH_REDIS_URL=$(BENCH_REDIS_URL) $(PY) bench/sync_bench.py
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/load_bench.py

messages: $(VENV)/.installed-dev
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -l ja -l en --no-obsolete --ignore=.venv --ignore=var
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

# gunicorn, Celery worker and beat, the reference backends: DEBUG off, JSON logs (bin/prod-local).
prod-local: $(VENV)/.installed
	VENV=$(VENV) bin/prod-local
