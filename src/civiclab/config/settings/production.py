"""Production: refuses to start without a real secret key; passes `check --deploy` cleanly."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

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

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
