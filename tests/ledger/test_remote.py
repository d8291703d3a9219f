"""`civiclab ledger verify --url` against a running server, honest and tampered."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from civiclab.ledger.keys import verifier_key
from civiclab.ledger.remote import RemoteError, verify_remote
from civiclab.ledger.services import checkpoint_issue

from .conftest import append


@pytest.fixture
def served_ledger(transactional_db, live_server, settings):
    settings.LEDGER_CHECKPOINT_ON_COMMIT = False
    append(3)
    checkpoint_issue()
    append(130)  # more than one page of the API
    checkpoint_issue()
    append(2)
    checkpoint_issue()
    return live_server.url


def test_an_honest_server_verifies(served_ledger):
    result = verify_remote(served_ledger, key=verifier_key())
    assert result.ok, result.problems
    assert (result.entries, result.checkpoints, result.consistency_proofs) == (135, 3, 2)


def test_the_command_audits_a_url(served_ledger, capsys):
    call_command("ledger", "verify", "--url", served_ledger)
    assert "OK. Entries: 135" in capsys.readouterr().out


def test_a_tampered_server_fails_naming_the_entry(served_ledger, capsys):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_entry SET payload = %s WHERE seq = 101", ['{"n":0}'])
    result = verify_remote(served_ledger)
    assert result.first_bad_seq == 101
    with pytest.raises(CommandError, match="The first bad entry is 101") as raised:
        call_command("ledger", "verify", "--url", served_ledger)
    assert raised.value.returncode == 1


def test_a_deleted_entry_on_the_server_is_named(served_ledger):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_entry WHERE seq = 40")
    assert verify_remote(served_ledger).first_bad_seq == 40


def test_a_server_with_another_key_fails_against_a_pinned_key(served_ledger):
    pinned = "civiclab.example/ledger+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    with pytest.raises(CommandError) as raised:
        call_command("ledger", "verify", "--url", served_ledger, "--key", pinned)
    assert raised.value.returncode in (1, 2)


@pytest.mark.parametrize(
    "url",
    ["not a url", "ftp://example.org", "http://127.0.0.1:9", "http://[::1"],
)
def test_unusable_addresses_get_a_clear_message(url):
    with pytest.raises(RemoteError):
        verify_remote(url, timeout=2)
    with pytest.raises(CommandError) as raised:
        call_command("ledger", "verify", "--url", url, "--timeout", "2")
    assert raised.value.returncode == 2


def test_a_server_that_is_not_civiclab(live_server):
    with pytest.raises(CommandError, match="answered 404") as raised:
        call_command("ledger", "verify", "--url", live_server.url + "/nothing-here")
    assert raised.value.returncode == 2
