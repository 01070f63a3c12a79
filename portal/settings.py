"""Settings for the OP25B portal: one module, read from the environment.

Every value that differs between a laptop and production comes from an
environment variable (README.md, "Configuration", lists them with defaults).
Without any, the portal runs as `make run` needs it: SQLite, a broker in files,
the reference backends on loopback. Django's settings reference:
https://docs.djangoproject.com/en/6.1/ref/settings/
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from portal.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")))

# ---------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", False)

# A development key is only acceptable while DEBUG is on; anywhere else a
# missing key is a deployment mistake and must stop the process.
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off "
            "(set DJANGO_DEBUG=1 for development)."
        )
    SECRET_KEY = "development-only-key-never-use-in-production-3f9c1a7e5b2d"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "blocking",
    "portal",
]

MIDDLEWARE = [
    # Observability first: the request ID and timing cover everything below, and the probes
    # (/healthz, /readyz, /metrics) answer before host validation and the HTTPS redirect.
    "portal.observability.request_id.RequestIdMiddleware",
    "portal.observability.metrics.RequestMetricsMiddleware",
    "portal.observability.health.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by authenticate() into a page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.isp",
                "portal.context_processors.nav_urls",
            ],
        },
    },
]

# ---------------------------------------------------------------------------
# Database: https://github.com/jazzband/dj-database-url
# ---------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", "")
if not DATABASE_URL:
    # The embedded default for `make run`: a SQLite file under var/.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------
# Authentication
# ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out login before the password is checked.
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.AccountBackend",
]
AXES_FAILURE_LIMIT = env_int("PORTAL_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("PORTAL_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "accounts.audit.request_source_ip"
# A page that says how long to wait and how to reset the password, not axes' plain text.
AXES_LOCKOUT_CALLABLE = "accounts.views.login_locked_out"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# ---------------------------------------------------------------------------
# Internationalisation: Japanese first, English complete.
# ---------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------
# Static files, served by the app itself (WhiteNoise): no CDN.
# ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "portal" / "static"]
# Hashed, compressed files need `collectstatic` first; development and tests
# serve the source files as they are.
STATIC_MANIFEST = env_bool("PORTAL_STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

# ---------------------------------------------------------------------------
# Security. Production defaults; DEBUG relaxes only what plain HTTP needs.
# https://docs.djangoproject.com/en/6.1/howto/deployment/checklist/
# ---------------------------------------------------------------------------
SECURE_HTTPS = env_bool("PORTAL_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = SECURE_HTTPS
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_HSTS_SECONDS = env_int("PORTAL_HSTS_SECONDS", 31_536_000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
# Behind our own reverse proxy, trust its X-Forwarded-Proto and the last
# X-Forwarded-For address (client IPs for the audit trail, lockouts, "our network").
PORTAL_BEHIND_PROXY = env_bool("PORTAL_BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PORTAL_BEHIND_PROXY else None
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = SECURE_HTTPS
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("PORTAL_SESSION_SECONDS", 8 * 3600)
# Sessions are read from the cache (Redis in production) and written through to the
# database, so a logged-in page costs no session query, and neither a Redis restart nor an
# outage logs anyone out (portal/sessions.py).
SESSION_ENGINE = "portal.sessions"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# ---------------------------------------------------------------------------
# E-mail (password resets, notices)
# ---------------------------------------------------------------------------
MAILERS = {
    "default": {
        "BACKEND": env_str(
            "EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
        "OPTIONS": (
            {"host": env_str("EMAIL_HOST", "localhost"), "port": env_int("EMAIL_PORT", 25)}
            if not DEBUG
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "support@example.ne.jp")

# ---------------------------------------------------------------------------
# Celery: https://docs.celeryq.dev/en/stable/userguide/configuration.html
# Production brokers on Redis (REDIS_URL); without it, a broker in files under
# var/ lets `make run` work with no server at all.
# ---------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = (
    {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
        "socket_timeout": 5,
        "socket_connect_timeout": 5,
        "health_check_interval": 30,
    }
    if REDIS_URL
    else {
        "data_folder_in": str(VAR_DIR / "broker"),
        "data_folder_out": str(VAR_DIR / "broker"),
        "processed_folder": str(VAR_DIR / "broker-processed"),
        # Kombu would otherwise keep its exchange table in ./control.
        "control_folder": str(VAR_DIR / "broker-control"),
        "store_processed": False,
    }
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# The periodic tasks are listed under "Backend sync" below.

# ---------------------------------------------------------------------------
# Django REST framework: every endpoint names its permissions; the default
# refuses, so a forgotten one fails closed. The admin API's own settings are in
# "Admin REST API" below. https://www.django-rest-framework.org/api-guide/settings/
# ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"],
    # Keys first: their `WWW-Authenticate: Bearer` challenge makes DRF answer 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "blocking.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # JSON for programs; the browsable API for staff sessions.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "blocking.api.pagination.ApiCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["blocking.api.throttling.ClientRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "blocking.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "blocking.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
}

# ---------------------------------------------------------------------------
# The ISP: its mail servers and the networks that are "our lines".
# ---------------------------------------------------------------------------
PORTAL_ISP_NAME = env_str("PORTAL_ISP_NAME", "Example Net")
PORTAL_MAIL_DOMAIN = env_str("PORTAL_MAIL_DOMAIN", "example.ne.jp")
PORTAL_SMTP_HOST = env_str("PORTAL_SMTP_HOST", "smtp.example.ne.jp")
PORTAL_POP_HOST = env_str("PORTAL_POP_HOST", "pop.example.ne.jp")
PORTAL_IMAP_HOST = env_str("PORTAL_IMAP_HOST", "imap.example.ne.jp")
# Documentation prefixes (RFC 5737 / RFC 3849) until an ISP sets its own.
PORTAL_OUR_NETWORKS = env_list("PORTAL_OUR_NETWORKS", ["203.0.113.0/24", "2001:db8:100::/40"])

# ---------------------------------------------------------------------------
# Customer portal: guides, auto-configuration, exemption requests.
# ---------------------------------------------------------------------------
# The notice's content and the submission service are cached this many seconds for every
# visitor (portal/published.py); staff changes drop them at once. 0 turns caching off.
PORTAL_PUBLIC_CACHE_SECONDS = env_int("PORTAL_PUBLIC_CACHE_SECONDS", 30)
# Ports the mail programs are told (portal/mail_settings.py). The submission
# service row in the database wins for 587/465; these apply until it exists.
PORTAL_POP_PORT = env_int("PORTAL_POP_PORT", 995)
PORTAL_IMAP_PORT = env_int("PORTAL_IMAP_PORT", 993)
PORTAL_SUBMISSION_PORT = env_int("PORTAL_SUBMISSION_PORT", 587)
PORTAL_SUBMISSION_TLS_PORT = env_int("PORTAL_SUBMISSION_TLS_PORT", 465)  # 0: not offered
# Apple configuration profiles are signed (CMS) when both PEM paths are set.
PORTAL_PROFILE_SIGNING_CERT = env_str("PORTAL_PROFILE_SIGNING_CERT", "")
PORTAL_PROFILE_SIGNING_KEY = env_str("PORTAL_PROFILE_SIGNING_KEY", "")

# ---------------------------------------------------------------------------
# Support console: roles, two-factor login, exemption limits.
# ---------------------------------------------------------------------------
# An agent may grant up to this many days; a supervisor up to the longer limit.
PORTAL_EXEMPTION_MAX_DAYS_AGENT = env_int("PORTAL_EXEMPTION_MAX_DAYS_AGENT", 90)
PORTAL_EXEMPTION_MAX_DAYS_SUPERVISOR = env_int("PORTAL_EXEMPTION_MAX_DAYS_SUPERVISOR", 730)
# Staff sign in at /staff/login/ with a password and a TOTP code (django-otp):
# https://django-otp-official.readthedocs.io/en/stable/overview.html#settings
# The issuer names the account in the staff's authenticator app.
OTP_TOTP_ISSUER = f"{PORTAL_ISP_NAME} support console"
# A wrong code locks the device for 1, 2, 4 ... seconds (the default factor).
OTP_TOTP_THROTTLE_FACTOR = 1

# ---------------------------------------------------------------------------
# Admin REST API (/api/v1/, schema at /api/schema/, docs at /api/docs/).
# Keys: `manage.py create_api_key NAME --scopes read,exemptions:write`.
# ---------------------------------------------------------------------------
# Requests per client (API key or staff login); DRF's rate syntax, e.g. "600/min".
# https://www.django-rest-framework.org/api-guide/throttling/
PORTAL_API_THROTTLE_RATE = env_str("PORTAL_API_THROTTLE_RATE", "1200/min")
# How long an Idempotency-Key's first answer is replayed.
PORTAL_API_IDEMPOTENCY_HOURS = env_int("PORTAL_API_IDEMPOTENCY_HOURS", 24)
# Throttle counters are shared by every web process: Redis in production.
# https://docs.djangoproject.com/en/6.1/topics/cache/#redis
CACHES = {
    "default": (
        {
            "BACKEND": "portal.caching.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that hangs must not hang the pages: sessions and the published
            # cache go around a cache that fails.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            "KEY_PREFIX": "portal",
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# https://drf-spectacular.readthedocs.io/en/latest/settings.html
SPECTACULAR_SETTINGS = {
    "TITLE": "OP25B portal admin API",
    "DESCRIPTION": (
        "Subscribers, lines with their computed OP25B status, mailboxes, exemptions, the "
        "rollout schedule, the destination list and the backend sync changes. Authenticate "
        "with `Authorization: Bearer <key>`. Every error has the same body: "
        '`{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "blocking.stages.Stage",
        "SchedulableStageEnum": "blocking.api.serializers.SCHEDULABLE_STAGE_CHOICES",
        "ExemptionStateEnum": "blocking.models.ExemptionState",
        "SubmissionAccessStateEnum": "blocking.models.SubmissionAccessState",
        "SyncChangeStateEnum": "blocking.sync.models.SyncState",
    },
    # Served from our own static files (drf-spectacular-sidecar): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# ---------------------------------------------------------------------------
# Backend sync: the network and mail backends, and how changes reach them.
# ---------------------------------------------------------------------------
# Where the backends are and the bearer token each expects. The defaults are the
# reference backends that `make run` starts (python -m blocking.sync.reference).
PORTAL_NETWORK_BACKEND_URL = env_str("PORTAL_NETWORK_BACKEND_URL", "http://127.0.0.1:8101")
PORTAL_NETWORK_BACKEND_TOKEN = env_str("PORTAL_NETWORK_BACKEND_TOKEN", "dev-network-token")
PORTAL_MAIL_BACKEND_URL = env_str("PORTAL_MAIL_BACKEND_URL", "http://127.0.0.1:8102")
PORTAL_MAIL_BACKEND_TOKEN = env_str("PORTAL_MAIL_BACKEND_TOKEN", "dev-mail-token")
# HTTP timeouts of one call (seconds): connecting, then waiting for the answer.
PORTAL_SYNC_CONNECT_TIMEOUT = float(env_str("PORTAL_SYNC_CONNECT_TIMEOUT", "3.05"))
PORTAL_SYNC_READ_TIMEOUT = float(env_str("PORTAL_SYNC_READ_TIMEOUT", "10"))
# Retries: exponential backoff from BACKOFF seconds up to BACKOFF_MAX, with jitter,
# never sooner than a Retry-After; after MAX_ATTEMPTS a change is failed (staff retry it).
PORTAL_SYNC_MAX_ATTEMPTS = env_int("PORTAL_SYNC_MAX_ATTEMPTS", 12)
PORTAL_SYNC_BACKOFF_SECONDS = float(env_str("PORTAL_SYNC_BACKOFF_SECONDS", "1"))
PORTAL_SYNC_BACKOFF_MAX_SECONDS = float(env_str("PORTAL_SYNC_BACKOFF_MAX_SECONDS", "300"))
# A queued change not done within LEASE seconds (lost message, killed worker) is
# queued again by the sweep, which runs every SWEEP seconds.
PORTAL_SYNC_LEASE_SECONDS = float(env_str("PORTAL_SYNC_LEASE_SECONDS", "60"))
PORTAL_SYNC_SWEEP_SECONDS = float(env_str("PORTAL_SYNC_SWEEP_SECONDS", "2"))
PORTAL_SYNC_SWEEP_LIMIT = env_int("PORTAL_SYNC_SWEEP_LIMIT", 20_000)
# Mailboxes per call of the mail backend's batch form; other changes the sweep
# queues go GROUP to a task (still one PUT each, but the database work in bulk).
PORTAL_SYNC_BATCH_SIZE = env_int("PORTAL_SYNC_BATCH_SIZE", 1000)
PORTAL_SYNC_GROUP_SIZE = env_int("PORTAL_SYNC_GROUP_SIZE", 50)
# Mailboxes recorded per transaction by a full push (`manage.py sync_push`).
PORTAL_SYNC_PUSH_CHUNK = env_int("PORTAL_SYNC_PUSH_CHUNK", 5000)
# Circuit breaker: after FAILURES consecutive failures a backend is left alone for
# SECONDS, doubling while it stays down, up to SECONDS_MAX.
PORTAL_SYNC_CIRCUIT_FAILURES = env_int("PORTAL_SYNC_CIRCUIT_FAILURES", 5)
PORTAL_SYNC_CIRCUIT_SECONDS = float(env_str("PORTAL_SYNC_CIRCUIT_SECONDS", "5"))
PORTAL_SYNC_CIRCUIT_SECONDS_MAX = float(env_str("PORTAL_SYNC_CIRCUIT_SECONDS_MAX", "30"))
# How often exemptions past their end are expired, and the backends reconciled.
PORTAL_SYNC_EXPIRE_SECONDS = float(env_str("PORTAL_SYNC_EXPIRE_SECONDS", "60"))
PORTAL_SYNC_RECONCILE_SECONDS = float(env_str("PORTAL_SYNC_RECONCILE_SECONDS", "21600"))

# Under `make run` the worker and beat write to the same SQLite file as the portal:
# take the write lock when a transaction begins (a read-then-write transaction would
# otherwise fail at once with "database is locked"), let readers run beside the writer
# (WAL), and wait for the lock rather than fail.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

CELERY_BEAT_SCHEDULE = {
    "sync-sweep": {
        "task": "blocking.sync.sweep",
        "schedule": PORTAL_SYNC_SWEEP_SECONDS,
        "options": {"expires": PORTAL_SYNC_SWEEP_SECONDS * 5},
    },
    "sync-exemptions-expire": {
        "task": "blocking.sync.exemptions_expire",
        "schedule": PORTAL_SYNC_EXPIRE_SECONDS,
        "options": {"expires": PORTAL_SYNC_EXPIRE_SECONDS},
    },
    "sync-reconcile-network": {
        "task": "blocking.sync.reconcile",
        "schedule": PORTAL_SYNC_RECONCILE_SECONDS,
        "kwargs": {"backend": "network"},
        "options": {"expires": PORTAL_SYNC_RECONCILE_SECONDS},
    },
    "sync-reconcile-mail": {
        "task": "blocking.sync.reconcile",
        "schedule": PORTAL_SYNC_RECONCILE_SECONDS,
        "kwargs": {"backend": "mail"},
        "options": {"expires": PORTAL_SYNC_RECONCILE_SECONDS},
    },
}


# ---------------------------------------------------------------------------
# Observability: health probes, Prometheus metrics, request IDs, error reports.
# docs/operations.md, "Monitoring". https://prometheus.github.io/client_python/
# ---------------------------------------------------------------------------
# /readyz gives every check (database, broker, backends) this long in all.
PORTAL_READYZ_TIMEOUT_MS = env_int("PORTAL_READYZ_TIMEOUT_MS", 2000)
# /metrics answers scrapers on these networks, or anyone sending this bearer token.
PORTAL_METRICS_TOKEN = env_str("PORTAL_METRICS_TOKEN", "")
PORTAL_METRICS_NETWORKS = env_list(
    "PORTAL_METRICS_NETWORKS",
    ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
)
# Errors are mailed to ADMINS ("Name <a@example.ne.jp>,b@example.ne.jp") and/or posted to a
# chat webhook (Slack, Mattermost: {"text": ...}); both empty: errors are only logged.
# https://docs.djangoproject.com/en/6.1/ref/settings/#admins
ADMINS = env_list("PORTAL_ADMINS", [])
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
PORTAL_ERROR_WEBHOOK_URL = env_str("PORTAL_ERROR_WEBHOOK_URL", "")

# ---------------------------------------------------------------------------
# Logging: everything to stderr, the process manager collects it. LOG_FORMAT=json gives
# one JSON object per line (time, level, logger, message, request_id, task_id, exc_info).
# https://docs.djangoproject.com/en/6.1/topics/logging/
# ---------------------------------------------------------------------------
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}")
_ERROR_HANDLERS = ["mail_admins"] + (["webhook"] if PORTAL_ERROR_WEBHOOK_URL else [])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "portal.observability.request_id.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "portal.observability.logs.JsonFormatter"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "request_id"],
        },
        "webhook": {
            "()": "portal.observability.logs.ErrorWebhookHandler",
            "url": PORTAL_ERROR_WEBHOOK_URL,
            "formatter": "plain",
            "filters": ["require_debug_false", "request_id"],
        },
    },
    "root": {"handlers": ["stderr", *_ERROR_HANDLERS], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's default logging mails admins from the "django" logger; here the root's
        # handlers do it for every logger (Celery tasks too), so this one only propagates.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"level": "WARNING"},
    },
}
