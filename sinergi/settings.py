"""Settings for Sinergi: one module, configured by environment variables.

Every variable is listed, with its meaning, in ``.env.example``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from sinergi.core.env import (
    ConfigError,
    env_bool,
    env_cache,
    env_int,
    env_list,
    env_optional_count,
    env_positive_number,
    env_str,
    env_years,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SINERGI_VAR_DIR", str(BASE_DIR / "var")))

# pytest (8.2 and later) sets PYTEST_VERSION for the whole run.
TESTING = "PYTEST_VERSION" in os.environ

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"
    else:
        raise ConfigError("SECRET_KEY must be set when DEBUG is off (see .env.example)")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# A refused form in the site's layout and language, with a way back.
CSRF_FAILURE_VIEW = "sinergi.core.error_views.csrf_failure"
# The public address (links in e-mails, certificates' QR codes made by a task). A deployment
# must name it (`check --deploy` fails without it: sinergi/core/checks.py); unset, a page's QR
# code uses the address it was served from (`make run` sets it to the address it serves).
SITE_URL = env_str("SITE_URL", "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "sinergi.core",
    "sinergi.orgs",
    "sinergi.accounts",
    "sinergi.inmates",
    "sinergi.programs",
    "sinergi.cooperation",
    "sinergi.reintegration",
    "sinergi.proposals",
    "sinergi.indicators",
    "sinergi.privacy",  # reads every app's person-level data: the highest app, last
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sinergi.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sinergi.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sinergi.core.middleware.SlidingSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Bahasa Indonesia unless the user chose otherwise (it reads the signed-in user's choice).
    "sinergi.core.middleware.SiteLanguageMiddleware",
    # After the language: the 400 page is in the reader's language.
    "sinergi.core.input_guard.RefuseNulCharactersMiddleware",
    # A statement cancelled by the web sessions' statement_timeout: a 503 page, not a 500.
    "sinergi.core.timeouts.CancelledStatementMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "sinergi.accounts.middleware.RequireMfaMiddleware",
    "sinergi.core.middleware.FacilityTimezoneMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sinergi.urls"
WSGI_APPLICATION = "sinergi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "sinergi.core.context_processors.navigation",
                "sinergi.accounts.context_processors.notifications",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sinergi.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
# The cache every process of an installation shares (CACHE_URL, Redis); without it,
# each process keeps its own (sinergi/core/env.py: env_cache).
CACHES = {"default": env_cache("CACHE_URL")}
# The web server's PostgreSQL sessions (sinergi/core/web_database.py, installed by
# sinergi.wsgi): a statement is cancelled after this many seconds (0: never), and JIT is
# off unless WEB_DATABASE_JIT is true. The task worker and commands are not limited.
WEB_STATEMENT_TIMEOUT = env_int("WEB_STATEMENT_TIMEOUT", 30)
# The most rows a person-level XLSX export builds in a web request; a longer list is
# refused with a message asking to narrow it (a file of the whole country is not a page).
EXPORT_MAX_ROWS = env_int("EXPORT_MAX_ROWS", 10000)
# The national and regional figures of the current month (quarter, year) are computed
# live and kept this many seconds in the cache (0: computed on every request).
RECENT_FIGURES_SECONDS = env_int("RECENT_FIGURES_SECONDS", 600)
WEB_DATABASE_JIT = env_bool("WEB_DATABASE_JIT", False)
# The planner's cost of reading a page at random, for the web server's sessions: 1.1 for
# SSD storage. PostgreSQL's default (4) is for spinning disks; with it, a large facility's
# home page read every sentence in the country by a hash join (505 ms) where index
# lookups take 26 ms. Empty: the server's own setting.
WEB_RANDOM_PAGE_COST = env_positive_number("WEB_RANDOM_PAGE_COST", "1.1")
# The parallel workers one statement of a web request may use (PostgreSQL's
# max_parallel_workers_per_gather). Empty: the server's own setting.
WEB_PARALLEL_WORKERS = env_optional_count("WEB_PARALLEL_WORKERS", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# Sessions end after SESSION_IDLE_MINUTES without a request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
# Moved on with use at most once a minute (core.middleware.SlidingSessionMiddleware), not
# written on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-allauth: accounts are created by administrators; nobody signs up.
ACCOUNT_ADAPTER = "sinergi.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = False if TESTING else {}
ACCOUNT_SESSION_REMEMBER = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Sinergi"
SINERGI_REQUIRE_MFA = env_bool("SINERGI_REQUIRE_MFA", default=False)
# Days a new API token works before it expires (its owner then creates a new one).
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)
if not 1 <= API_TOKEN_DAYS <= 3660:
    raise ConfigError(f"API_TOKEN_DAYS must be between 1 and 3660, not {API_TOKEN_DAYS}")

# django-axes: lock an account+address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0) or None
# allauth's sign-in rate limits count per client address: behind a proxy, the address is
# read from X-Forwarded-For (else every sign-in would come from the proxy's address).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_VERBOSE = False

# Internationalisation: Bahasa Indonesia by default, English complete.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Jakarta"
FORMAT_MODULE_PATH = ["sinergi.formats"]
LANGUAGE_COOKIE_NAME = "sinergi_language"
# The language chosen with the switch is kept on the device for a year (Django's default
# forgets it when the browser closes); a signed-in user's choice is also on their account.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
# `collectstatic` writes here and WhiteNoise serves from here (hashed, compressed copies).
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "sinergi.core.storage.ManifestStaticFilesStorage"  # hashed names, compressed
        )
    },
}
# Source maps (for browsers' developer tools) are served as they are: compressing the
# large ones of the API docs with brotli took most of collectstatic's time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"  # uploads are never served publicly; imports are read by the worker
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Background work (django-tasks). The demo and the tests run tasks immediately;
# production sets SINERGI_TASK_BACKEND=database and runs `manage.py db_worker`.
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_task_backend = env_str("SINERGI_TASK_BACKEND", "immediate")
if _task_backend not in _TASK_BACKENDS:
    raise ConfigError(f"SINERGI_TASK_BACKEND must be one of {sorted(_TASK_BACKENDS)}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_task_backend]}}

# E-mail (password reset).
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or TESTING
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Sinergi <sinergi@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Admin", a) for a in env_list("ADMINS")]

# Security. Production sets DEBUG off and runs behind TLS.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SECURE_PROXY_SSL_HEADER") else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG or TESTING else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG and not TESTING)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Content-Security-Policy (sinergi.core.middleware.SecurityHeadersMiddleware, in Django 6's
# SECURE_CSP form): scripts and styles come from our own static files only (no inline
# script, style attribute or eval; htmx is configured not to need them), images may be
# data: URIs (QR codes, the TOTP setup code), nothing may frame a page or be embedded.
SECURE_CSP: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Browser features no page uses are switched off for the page and anything it embeds.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS")

# Inmate data and public pages.
SINERGI_SMALL_COUNT_THRESHOLD = 5  # public counts from 1 to 4 are shown as "<5"
# Inmate imports: the largest file accepted, and how long a running import may go without
# progress before it is shown as interrupted (and may be retried).
SINERGI_IMPORT_MAX_MB = env_int("SINERGI_IMPORT_MAX_MB", 20)
SINERGI_IMPORT_STALE_MINUTES = env_int("SINERGI_IMPORT_STALE_MINUTES", 15)
# Retention (UU 27/2022): years after release after which `manage.py apply_retention`
# anonymises each kind of record (see sinergi/privacy/retention.py for the fields).
SINERGI_RETENTION_YEARS = env_years(
    "SINERGI_RETENTION_YEARS",
    {"identity": 10, "sentence": 10, "programs": 5, "reintegration": 5, "follow_ups": 5},
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
