"""Gridbook settings: one file, configured by the environment only.

Every variable is documented in README.md ("Configuration"). A malformed value stops the
process with a message naming the variable (see ``server.core.env``). Nothing here reads a
file of settings or has a per-environment copy: tests, development and production differ
only by their environment.
"""

from __future__ import annotations

import zoneinfo
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from server.core.env import (
    ConfigError,
    env_bool,
    env_choice,
    env_directory,
    env_int,
    env_list,
    env_secret,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent


def _fail(error: Exception) -> None:
    raise ImproperlyConfigured(f"Gridbook configuration: {error}") from None


try:
    DEBUG = env_bool("DEBUG", False)
    DATA_DIR = env_directory("GRIDBOOK_DATA_DIR", BASE_DIR)
    PORT = env_int("PORT", 8000, minimum=1, maximum=65535)

    SECRET_KEY = env_secret("SECRET_KEY")
    if not SECRET_KEY:
        if not DEBUG:
            raise ConfigError(
                "SECRET_KEY is required (or SECRET_KEY_FILE); only DEBUG=true runs without one"
            )
        SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105
    if not DEBUG and len(SECRET_KEY) < 32:
        raise ConfigError("SECRET_KEY must be at least 32 characters long")

    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
    TRUST_PROXY = env_bool("GRIDBOOK_TRUST_PROXY", False)
    HTTPS = env_bool("GRIDBOOK_HTTPS", False)

    TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
    if TIME_ZONE not in zoneinfo.available_timezones():
        raise ConfigError(f"TIME_ZONE is not a known time zone: {TIME_ZONE!r}")
    LANGUAGE_CODE = env_choice("GRIDBOOK_LANGUAGE", "zh-hans", ("zh-hans", "en"))

    DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'gridbook.sqlite3'}")
    DB_CONN_MAX_AGE = env_int("DB_CONN_MAX_AGE", 60, minimum=0)

    S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL")
    S3_REGION = env_str("S3_REGION", "us-east-1")
    S3_ACCESS_KEY_ID = env_secret("S3_ACCESS_KEY_ID")
    S3_SECRET_ACCESS_KEY = env_secret("S3_SECRET_ACCESS_KEY")
    S3_MEDIA_BUCKET = env_str("S3_MEDIA_BUCKET")
    S3_EXPORTS_BUCKET = env_str("S3_EXPORTS_BUCKET") or S3_MEDIA_BUCKET
    S3_MEDIA_PREFIX = env_str("S3_MEDIA_PREFIX", "media").strip("/")
    S3_EXPORTS_PREFIX = env_str("S3_EXPORTS_PREFIX", "exports").strip("/")
    S3_ADDRESSING_STYLE = env_choice("S3_ADDRESSING_STYLE", "auto", ("auto", "path", "virtual"))
    S3_URL_EXPIRY_SECONDS = env_int("S3_URL_EXPIRY_SECONDS", 300, minimum=10, maximum=604800)
    if S3_ENDPOINT_URL and not S3_MEDIA_BUCKET:
        raise ConfigError("S3_ENDPOINT_URL is set but S3_MEDIA_BUCKET is not")
    if (
        S3_MEDIA_BUCKET
        and S3_MEDIA_PREFIX == S3_EXPORTS_PREFIX
        and (S3_EXPORTS_BUCKET == S3_MEDIA_BUCKET)
    ):
        raise ConfigError("S3_MEDIA_PREFIX and S3_EXPORTS_PREFIX must differ in one bucket")

    GRIDBOOK_DIGEST_REALM = env_str("GRIDBOOK_DIGEST_REALM", "gridbook")
    GRIDBOOK_SITE_NAME = env_str("GRIDBOOK_SITE_NAME", "网格台账")
    GRIDBOOK_PUBLIC_URL = env_str("GRIDBOOK_PUBLIC_URL").rstrip("/")
    if GRIDBOOK_PUBLIC_URL and not GRIDBOOK_PUBLIC_URL.startswith(("http://", "https://")):
        raise ConfigError("GRIDBOOK_PUBLIC_URL must start with http:// or https://")
    GRIDBOOK_SUBMISSION_MAX_BYTES = env_int(
        "GRIDBOOK_SUBMISSION_MAX_BYTES", 100_000_000, minimum=1_000_000, maximum=2_000_000_000
    )
    TASKS_BACKEND = env_choice("GRIDBOOK_TASKS", "database", ("database", "immediate"))
    GRIDBOOK_TASK_STALE_MINUTES = env_int("GRIDBOOK_TASK_STALE_MINUTES", 60, minimum=1)
    # Retention (manage.py prune): audit events at least six months (Cybersecurity Law art. 21).
    GRIDBOOK_AUDIT_RETENTION_DAYS = env_int("GRIDBOOK_AUDIT_RETENTION_DAYS", 365, minimum=180)
    GRIDBOOK_PHOTO_RETENTION_DAYS = env_int("GRIDBOOK_PHOTO_RETENTION_DAYS", 0, minimum=0)
    LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))

    # Forms (server/xforms): ODK Validate policy and upload limits.
    GRIDBOOK_ODK_VALIDATE = env_choice("GRIDBOOK_ODK_VALIDATE", "auto", ("auto", "required", "off"))
    GRIDBOOK_FORM_MAX_MB = env_int("GRIDBOOK_FORM_MAX_MB", 10, minimum=1, maximum=200)
    GRIDBOOK_FORM_INLINE_MAX_KB = env_int("GRIDBOOK_FORM_INLINE_MAX_KB", 64, minimum=0)
    GRIDBOOK_FORM_MEDIA_MAX_MB = env_int("GRIDBOOK_FORM_MEDIA_MAX_MB", 100, minimum=1)

    # Exports (server/exports): how long files are kept, links live, jobs may stall.
    GRIDBOOK_EXPORT_RETENTION_HOURS = env_int(
        "GRIDBOOK_EXPORT_RETENTION_HOURS", 72, minimum=1, maximum=24 * 90
    )
    GRIDBOOK_EXPORT_LINK_SECONDS = env_int(
        "GRIDBOOK_EXPORT_LINK_SECONDS", 300, minimum=10, maximum=86400
    )
    GRIDBOOK_EXPORT_MAX_ACTIVE = env_int("GRIDBOOK_EXPORT_MAX_ACTIVE", 3, minimum=1, maximum=50)
    GRIDBOOK_EXPORT_STALE_SECONDS = env_int(
        "GRIDBOOK_EXPORT_STALE_SECONDS", 300, minimum=30, maximum=86400
    )
    GRIDBOOK_EXPORT_MAX_ATTEMPTS = env_int("GRIDBOOK_EXPORT_MAX_ATTEMPTS", 2, minimum=1, maximum=10)

    # Records (server/records): which register changes from the phone wait for a manager's
    # approval (the others apply at once), and the due days of urgent / soon / normal needs.
    RECORDS_REGISTER_APPROVAL = env_list(
        "RECORDS_REGISTER_APPROVAL", ["new_household", "flags", "status"]
    )
    _unknown_kinds = set(RECORDS_REGISTER_APPROVAL) - {
        "new_household",
        "flags",
        "details",
        "status",
    }
    if _unknown_kinds:
        raise ConfigError(
            "RECORDS_REGISTER_APPROVAL lists only new_household, flags, details, status; "
            f"not {sorted(_unknown_kinds)}"
        )
    _due = env_list("RECORDS_NEED_DUE_DAYS", ["1", "7", "15"])
    if len(_due) != 3 or not all(item.isdigit() and int(item) > 0 for item in _due):
        raise ConfigError(
            f"RECORDS_NEED_DUE_DAYS must be three whole days, e.g. 1,7,15; not {_due}"
        )
    RECORDS_NEED_DUE_DAYS = dict(zip(("urgent", "soon", "normal"), map(int, _due), strict=True))
