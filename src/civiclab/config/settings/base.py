"""Settings shared by every environment; each override module imports from here.

Everything that differs between installations is read from the environment.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parents[2]
env = environ.Env()

DATA_DIR = Path(env.str("CIVICLAB_DATA_DIR", default=str(Path.cwd() / "data"))).resolve()

SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "ninja",
    "django_htmx",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "civiclab.core",
    "civiclab.ledger",
    "civiclab.accounts",
    "civiclab.organisations",
    "civiclab.discussion",
    "civiclab.challenges",
    "civiclab.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "civiclab.core.api.ApiErrorShapeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "civiclab.accounts.middleware.PrivilegedSessionMiddleware",
    # Before any view (and before the CSRF check reads the form): oversized bodies unread.
    "civiclab.core.request_limits.RequestLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "civiclab.core.http.AccessMiddleware",
    "civiclab.organisations.middleware.CurrentOrganisationMiddleware",
]

ROOT_URLCONF = "civiclab.config.urls"
WSGI_APPLICATION = "civiclab.config.wsgi.application"
ASGI_APPLICATION = "civiclab.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "civiclab.core.context_processors.site",
                "civiclab.core.context_processors.notifications",
                "civiclab.organisations.context_processors.organisations",
            ],
        },
    },
]
FORM_RENDERER = "civiclab.core.forms.CivicFormRenderer"

# Embedded default: SQLite in the local data folder. DATABASE_URL overrides it.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'civiclab.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE avoids lock-upgrade deadlocks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://civiclab")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "civiclab.accounts.backends.EmailBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Length and a bundled list of common passwords; no composition rules (NIST SP 800-63B).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Nothing loads from outside the server.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Request bodies (docs/deployment.md, "Request size"). The whole body of a request, refused
# from its Content-Length before it is read: five attachments of IDEA_ATTACHMENT_MAX_BYTES
# (10 MB) and the form around them. The proxy in front should refuse the same size.
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=51 * 1024 * 1024)
# Files in one request: an idea takes at most five (challenges.services.attachments).
DATA_UPLOAD_MAX_NUMBER_FILES = 5

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="civiclab <no-reply@localhost>")

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}


def _seconds(name: str, default: int) -> int:
    """A whole number of seconds from the environment; anything else stops with one line."""
    value = env.str(name, default=str(default)).strip()
    if not value.isdigit():
        raise ImproperlyConfigured(
            f"{name} must be a whole number of seconds (0 turns it off), not {value!r}."
        )
    return int(value)


# Periodic work that `civiclab worker` enqueues (core.scheduler, docs/deployment.md): seconds
# between runs, counted from midnight UTC; 0 turns one off. Several workers fire each run once.
SCHEDULE = {
    "ledger-checkpoint": {
        "task": "civiclab.ledger.tasks.issue_checkpoint",
        "every": _seconds("SCHEDULE_LEDGER_CHECKPOINT_SECONDS", 10 * 60),
    },
    "trending-refresh": {
        "task": "civiclab.challenges.services.trending.refresh_trending",
        "every": _seconds("SCHEDULE_TRENDING_REFRESH_SECONDS", 60 * 60),
    },
    "housekeeping": {
        "task": "civiclab.core.tasks.purge_expired",
        "every": _seconds("SCHEDULE_HOUSEKEEPING_SECONDS", 24 * 60 * 60),
    },
    # Digests tell of the day (or the ISO week) before the run, in UTC; each person gets one
    # e-mail per period however often the task runs (core.digests).
    "notification-digest-daily": {
        "task": "civiclab.core.digests.send_daily_digests",
        "every": _seconds("SCHEDULE_DAILY_DIGEST_SECONDS", 24 * 60 * 60),
    },
    "notification-digest-weekly": {
        "task": "civiclab.core.digests.send_weekly_digests",
        "every": _seconds("SCHEDULE_WEEKLY_DIGEST_SECONDS", 24 * 60 * 60),
    },
}

# JSON API rate limits per client address (anonymous) and per signed-in user.
API_THROTTLE_RATES = {
    "anon": env.str("API_THROTTLE_ANON", default="600/hour"),
    "user": env.str("API_THROTTLE_USER", default="6000/hour"),
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Public URL of this installation, used in e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
SITE_NAME = "civiclab"

# Public ledger (docs/ledger.md). The origin names the log in its signed checkpoints; empty
# means "<SITE_URL host>/ledger". The Ed25519 signing key (and, beside it, the last checkpoint
# it signed) lives outside the data folder: a copy of the data folder or of the database
# must not carry the means to sign. Only the development settings create it on first use;
# production requires LEDGER_SIGNING_KEY_FILE and a key made with `civiclab ledger key --create`.
LEDGER_ORIGIN = env.str("LEDGER_ORIGIN", default="")
LEDGER_SIGNING_KEY_FILE = env.str(
    "LEDGER_SIGNING_KEY_FILE",
    default=str(DATA_DIR.parent / f"{DATA_DIR.name}-ledger-signer" / "ledger_signing_key"),
)
LEDGER_SIGNING_KEY_AUTOCREATE = False
# Empty: `<LEDGER_SIGNING_KEY_FILE>.last-checkpoint`, beside the key (ledger.signer_state).
LEDGER_SIGNER_STATE_FILE = env.str("LEDGER_SIGNER_STATE_FILE", default="")
LEDGER_CHECKPOINT_ON_COMMIT = env.bool("LEDGER_CHECKPOINT_ON_COMMIT", default=True)
# Witnesses asked to cosign each checkpoint (https://c2sp.org/tlog-witness): comma-separated
# items `<witness vkey> <submission URL>`; see docs/ledger.md.
LEDGER_WITNESSES = env.list("LEDGER_WITNESSES", default=[])
# Where `civiclab ledger verify --url` keeps, per audited address, the key it trusts and the
# last checkpoint it verified (ledger.trust).
LEDGER_VERIFY_STATE_DIR = env.str(
    "LEDGER_VERIFY_STATE_DIR",
    default=str(
        Path(env.str("XDG_STATE_HOME", default=str(Path.home() / ".local" / "state")))
        / "civiclab"
        / "ledger-verify"
    ),
)

# Login throttling (accounts.throttle): failures counted per (account, client) and per client
# in a window; past LOGIN_ACCOUNT_FAILURES_BEFORE_DELAY failures of an account from anywhere,
# each client waits a growing delay (up to the maximum) after its own failure on it. Nothing
# ever refuses the right password from a client that has not just failed.
LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT = env.int("LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT", 5)
LOGIN_FAILURES_PER_CLIENT = env.int("LOGIN_FAILURES_PER_CLIENT", 30)
LOGIN_THROTTLE_WINDOW_SECONDS = env.int("LOGIN_THROTTLE_WINDOW_SECONDS", 15 * 60)
LOGIN_ACCOUNT_FAILURES_BEFORE_DELAY = env.int("LOGIN_ACCOUNT_FAILURES_BEFORE_DELAY", 10)
LOGIN_ACCOUNT_MAX_DELAY_SECONDS = env.int("LOGIN_ACCOUNT_MAX_DELAY_SECONDS", 15 * 60)

# Forms that send e-mail (sign-up, password reset, confirmation resend, address change,
# invitations): at most this many e-mails to one address and for one client or inviting person
# in the window, all kinds counted together; and accounts created per client (accounts.throttle).
EMAIL_FORMS_PER_ADDRESS = env.int("EMAIL_FORMS_PER_ADDRESS", default=5)
EMAIL_FORMS_PER_CLIENT = env.int("EMAIL_FORMS_PER_CLIENT", default=20)
EMAIL_FORMS_WINDOW_SECONDS = env.int("EMAIL_FORMS_WINDOW_SECONDS", default=60 * 60)
SIGNUPS_PER_CLIENT = env.int("SIGNUPS_PER_CLIENT", default=10)
INVITATIONS_PER_PERSON = env.int("INVITATIONS_PER_PERSON", default=100)

# Personal API tokens (accounts): lifetime in days when none is chosen, and the longest allowed.
API_TOKEN_DEFAULT_DAYS = env.int("API_TOKEN_DEFAULT_DAYS", default=90)
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)
# Creating an API token needs a browser session whose password was entered this many minutes
# ago at most; an older session is asked for the password again (accounts.reauth).
REAUTHENTICATION_MINUTES = env.int("REAUTHENTICATION_MINUTES", default=15)

# Multi-factor authentication (accounts.mfa): optional for everyone; people holding one of
# these roles must turn it on before anything else. Names: "platform_admin" (staff and
# superusers) and the organisation roles ("admin", "decision_maker", ...). Empty here; the
# production settings name the privileged roles.
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", default=[])
# Sessions of privileged people (a role in MFA_REQUIRED_ROLES, or a superuser) end after this
# many minutes without a request; other sessions last as long as SESSION_COOKIE_AGE.
PRIVILEGED_SESSION_IDLE_MINUTES = env.int("PRIVILEGED_SESSION_IDLE_MINUTES", default=30)
# The second step of signing in must be completed within this many minutes of the password.
MFA_LOGIN_STEP_MINUTES = env.int("MFA_LOGIN_STEP_MINUTES", default=10)
# The issuer shown in authenticator apps.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="civiclab")
# django-otp's own per-device delay would let anyone who knows the password hold back the
# right code from every client; wrong codes are throttled per client by accounts.throttle.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# Reports hide an item automatically only when they come from confirmed accounts at least this
# many days old, one per network; younger accounts' reports wait for a moderator.
TRUSTED_ACCOUNT_AGE_DAYS = env.int("TRUSTED_ACCOUNT_AGE_DAYS", default=7)

# The number of proxies in front of the app that append to X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # core.scheduler logs each run it enqueues; APScheduler's own lines would repeat it.
        "apscheduler": {"level": "WARNING"},
    },
}
