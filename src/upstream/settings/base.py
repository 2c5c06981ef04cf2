"""Settings shared by every Upstream instance.

Upstream needs no configuration to run: SQLite in WAL mode under ``UPSTREAM_DATA_DIR`` (default ``var/``
in the checkout). ``DATABASE_URL`` selects PostgreSQL; a malformed one stops start-up with a clear message.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

SRC_DIR = Path(__file__).resolve().parent.parent  # src/upstream
CHECKOUT_DIR = SRC_DIR.parent.parent


def env_bool(name: str, *, default: bool = False) -> bool:
    """Returns the boolean value of an environment variable ("1", "true", "yes" are true)."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("UPSTREAM_DATA_DIR") or CHECKOUT_DIR / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
# The analytics store (Parquet, DuckDB) and the outputs of runs live beside the database, so a second
# data folder is a second, independent instance.
ANALYTICS_DIR = DATA_DIR / "analytics"
RUNS_DIR = DATA_DIR / "runs"

DEBUG = env_bool("UPSTREAM_DEBUG")
# Demo mode lets the demo logins skip the second factor; every page then says so.
DEMO_MODE = env_bool("UPSTREAM_DEMO_MODE")

_secret_file = DATA_DIR / "secret_key"
SECRET_KEY = os.environ.get("UPSTREAM_SECRET_KEY", "")
if not SECRET_KEY:
    # A fresh instance makes its own key once and keeps it in its data folder (never in the repository).
    if not _secret_file.exists():
        import secrets

        _secret_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        _secret_file.chmod(0o600)
    SECRET_KEY = _secret_file.read_text(encoding="utf-8").strip()

