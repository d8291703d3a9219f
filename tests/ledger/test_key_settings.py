"""Where the signing key lives and who may create it: development settings only, outside the
data folder; production refuses to start without a configured key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from civiclab.ledger.checks import check_signing_key
from civiclab.ledger.keys import generate_key_file, signer

CIVICLAB = Path(sys.executable).with_name("civiclab")


def _settings_value(data_dir: Path, module: str, expression: str, **env: str) -> str:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LEDGER_", "DJANGO_SETTINGS_MODULE", "SECRET_KEY"))
    }
    environment.update(CIVICLAB_DATA_DIR=str(data_dir), **env)
    program = f"from civiclab.config.settings import {module} as s; print({expression})"
    done = subprocess.run(
        [sys.executable, "-c", program],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def test_only_the_development_settings_create_the_key(tmp_path):
    assert _settings_value(tmp_path, "dev", "s.LEDGER_SIGNING_KEY_AUTOCREATE") == "True"
    assert _settings_value(tmp_path, "base", "s.LEDGER_SIGNING_KEY_AUTOCREATE") == "False"
    # Not even an environment variable makes production create one.
    production = _settings_value(
        tmp_path,
        "production",
        "s.LEDGER_SIGNING_KEY_AUTOCREATE",
        SECRET_KEY="x" * 30 + "abcdefghijklmnopqrstuvwxyz",
        LEDGER_SIGNING_KEY_FILE=str(tmp_path / "signer" / "key"),
        LEDGER_SIGNING_KEY_AUTOCREATE="true",
        # What production requires besides (core/test_production_settings.py).
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example:587",
        CACHE_URL="dbcache://civiclab_cache",
    )
    assert production == "False"


def test_the_default_key_lives_outside_the_data_folder(tmp_path):
    data = tmp_path / "data"
    key = Path(_settings_value(data, "dev", "s.LEDGER_SIGNING_KEY_FILE"))
    assert data.resolve() not in key.parents
    assert key.parent == tmp_path.resolve() / "data-ledger-signer"


def test_production_refuses_to_start_without_a_configured_key(tmp_path):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LEDGER_", "DATABASE_URL"))
    }
    environment.update(
        CIVICLAB_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="civiclab.config.settings.production",
        SECRET_KEY="x" * 30 + "abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="example.org",
    )
    done = subprocess.run(
        [str(CIVICLAB), "check"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "LEDGER_SIGNING_KEY_FILE must name the ledger's signing key" in done.stderr
    assert "Traceback" not in done.stderr


def test_without_autocreate_the_signer_refuses_with_a_clear_message(settings):
    settings.LEDGER_SIGNING_KEY_AUTOCREATE = False
    with pytest.raises(ImproperlyConfigured, match="civiclab ledger key --create"):
        signer()


def test_deploy_checks_warn_about_a_key_in_the_data_folder_missing_or_readable(settings, tmp_path):
    settings.LEDGER_SIGNING_KEY_AUTOCREATE = False
    settings.DATA_DIR = tmp_path / "data"
    settings.LEDGER_SIGNING_KEY_FILE = str(tmp_path / "data" / "key")
    assert {m.id for m in check_signing_key()} == {"ledger.W001", "ledger.W002"}

    outside = tmp_path / "signer" / "key"
    settings.LEDGER_SIGNING_KEY_FILE = str(outside)
    generate_key_file(outside)
    assert check_signing_key() == []
    outside.chmod(0o644)
    assert [m.id for m in check_signing_key()] == ["ledger.W003"]
