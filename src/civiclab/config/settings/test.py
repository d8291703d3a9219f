"""Settings for the test suite: fast hashing, in-memory e-mail, tasks run immediately."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("CIVICLAB_DATA_DIR", tempfile.mkdtemp(prefix="civiclab-test-"))

from .base import *  # noqa: F403
from .base import DATA_DIR

SECRET_KEY = "test-only-not-secret"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Forms that send e-mail are used many times from one address; their tests set their own limits.
EMAIL_FORMS_PER_ADDRESS = EMAIL_FORMS_PER_CLIENT = SIGNUPS_PER_CLIENT = 100000
INVITATIONS_PER_PERSON = 100000
# The suite makes many API calls from one address; rate-limit tests set their own rates.
API_THROTTLE_RATES = {"anon": "100000/hour", "user": "100000/hour"}
LEDGER_SIGNING_KEY_FILE = str(Path(f"{DATA_DIR}-ledger-signer") / "ledger_signing_key")
LEDGER_SIGNING_KEY_AUTOCREATE = True  # a throwaway key per test run
# Each test process (pytest-xdist worker) has its own database, so its own signer memory too;
# tests/conftest.py clears it after every test, whose database starts empty.
LEDGER_SIGNER_STATE_FILE = str(
    Path(tempfile.mkdtemp(prefix="civiclab-signer-")) / "last-checkpoint"
)
LEDGER_VERIFY_STATE_DIR = str(Path(DATA_DIR) / "ledger-verify")
