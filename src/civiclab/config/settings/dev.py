"""Local development and the demo: DEBUG on, a generated secret key kept in the data folder."""

from .base import *  # noqa: F403
from .base import DATA_DIR, env

DEBUG = env.bool("DEBUG", default=True)


def _local_secret_key() -> str:
    from django.core.management.utils import get_random_secret_key

    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(get_random_secret_key())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret_key()
# The ledger signing key is made on first use, in `<data folder>-ledger-signer/` beside the
# data folder (base.LEDGER_SIGNING_KEY_FILE); production never makes one by itself.
LEDGER_SIGNING_KEY_AUTOCREATE = env.bool("LEDGER_SIGNING_KEY_AUTOCREATE", default=True)
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
