"""Django settings for SOMA, configured from the environment (see docs/configuration.md)."""

import importlib.util
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("SOMA_DATA_DIR", "data")).expanduser().resolve()
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
(DATA_DIR / "static").mkdir(mode=0o700, exist_ok=True)


def _secret_key() -> str:
    """The SECRET_KEY from the environment, else one generated once and kept in the data folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
    # Not "rest_framework" itself: the API answers JSON only (REST_FRAMEWORK below), so nothing needs its
    # templates, static files or template tags, and an installed app's tag library is imported by the template
    # engine and the system checks of every process: DRF's pulls in psycopg, requests, yaml and pygments, about
    # as much as django.setup() itself, for `soma check` and each worker's first page. Its translations stay
    # (LOCALE_PATHS). The framework still loads with the first API request.
    "rest_framework.authtoken",
    "drf_spectacular",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # recovery codes (soma/accounts/two_factor.py)
    "csp",
    "soma.core",
    "soma.accounts",
    "soma.catalog",
    "soma.assessments",
    "soma.evidence",
    "soma.findings",
    "soma.responses",
    "soma.reports",
    "soma.exchange",
    "soma.search",
    "soma.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "soma.core.outage.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # An htmx request or API call of an expired session: 401 instead of the sign-in page (autosave keeps the text).
    "soma.accounts.sign_in.SignedOutMiddleware",
    "soma.accounts.two_factor.TwoFactorMiddleware",
    # Last, so that it sees the outcome of the sign-in view and answers a lockout with its own page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "soma.urls"
# A form refused by the CSRF check answers SOMA's own page (what happened, nothing saved, the way back).
CSRF_FAILURE_VIEW = "soma.core.views.csrf_failure"
WSGI_APPLICATION = "soma.wsgi.application"

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
                "soma.core.context_processors.soma",
            ],
        },
    },
    {  # Jinja2 templates in an app's jinja2/ folder: the question page's answer cards (soma/responses/jinja.py)
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "soma.responses.jinja.environment"},
    },
]

_sqlite_default = f"sqlite:///{DATA_DIR / 'soma.sqlite3'}"
DATABASES = {"default": dj_database_url.config(default=_sqlite_default, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets readers work while one writer writes; IMMEDIATE transactions take the write lock up
    # front, so concurrent writers wait (up to the timeout) instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# E-mail (invitations): an SMTP server when SOMA_EMAIL_HOST is set, else written to SOMA's log (a laptop, a test
# server). SOMA_EMAIL_BACKEND names another Django e-mail backend. See docs/configuration.md, "E-mail".
EMAIL_HOST = os.environ.get("SOMA_EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get("SOMA_EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("SOMA_EMAIL_PORT", 587))
EMAIL_HOST_USER = os.environ.get("SOMA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SOMA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("SOMA_EMAIL_TLS", True) and not env_bool("SOMA_EMAIL_SSL", False)
EMAIL_USE_SSL = env_bool("SOMA_EMAIL_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("SOMA_EMAIL_TIMEOUT", 20))
DEFAULT_FROM_EMAIL = os.environ.get("SOMA_EMAIL_FROM", "SOMA <soma@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# How long an invitation's set-your-password link works (Django's password-reset token).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("SOMA_INVITATION_DAYS", 3)) * 24 * 3600

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed sign-ins lock out one username from one address (django-axes); see docs/security.md, "Sign-in".
AUTHENTICATION_BACKENDS = [
    "soma.accounts.sign_in.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("SOMA_LOGIN_FAILURES", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SOMA_LOCKOUT_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "soma.accounts.sign_in.locked_out"
AXES_CLIENT_IP_CALLABLE = "soma.accounts.sign_in.client_address"
# How many proxies in front of SOMA append to X-Forwarded-For (0: the address is the connection's own).
SOMA_PROXY_COUNT = int(os.environ.get("SOMA_PROXY_COUNT", 0))
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "SOMA"
# An administrator never sees a user's two-factor key or its QR code (they could copy the second factor);
# django-otp's admin pages that would show them answer 403.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("ar", _("Arabic"))]
# SOMA's own first; then Django REST framework's messages (the API's errors, the token model), which its app
# brought while it was installed (see INSTALLED_APPS).
_rest_framework = importlib.util.find_spec("rest_framework")  # found without importing it
if _rest_framework is None or _rest_framework.origin is None:
    raise ImportError("Django REST framework is not installed: run `pip install -e .` in SOMA's folder.")
LOCALE_PATHS = [BASE_DIR / "locale", Path(_rest_framework.origin).parent / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# One unambiguous way to write a date per language ("4 December 2026"): soma/core/formats/<language>/formats.py.
FORMAT_MODULE_PATH = ["soma.core.formats"]

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "files"
# Stored files and their folders are for SOMA's own user only, whatever the process's umask (soma.core.file_modes).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve straight from the installed packages when collectstatic has not been run (tests, first start).
WHITENOISE_USE_FINDERS = True

# User-assigned ISO 3166 codes for fictional jurisdictions used in training and demonstrations.
COUNTRIES_OVERRIDE = {"XD": _("Republic of Demoland"), "XE": _("Federal Republic of Exampleland")}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

REST_FRAMEWORK = {
    # JSON only, as docs/api.md promises for every answer under /api/ (DRF's default adds its browsable HTML API,
    # whose templates came with the "rest_framework" app; see INSTALLED_APPS).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous request is answered 401 with a WWW-Authenticate header.
        # `Authorization: Bearer KEY`, and `Token KEY` as before (soma/accounts/api_auth.py).
        "soma.accounts.api_auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # JSON for every error under /api/, also a too-large body or an id no database column holds.
    "EXCEPTION_HANDLER": "soma.api_errors.exception_handler",
    # One body type for every write, as the schema declares it (the sources endpoint adds multipart uploads).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SOMA API",
    "DESCRIPTION": "Catalog and assessment data of SOMA.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],  # the schema is for signed-in users
    # Request bodies as their own components (FindingRequest...): no read-only field a generated client must fill.
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation declares its problem answers (RFC 9457, soma/kernel/problems.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "soma.kernel.problems.declare_problems"],
    # One name per choice set, so generated clients get stable type names (and `soma check --deploy` no warning).
    "ENUM_NAME_OVERRIDES": {
        "ClassificationEnum": "soma.assessments.models.Classification",
        "FindingKindEnum": "soma.findings.models.Finding.Kind",
        "SourceKindEnum": "soma.evidence.models.Source.Kind",
        "ActivityKindEnum": "soma.assessments.models.Activity.Kind",
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("SOMA_SESSION_SECONDS", 8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SOMA_SESSION_BROWSER_CLOSE", False)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# No inline scripts or styles anywhere; the report preview adds a nonce for its own <style> (reports.views).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Behind a TLS proxy: SOMA_HTTPS=1 turns on everything Django's deployment check asks for.
if env_bool("SOMA_HTTPS", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SOMA_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # The preload directive only matters once the domain is submitted to the browsers' preload list.
    SECURE_HSTS_PRELOAD = env_bool("SOMA_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SOMA_LOG_LEVEL", "WARNING")},
}
