"""Production: refuses to start without a real secret key, a mail server that delivers and a
cache shared by every process; passes `check --deploy` cleanly."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CACHES, EMAIL_CONFIG, env

# Anything in the environment is ignored: production never makes a signing key by itself.
LEDGER_SIGNING_KEY_AUTOCREATE = False
LEDGER_SIGNING_KEY_FILE = env.str("LEDGER_SIGNING_KEY_FILE", default="")
if not LEDGER_SIGNING_KEY_FILE:
    raise ImproperlyConfigured(
        "LEDGER_SIGNING_KEY_FILE must name the ledger's signing key file in production, outside "
        "the data folder (e.g. /etc/civiclab/ledger_signing_key). Create the key once with "
        "`civiclab ledger key --create` and back it up; see docs/ledger.md."
    )

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production."
    )

# Mail backends that never deliver: the console and file backends write every e-mail,
# password-reset and confirmation links included, where whoever reads the logs or the folder
# can use them to take over accounts; the others silently drop the mail.
UNDELIVERED_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": "prints every e-mail, reset links "
    "included, to the log",
    "django.core.mail.backends.filebased.EmailBackend": "writes every e-mail, reset links "
    "included, to files",
    "django.core.mail.backends.locmem.EmailBackend": "keeps e-mails in memory and never sends them",
    "django.core.mail.backends.dummy.EmailBackend": "drops every e-mail",
}
_email_backend = EMAIL_CONFIG.get("EMAIL_BACKEND", "")
if _email_backend in UNDELIVERED_EMAIL_BACKENDS:
    raise ImproperlyConfigured(
        "EMAIL_URL must name a mail server in production, e.g. "
        "smtp+tls://user:password@smtp.example:587: the "
        f"{_email_backend.rsplit('.', 2)[-2]} backend "
        f"{UNDELIVERED_EMAIL_BACKENDS[_email_backend]}."
    )

# Caches that each process keeps for itself: login throttling and rate limits count in the
# cache, so with these every gunicorn worker counts on its own (the limits multiply by the
# number of workers) and the dummy cache counts nothing at all.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache": "keeps a separate cache in each process, "
    "so every worker multiplies the login and rate limits",
    "django.core.cache.backends.dummy.DummyCache": "stores nothing, so login and rate limits "
    "never count",
}
for _alias, _cache in CACHES.items():
    if _cache.get("BACKEND") in PER_PROCESS_CACHES:
        raise ImproperlyConfigured(
            "CACHE_URL must name a cache shared by every process in production, e.g. "
            "redis://127.0.0.1:6379/1 or dbcache://civiclab_cache (then run "
            f"`civiclab createcachetable`): the {_alias!r} cache "
            f"{PER_PROCESS_CACHES[_cache['BACKEND']]}."
        )

# Trusted only because the proxy in front sets X-Forwarded-Proto on every request, replacing
# whatever the client sent, and the app is reachable through the proxy alone (deployment.md).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Multi-factor authentication is required of the people who administer the platform or an
# organisation and of those who take decisions (accounts.mfa); others may turn it on.
MFA_REQUIRED_ROLES = env.list(
    "MFA_REQUIRED_ROLES", default=["platform_admin", "admin", "decision_maker"]
)
