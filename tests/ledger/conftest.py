import pytest
from django.db import transaction

from civiclab.ledger.services import ledger_append


def append(n: int = 1, *, kind: str = "ledger.test", organisation=None, **payload):
    """Append `n` test entries in one transaction; returns them."""
    entries = []
    with transaction.atomic():
        for i in range(n):
            entries.append(
                ledger_append(
                    kind=kind,
                    organisation_id=organisation.pk if organisation else None,
                    organisation_label=organisation.name if organisation else "",
                    subject_type="tests.thing",
                    subject_id=str(i),
                    subject_url=f"/things/{i}/",
                    payload={"n": i, "note": "café ✓", **payload},
                )
            )
    return entries


@pytest.fixture
def ledger_key_dir(tmp_path, settings):
    settings.LEDGER_SIGNING_KEY_FILE = str(tmp_path / "ledger_signing_key")
    settings.LEDGER_SIGNER_STATE_FILE = ""  # the default: beside the key
    settings.LEDGER_ORIGIN = "civiclab.example/ledger"
    return tmp_path


@pytest.fixture(autouse=True)
def verify_state_dir(tmp_path, settings):
    """Where `verify --url` keeps trusted keys and checkpoints: per test, never the home."""
    settings.LEDGER_VERIFY_STATE_DIR = str(tmp_path / "verify-state")
    return tmp_path / "verify-state"


@pytest.fixture(autouse=True)
def _own_key(ledger_key_dir):
    """Every ledger test signs with a fresh key in its own folder."""
    return ledger_key_dir


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
