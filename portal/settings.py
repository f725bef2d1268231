"""Django settings for the Linkwright portal.

Everything a deployment changes comes from the environment:
- ``DATABASE_URL``: ``postgres://user:password@host:5432/name``; SQLite in var/ when unset.
- ``LINKWRIGHT_DATA_DIR``: where the SQLite database and generated keys live (default var/).
- ``LINKWRIGHT_SECRET_KEYS``: comma-separated Fernet keys for secrets at rest, newest first;
  when unset a development key is generated in the data directory on first run.
- ``DJANGO_SECRET_KEY``, ``LINKWRIGHT_DEBUG``, ``LINKWRIGHT_ALLOWED_HOSTS``,
  ``LINKWRIGHT_CSRF_TRUSTED_ORIGINS`` (comma-separated, e.g. ``https://portal.example.com``).
- ``LINKWRIGHT_STATIC_COLLECTED=1`` (set by scripts/run-production.sh): serve the static files
  collected by ``collectstatic``, compressed and with hashed names, instead of finding them.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("LINKWRIGHT_DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _persistent_secret(filename: str) -> str:
    path = DATA_DIR / filename
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or _persistent_secret("django-secret-key")
DEBUG = os.environ.get("LINKWRIGHT_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("LINKWRIGHT_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(
    ","
)


def _env_list(name: str) -> list[str]:
    """A comma-separated environment variable's items."""
    return [n.strip() for n in os.environ.get(name, "").split(",") if n.strip()]


CSRF_TRUSTED_ORIGINS = _env_list("LINKWRIGHT_CSRF_TRUSTED_ORIGINS")

SECRET_KEYS_FILE = DATA_DIR / "secret-keys"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.input_guard.ControlCharacterGuard",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.roles",
            ],
        },
    }
]


def _database_from_url(url: str) -> dict[str, object]:
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"DATABASE_URL: unsupported scheme {parsed.scheme!r} (use postgres://)")
    return {
        # Django's, with a health check that costs no round trip (see its docstring).
        "ENGINE": "portal.db.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")),
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": _database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "db.sqlite3",
            # WAL with synchronous=NORMAL: a commit appends to the log without an fsync
            # (about 0.05 ms against 1 ms), readers never wait for the writer, and a commit
            # survives a crash of the portal (only a power loss may undo the last ones).
            # secure_delete: what a row gives up (a purged secret, bytes written again
            # without a secret in clear) is overwritten with zeros, not left in the file.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
                ),
            },
            # A file, not shared-cache memory, so that concurrent tests lock as in production.
            "TEST": {"NAME": DATA_DIR / "test-db.sqlite3"},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
