"""The production settings refuse configurations that leak reset links or void rate limits.

Each case starts `civiclab check --deploy` in a fresh process, as an operator would, since the
settings are read once per process.
"""

import os
import secrets
import subprocess
import sys

import pytest

SMTP = "smtp+tls://mailer:secret@smtp.example:587"
SHARED_CACHE = "dbcache://civiclab_cache"


def deploy_check(tmp_path, **environment: str) -> subprocess.CompletedProcess[str]:
    # Only what an operator would set: nothing of the test run (its database, the browser
    # tests' DJANGO_ALLOW_ASYNC_UNSAFE) leaks into the checked process.
    ignored = {
        "DATABASE_URL",
        "EMAIL_URL",
        "CACHE_URL",
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    env = {name: value for name, value in os.environ.items() if name not in ignored}
    env.update(
        DJANGO_SETTINGS_MODULE="civiclab.config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="innovation.city.example",
        CIVICLAB_DATA_DIR=str(tmp_path / "data"),
        LEDGER_SIGNING_KEY_FILE=str(tmp_path / "signer" / "ledger_signing_key"),
        **environment,
    )
    with_key = 'python -m civiclab.cli ledger key --create >/dev/null 2>&1; exec "$@"'
    return subprocess.run(
        [
            "sh",
            "-c",
            with_key.replace("python", sys.executable),
            "sh",
            sys.executable,
            "-m",
            "civiclab.cli",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.mark.parametrize("url", ["consolemail://", "filemail:///tmp/outbox"])
def test_production_refuses_console_email_backend(tmp_path, url):
    result = deploy_check(tmp_path, EMAIL_URL=url, CACHE_URL=SHARED_CACHE)
    assert result.returncode != 0
    assert "EMAIL_URL must name a mail server in production" in result.stderr
    assert "reset links" in result.stderr


def test_production_refuses_email_that_is_never_sent(tmp_path):
    result = deploy_check(tmp_path, EMAIL_URL="dummymail://", CACHE_URL=SHARED_CACHE)
    assert result.returncode != 0
    assert "EMAIL_URL" in result.stderr


def test_production_refuses_to_start_without_an_email_url(tmp_path):
    """The default prints e-mails to the log, which is refused like an explicit choice."""
    result = deploy_check(tmp_path, CACHE_URL=SHARED_CACHE)
    assert result.returncode != 0
    assert "EMAIL_URL must name a mail server" in result.stderr


@pytest.mark.parametrize("url", [None, "locmemcache://", "dummycache://"])
def test_production_refuses_per_process_cache(tmp_path, url):
    environment = {"EMAIL_URL": SMTP} | ({"CACHE_URL": url} if url else {})
    result = deploy_check(tmp_path, **environment)
    assert result.returncode != 0
    assert "CACHE_URL must name a cache shared by every process" in result.stderr


@pytest.mark.parametrize("cache", [SHARED_CACHE, "redis://127.0.0.1:6379/1"])
def test_production_with_mail_server_and_shared_cache_passes_the_deploy_check(tmp_path, cache):
    result = deploy_check(tmp_path, EMAIL_URL=SMTP, CACHE_URL=cache)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