ALLOWED_HOSTS = [h for h in os.environ.get("UPSTREAM_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "upstream.accounts.apps.SupportAdminConfig",  # django.contrib.admin with the support-only site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # Listed so /api/docs serves Swagger UI from Ninja's bundled static files, not a CDN: no network
    # needed, and the strict CSP holds (docs/adr/0001).
    "ninja",
    "upstream.core",
    "upstream.accounts",
    "upstream.places",
    "upstream.directory",
    "upstream.people",
    "upstream.referrals",
    "upstream.records",
    "upstream.triggers",
    "upstream.problems",
    "upstream.translation",
    "upstream.gaps",
    "upstream.demo",  # `upstream demo`: runs each app's demo.py step (docs/demo.md)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "upstream.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "upstream.core.middleware.SecurityHeadersMiddleware",
    # Axes goes last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "upstream.urls"
WSGI_APPLICATION = "upstream.wsgi.application"

TEMPLATES = [
    {
        # Pages are Jinja2 with the GOV.UK Frontend macros; each package keeps its templates in jinja2/.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [SRC_DIR / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "upstream.core.jinja.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csrf",
                "django.contrib.messages.context_processors.messages",
                "upstream.core.context_processors.shell",
            ],
        },
    },
    {
        # Django's own templates, for the admin (support staff only).
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_from_environment() -> dict[str, object]:
    """Returns the default database: PostgreSQL from DATABASE_URL, else SQLite in WAL mode."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "upstream.sqlite3",
            "OPTIONS": {
                # WAL lets readers carry on while one writer writes; IMMEDIATE takes the write lock at the
                # start of a transaction so two writers queue instead of failing half-way.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Kept open across a thread's requests, as PostgreSQL's are below: a new SQLite connection reads
            # the whole schema again (about 5 ms of CPU for our 373 tables, indexes and triggers) and starts
            # with a cold page cache.
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except (ValueError, KeyError) as exc:
        msg = (
            f"DATABASE_URL is not a database address Upstream understands ({exc}). "
            "Use postgres://USER@HOST:PORT/NAME, or unset it to use SQLite in UPSTREAM_DATA_DIR."
        )
        raise ImproperlyConfigured(msg) from exc
    engine = str(config.get("ENGINE", ""))
    if not engine.endswith(("postgresql", "sqlite3")):
        msg = f"DATABASE_URL names an unsupported database ({engine}); Upstream runs on PostgreSQL or SQLite."
        raise ImproperlyConfigured(msg)
    if engine.endswith("postgresql") and not config.get("NAME"):
        msg = "DATABASE_URL has no database name: use postgres://USER@HOST:PORT/NAME."
        raise ImproperlyConfigured(msg)
    return dict(config)


DATABASES = {"default": database_from_environment()}
# The default cache is per process; "shared" lives in the database, so every worker sees the same counts
# (the public forms' rate limit, core/ratelimit.py). Its table is made by `upstream migrate`.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "upstream_shared_cache"},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

# NCSC password guidance: length over complexity, block common passwords, no forced expiry.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Lockout: five failures in fifteen minutes locks the username for fifteen minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "upstream.accounts.views.locked_out"
AXES_VERBOSE = False
# A lockout lasts fifteen minutes from the failure that caused it; attempts during it do not extend it, so
# an attacker cannot keep a colleague locked out for ever by retrying, and the page can say "15 minutes".
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
SILENCED_SYSTEM_CHECKS = [
    # axes.W006 asks for the IP address among the lockout parameters. We lock by username only on purpose:
    # the threat is guessing one colleague's password from many addresses, and locking by address would
    # let that attacker rotate addresses while one shared office address locks out a whole station.
    "axes.W006",
]

# Pages anyone may open. A user who has given their password but not yet their code sees these as an
# anonymous visitor and is sent to the second-factor step from every other page. Packages mark their own
# public views with upstream.accounts.middleware.public_page instead of adding to these lists.
UPSTREAM_PUBLIC_PATHS = ["/", "/accessibility/", "/privacy/", "/api/health", "/api/docs", "/api/openapi.json"]
UPSTREAM_PUBLIC_PATH_PREFIXES = ["/static/", "/language/"]

# Sessions end after 30 idle minutes: every request renews the 30-minute cookie.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "upstream_session"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_NAME = "upstream_csrftoken"
# Cookies are Secure everywhere: browsers accept Secure cookies from http://127.0.0.1 and localhost, so the
# local demo still works, and nothing can leak over plain HTTP elsewhere.
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_NAME = "upstream_language"
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A strict Content-Security-Policy: our own scripts and styles only, inline scripts by nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en", _("English")), ("cy", _("Welsh"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/London"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS: list[Path] = [SRC_DIR / "static"]  # vendor/ is built from node_modules
# Static files are served by WhiteNoise straight from the packages, so no collectstatic step is needed.
WHITENOISE_USE_FINDERS = True

# Machine translation of the directory's words (docs/translation.md): "null" (none) or "http", a self-hosted
# LibreTranslate-compatible service. Its drafts are always reviewed by a person before they are published.
TRANSLATION_PROVIDER = os.environ.get("UPSTREAM_TRANSLATION_PROVIDER", "null")
TRANSLATION_HTTP_URL = os.environ.get("UPSTREAM_TRANSLATION_HTTP_URL", "")
TRANSLATION_HTTP_API_KEY = os.environ.get("UPSTREAM_TRANSLATION_HTTP_API_KEY", "")
TRANSLATION_HTTP_TIMEOUT = float(os.environ.get("UPSTREAM_TRANSLATION_HTTP_TIMEOUT", "20"))
# Languages always offered for translation (ISO 639); staff add others on the translation pages.
TRANSLATION_LANGUAGES = ["cy"]
DIRECTORY_SOURCE_LANGUAGE = "en"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
    },
}

EMAIL_BACKEND = os.environ.get("UPSTREAM_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("UPSTREAM_FROM_EMAIL", "upstream@localhost")

OTP_TOTP_ISSUER = "Upstream"

# Nobody, support staff included, may read back a user's authenticator secret once it is set up.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("UPSTREAM_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
CSRF_FAILURE_VIEW = "upstream.core.views.csrf_failure"