except ConfigError as config_error:
    _fail(config_error)


# --- Applications -------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "server.core",
    "server.accounts",
    "server.grids",
    "server.xforms",
    "server.submissions",
    "server.records",
    "server.exports",
    "server.openrosa",
    "server.api",
    "server.web",
]

MIDDLEWARE = [
    "server.openrosa.middleware.MergeSlashesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "server.urls"
WSGI_APPLICATION = "server.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "server.web.navigation.navigation",
            ],
        },
    },
]


# --- Database ---------------------------------------------------------------------------


def _database(url: str) -> dict[str, Any]:
    try:
        config = dj_database_url.parse(url, conn_max_age=DB_CONN_MAX_AGE, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"Gridbook configuration: DATABASE_URL: {error}") from None
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue (busy_timeout) instead of failing on lock upgrade.
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    elif engine != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "Gridbook configuration: DATABASE_URL must be sqlite:// or postgres://"
        )
    return dict(config)


DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every process and app server: the database (table made by the
# accounts migrations). It holds short-lived counters such as failed Collect sign-ins.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "gridbook_cache",
        "TIMEOUT": 900,
        "OPTIONS": {"MAX_ENTRIES": 50_000, "CULL_FREQUENCY": 4},
    }
}


# --- Files: media (photos, form files) and exports ------------------------------------------

