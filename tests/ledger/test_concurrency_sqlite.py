"""Concurrent writers on one SQLite file (separate processes) get gap-free numbers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

SINGLE_WRITERS = 6  # processes appending one entry each
BATCH_WRITERS = 3  # processes appending a batch of four in one transaction


def _civiclab(data_dir: Path, *args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "civiclab.config.settings.dev",
        "CIVICLAB_DATA_DIR": str(data_dir),
        "LOG_LEVEL": "WARNING",
        "DEBUG": "0",
    }
    env.pop("DATABASE_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "civiclab.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _run(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    process = _civiclab(data_dir, *args)
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def test_processes_appending_at_once_get_gap_free_numbers(tmp_path):
    assert _run(tmp_path, "migrate", "-v0").returncode == 0
    writers = [
        _civiclab(tmp_path, "ledger", "append-test", "--count", "1") for _ in range(SINGLE_WRITERS)
    ]
    writers += [
        _civiclab(tmp_path, "ledger", "append-test", "--count", "4") for _ in range(BATCH_WRITERS)
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    total = SINGLE_WRITERS + 4 * BATCH_WRITERS
    verified = _run(tmp_path, "ledger", "verify")
    assert verified.returncode == 0, verified.stderr
    assert f"OK. Entries: {total};" in verified.stdout


@pytest.fixture(autouse=True)
def _own_key():
    """This test's processes use their own data folder and key."""
