"""Django settings, read from the environment.

No variables set = the embedded demo: SQLite in WAL mode under ``var/``, the
in-memory channel layer, the database task backend and simulated telephony.
``INFOLINE_PRODUCTION=1`` demands a real secret key and allowed hosts and turns
on secure cookies, HSTS and the HTTPS redirect; ``manage.py check --deploy`` is
clean then.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from infoline.lib.env import (
    env_bool,
    env_email_url,
    env_int,
    env_list,
    env_secret,
    env_str,
)

# Lets admin and form classes be subscripted (ModelAdmin[Model]) at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("INFOLINE_VAR_DIR", str(BASE_DIR / "var")))
PRODUCTION = env_bool("INFOLINE_PRODUCTION", False)
DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    """Return the configured key; the demo keeps a generated one under var/."""
    key = env_secret("SECRET_KEY")
    if PRODUCTION:
        if not key:
            raise ImproperlyConfigured(
                "INFOLINE_PRODUCTION=1 requires SECRET_KEY (or SECRET_KEY_FILE)."
            )
        if len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure"):
            raise ImproperlyConfigured(
                "SECRET_KEY is too weak: use at least 50 random characters."
            )
        return key
    if key:
        return key
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    key_file.write_text(key, encoding="utf-8")
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not env_list("ALLOWED_HOSTS"):
    raise ImproperlyConfigured(
        "INFOLINE_PRODUCTION=1 requires ALLOWED_HOSTS (comma-separated host names)."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "infoline.audit",
    "infoline.accounts",
    "infoline.clients",
    "infoline.journal",
    "infoline.notify",
    "infoline.knowledge",
    "infoline.telephony",
    "infoline.realtime",
    "infoline.workforce",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "infoline.lib.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "infoline.accounts.middleware.SessionGuardMiddleware",
    "infoline.accounts.middleware.TwoFactorRequiredMiddleware",
    "infoline.audit.middleware.AuditActorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "infoline.urls"
WSGI_APPLICATION = None
ASGI_APPLICATION = "infoline.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "infoline" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "infoline.accounts.context_processors.navigation",
            ],
        },
    },
]


def _databases() -> dict[str, Any]:
    url = env_str("DATABASE_URL")
    if url:
        try:
            config = dict(dj_database_url.parse(url, conn_max_age=60))
        except ValueError as exc:
            raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
        if config.get("ENGINE") == "django.db.backends.postgresql":
            config["CONN_HEALTH_CHECKS"] = True
        return {"default": config}
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "infoline.sqlite3",
            "OPTIONS": {
                # WAL lets readers work while one writer commits; IMMEDIATE
                # takes the write lock at BEGIN so concurrent writers wait
                # (busy timeout) instead of failing with "database is locked".
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS: dict[str, Any] = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CACHES: dict[str, Any] = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failed logins (django-axes): per user name and per
# address, so one attacker cannot lock everybody out from one address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0, minimum=0)

OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Infoline")
# Roles that must use two-factor authentication (issue 3, item 5).
INFOLINE_TWO_FACTOR_ROLES = ["administrator", "dpo"]

SESSION_COOKIE_AGE = env_int("SESSION_MAX_AGE", 12 * 3600, minimum=60)
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60, minimum=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
LANGUAGES = [
    ("en", _("English")),
    ("lt", _("Lithuanian")),
    ("et", _("Estonian")),
    ("pl", _("Polish")),
    ("da", _("Danish")),
    ("ru", _("Russian")),
]
if LANGUAGE_CODE not in {code for code, _name in LANGUAGES}:
    raise ImproperlyConfigured(
        f"LANGUAGE_CODE={LANGUAGE_CODE!r} is not one of en, lt, et, pl, da, ru."
    )
LOCALE_PATHS = [BASE_DIR / "infoline" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Vilnius")
try:
    import zoneinfo

    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"TIME_ZONE={TIME_ZONE!r} is not a known time zone."
    ) from None
USE_I18N = True
USE_TZ = True
# Country (and subdivision) whose public holidays apply by default.
INFOLINE_COUNTRY = env_str("INFOLINE_COUNTRY", "LT")
INFOLINE_PHONE_REGION = env_str("INFOLINE_PHONE_REGION", INFOLINE_COUNTRY)

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
# The embedded server serves static files itself; production puts nginx first.
INFOLINE_SERVE_STATIC = env_bool("INFOLINE_SERVE_STATIC", not PRODUCTION)
# Simulated callers and robot agents inside the web process (make demo).
INFOLINE_DEMO_TRAFFIC = env_bool("INFOLINE_DEMO_TRAFFIC", False)
# Multiplies the demo's call rate (browser tests want calls every few seconds).
INFOLINE_DEMO_TRAFFIC_SCALE = env_int("INFOLINE_DEMO_TRAFFIC_SCALE", 1, minimum=1)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

_email = env_email_url()
if _email:
    globals().update(_email)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "infoline@localhost")
# Sender adapters by channel (infoline.notify.base); the SMS gateway's address.
INFOLINE_SENDERS = {
    "email": "infoline.notify.senders.DjangoEmailSender",
    "sms": env_str("INFOLINE_SMS_SENDER", "infoline.notify.senders.FileSender"),
}
INFOLINE_SMS_URL = env_str("INFOLINE_SMS_URL")
# Persons without a contact for this many years are anonymised (gdpr_retention).
INFOLINE_RETENTION_YEARS = env_int("INFOLINE_RETENTION_YEARS", 10, minimum=1)
# Journal records and timers (issue 5): attachment size limit, extract size,
# reminder lead before a deadline (working days), message escalation (working hours).
INFOLINE_ATTACHMENT_MAX_BYTES = env_int(
    "INFOLINE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1
)
INFOLINE_EXPORT_MAX_ROWS = env_int("INFOLINE_EXPORT_MAX_ROWS", 100_000, minimum=1)
INFOLINE_DEADLINE_REMIND_DAYS = env_int("INFOLINE_DEADLINE_REMIND_DAYS", 2, minimum=0)
INFOLINE_MESSAGE_ESCALATE_HOURS = env_int(
    "INFOLINE_MESSAGE_ESCALATE_HOURS", 4, minimum=1
)
INFOLINE_SMS_TOKEN = env_secret("INFOLINE_SMS_TOKEN")

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self' ws: wss:; "
    "media-src 'self' blob:; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