if os.environ.get("LINKWRIGHT_STATIC_COLLECTED") == "1":
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
else:
    WHITENOISE_USE_FINDERS = True

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_FILE_BYTES = 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["portal.api.parsers.LimitedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Linkwright API",
    "DESCRIPTION": (
        "Linked services for Apache Spark, Hive and Impala (HiveServer2) in Azure Data Factory / "
        "Synapse JSON.\n\n"
        "[← Back to the Linkwright portal](/) · "
        "[Linked services](/linkedservices/) · [API tokens](/tokens/)\n\n"
        "Every operation has an example that works in *Try it out*; sign in to the portal "
        "in this browser, or authorize with an API token (Authorization: Token ...)."
    ),
    "EXTERNAL_DOCS": {"url": "/", "description": "The Linkwright portal"},
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": ["portal.api.openapi.add_connector_schemas"],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # A refused request (403) is one line, not a traceback (portal.log_records).
    "filters": {"refusals": {"()": "portal.log_records.RefusalsInOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["refusals"]},
    },
}


# Connection tests: where they may connect and how much they may do at once.
CONNECTION_TEST_WORKERS = int(os.environ.get("LINKWRIGHT_TEST_WORKERS", "8"))
CONNECTION_TEST_MAX_PENDING = int(os.environ.get("LINKWRIGHT_TEST_MAX_PENDING", "64"))
CONNECTION_TEST_RATE_PER_MINUTE = int(os.environ.get("LINKWRIGHT_TEST_RATE_PER_MINUTE", "20"))
CONNECTION_TEST_CONNECT_TIMEOUT = float(os.environ.get("LINKWRIGHT_TEST_CONNECT_TIMEOUT", "10"))
CONNECTION_TEST_DEADLINE = float(os.environ.get("LINKWRIGHT_TEST_DEADLINE", "30"))
# The variables that open the address policy; its refusals name them ("... is a loopback
# address; LINKWRIGHT_TEST_ALLOW_LOOPBACK=1 allows loopback addresses").
CONNECTION_TEST_POLICY_VARIABLES = {
    "allow_loopback": "LINKWRIGHT_TEST_ALLOW_LOOPBACK",
    "allow_private": "LINKWRIGHT_TEST_ALLOW_PRIVATE",
    "allowed": "LINKWRIGHT_TEST_ALLOWED_NETWORKS",
}
_POLICY = CONNECTION_TEST_POLICY_VARIABLES
CONNECTION_TEST_ALLOW_LOOPBACK = os.environ.get(_POLICY["allow_loopback"], "") == "1"
CONNECTION_TEST_ALLOW_PRIVATE = os.environ.get(_POLICY["allow_private"], "1") == "1"
CONNECTION_TEST_ALLOWED_NETWORKS = _env_list(_POLICY["allowed"])
CONNECTION_TEST_DENIED_NETWORKS = _env_list("LINKWRIGHT_TEST_DENIED_NETWORKS")
# How long a web request may wait for a verdict (``?wait=true``) before answering 202 with
# the test to poll, and how many requests of one process may wait at once (the others answer
# 202 at once), so that waiting never holds every web thread. Keep both well under the web
# server's worker timeout and thread count.
CONNECTION_TEST_WAIT_SECONDS = float(os.environ.get("LINKWRIGHT_TEST_WAIT_SECONDS", "10"))
CONNECTION_TEST_MAX_WAITING = int(os.environ.get("LINKWRIGHT_TEST_MAX_WAITING", "4"))
# A test still queued or running this many seconds after it was started was interrupted (its
# process died). Unset: the longest a test can take -- its deadline once for each place in
# the queue, ceil(MAX_PENDING / WORKERS) -- plus a minute.
CONNECTION_TEST_INTERRUPTED_AFTER = (
    float(os.environ["LINKWRIGHT_TEST_INTERRUPTED_AFTER"])
    if os.environ.get("LINKWRIGHT_TEST_INTERRUPTED_AFTER")
    else None
)

# Sign-in throttling (portal.sign_in_throttle): failures within the cool-off lock an account
# (from any address) or an address (whatever the user names) until they are that old.
SIGN_IN_MAX_FAILURES_PER_ACCOUNT = int(os.environ.get("LINKWRIGHT_SIGN_IN_MAX_FAILURES", "5"))
SIGN_IN_MAX_FAILURES_PER_ADDRESS = int(
    os.environ.get("LINKWRIGHT_SIGN_IN_MAX_FAILURES_PER_ADDRESS", "20")
)
SIGN_IN_COOL_OFF_SECONDS = int(os.environ.get("LINKWRIGHT_SIGN_IN_COOL_OFF", "900"))

# --- the task queue (Celery with Redis) --------------------------------------------------
# Bulk connection tests ("Test all linked services in E") run on Celery workers, which may
# run on several machines. Without LINKWRIGHT_REDIS_URL (tests, a portal without a broker)
# each task runs in-process, in the request that queues it.
CELERY_BROKER_URL = os.environ.get("LINKWRIGHT_REDIS_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
QUEUE_VISIBILITY_TIMEOUT = float(os.environ.get("LINKWRIGHT_QUEUE_VISIBILITY_TIMEOUT", "0") or 0)
"""Seconds after which a task taken by a worker that died is given to another (0: the
time past which an unfinished test is read as interrupted)."""

# --- notifications of a periodic re-test -------------------------------------------------
# `manage.py test_all --factory F --environment E --notify` (run from cron) tells when a
# linked service's verdict in E differs from its last one there: a JSON POST to the webhook
# (through the connection tests' network policy) and/or an email through Django's mail
# backend (SMTP at LINKWRIGHT_EMAIL_HOST:LINKWRIGHT_EMAIL_PORT).
NOTIFY_WEBHOOK_URL = os.environ.get("LINKWRIGHT_NOTIFY_WEBHOOK", "")
NOTIFY_EMAILS = [
    address.strip()
    for address in os.environ.get("LINKWRIGHT_NOTIFY_EMAIL", "").split(",")
    if address.strip()
]
EMAIL_HOST = os.environ.get("LINKWRIGHT_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("LINKWRIGHT_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("LINKWRIGHT_EMAIL_FROM", "linkwright@localhost")