MEDIA_ROOT = DATA_DIR / "media"
EXPORTS_ROOT = DATA_DIR / "exports"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_URL = "static/"
MEDIA_URL = "/media-not-served-directly/"  # every file goes through a permission check


def _s3_storage(bucket: str, prefix: str) -> dict:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": prefix,
            "endpoint_url": S3_ENDPOINT_URL or None,
            "region_name": S3_REGION,
            "access_key": S3_ACCESS_KEY_ID or None,
            "secret_key": S3_SECRET_ACCESS_KEY or None,
            "addressing_style": S3_ADDRESSING_STYLE,
            "signature_version": "s3v4",
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": S3_URL_EXPIRY_SECONDS,
        },
    }


def _local_storage(root: Path) -> dict:
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root), "base_url": None},
    }


STORAGE_IS_S3 = bool(S3_MEDIA_BUCKET)
STORAGES = {
    "default": _s3_storage(S3_MEDIA_BUCKET, S3_MEDIA_PREFIX)
    if STORAGE_IS_S3
    else _local_storage(MEDIA_ROOT),
    "exports": _s3_storage(S3_EXPORTS_BUCKET, S3_EXPORTS_PREFIX)
    if STORAGE_IS_S3
    else _local_storage(EXPORTS_ROOT),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploads above this size are spooled to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# ODK Collect sends up to 100 attachments plus the submission XML in one POST.
DATA_UPLOAD_MAX_NUMBER_FILES = 200
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750


# --- Background work (Django's tasks API) ------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TASKS_BACKEND == "immediate"
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}


# --- The JSON API (server/api, /api/v1/) --------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous request gets 401 with a "Token" challenge.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "server.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "server.api.exceptions.exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gridbook API",
    "DESCRIPTION": ("Forms, versions, media, register lists and submissions of a Gridbook server."),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its viewers for signed-in people only: a district's server does not
    # advertise its API to the internet (tests/reliability/access.py).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",  # served from this server: no CDN needed
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "FormKindEnum": "server.xforms.models.FormKind",
        "ManifestFileKindEnum": ["media", "register_list"],
        "ReviewStateEnum": "server.submissions.models.ReviewState",
        "FormStateEnum": "server.xforms.models.FormState",
        "NeedStatusEnum": "server.records.choices.NeedStatus",
        "RegisterChangeStateEnum": "server.records.choices.ChangeState",
    },
}


# --- Language and time -------------------------------------------------------------------

LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Translations live beside the code they translate: server/<app>/locale/.
LOCALE_PATHS: list[Path] = []
USE_I18N = True
USE_TZ = True


# --- Security ----------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 3600
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if TRUST_PROXY:
    # Only behind a proxy that sets these headers itself (nginx, a cloud load balancer).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False


# --- Logging -----------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "botocore": {"level": "WARNING"},
        "s3transfer": {"level": "WARNING"},
    },
}
