"""`civiclab ledger verify --url` against a running server, honest and tampered."""

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import connection

from civiclab.ledger import signer_state, trust
from civiclab.ledger.keys import verifier_key
from civiclab.ledger.models import Checkpoint
from civiclab.ledger.notes import Signer
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
    result = verify_remote(served_ledger, key=verifier_key(), insecure=True)
    assert result.ok, result.problems
    assert (result.entries, result.checkpoints, result.consistency_proofs) == (135, 3, 2)


def test_the_command_audits_a_url(served_ledger, capsys):
    call_command("ledger", "verify", "--url", served_ledger, "--insecure")
    assert "OK. Entries: 135" in capsys.readouterr().out


def test_a_tampered_server_fails_naming_the_entry(served_ledger, capsys):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_entry SET payload = %s WHERE seq = 101", ['{"n":0}'])
    result = verify_remote(served_ledger, insecure=True)
    assert result.first_bad_seq == 101
    with pytest.raises(CommandError, match="The first bad entry is 101") as raised:
        call_command("ledger", "verify", "--url", served_ledger, "--insecure")
    assert raised.value.returncode == 1


def test_a_deleted_entry_on_the_server_is_named(served_ledger):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_entry WHERE seq = 40")
    assert verify_remote(served_ledger, insecure=True).first_bad_seq == 40


def test_a_server_with_another_key_fails_against_a_pinned_key(served_ledger):
    pinned = "civiclab.example/ledger+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    with pytest.raises(CommandError) as raised:
        call_command("ledger", "verify", "--url", served_ledger, "--insecure", "--key", pinned)
    assert raised.value.returncode in (1, 2)


@pytest.mark.parametrize(
    "url",
    ["not a url", "ftp://example.org", "http://127.0.0.1:9", "http://[::1"],
)
def test_unusable_addresses_get_a_clear_message(url):
    with pytest.raises(RemoteError):
        verify_remote(url, timeout=2, insecure=True)
    with pytest.raises(CommandError) as raised:
        call_command("ledger", "verify", "--url", url, "--timeout", "2", "--insecure")
    assert raised.value.returncode == 2


def test_a_server_that_is_not_civiclab(live_server):
    with pytest.raises(CommandError, match="answered 404") as raised:
        call_command("ledger", "verify", "--url", live_server.url + "/nothing-here", "--insecure")
    assert raised.value.returncode == 2


# --- transport: https only, no redirects off the host ----------------------------------


def test_plain_http_is_refused_without_insecure(served_ledger):
    with pytest.raises(RemoteError, match="plain http"):
        verify_remote(served_ledger)
    with pytest.raises(CommandError, match="--insecure") as raised:
        call_command("ledger", "verify", "--url", served_ledger)
    assert raised.value.returncode == 2


def _redirecting(location: str) -> httpx.Client:
    requested = []

    def answer(request: httpx.Request) -> httpx.Response:
        requested.append(str(request.url))
        if request.url.host == "city.example":
            return httpx.Response(302, headers={"Location": location})
        return httpx.Response(200, json={"verifier_key": "x"})

    client = httpx.Client(transport=httpx.MockTransport(answer))
    client.requested = requested  # type: ignore[attr-defined]
    return client


@pytest.mark.parametrize(
    "location",
    [
        "https://evil.example/api/v1/ledger/key",
        "//evil.example/api/v1/ledger/key",
        "http://city.example/api/v1/ledger/key",  # https must not fall back to http
        "https://city.example:8443/api/v1/ledger/key",
    ],
)
def test_redirect_off_the_host_is_not_followed(location):
    client = _redirecting(location)
    with pytest.raises(RemoteError, match=r"redirects to .*off the host"):
        verify_remote("https://city.example", client=client)
    assert client.requested == ["https://city.example/api/v1/ledger/key"]


def test_redirects_within_the_host_are_followed(served_ledger):
    class Moved(httpx.BaseTransport):
        """The installation moved under /new/: every address answers with a redirect there."""

        def __init__(self) -> None:
            self.inner = httpx.HTTPTransport()

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.startswith("/new/"):
                request.url = request.url.copy_with(path=request.url.path[4:])
                return self.inner.handle_request(request)
            moved = request.url.copy_with(path="/new" + request.url.path)
            return httpx.Response(301, headers={"Location": str(moved)})

    with httpx.Client(transport=Moved()) as client:
        result = verify_remote(served_ledger, insecure=True, client=client)
    assert result.ok, result.problems


# --- pinning the key and remembering the last checkpoint ---------------------------------


def test_first_use_trusts_the_served_key_loudly_and_saves_it(served_ledger, capsys):
    call_command("ledger", "verify", "--url", served_ledger, "--insecure")
    err = capsys.readouterr().err
    assert "FIRST USE" in err and str(verifier_key()) in err
    saved = trust.load(trust.state_file(served_ledger))
    assert saved.key == verifier_key()
    assert "\n135\n" in saved.checkpoint

    call_command("ledger", "verify", "--url", served_ledger, "--insecure")
    captured = capsys.readouterr()
    assert "FIRST USE" not in captured.err
    assert "Consistent with the checkpoint of size 135 verified before" in captured.out


def test_a_saved_key_catches_a_server_that_changed_its_key(served_ledger, settings, tmp_path):
    call_command("ledger", "verify", "--url", served_ledger, "--insecure")
    settings.LEDGER_SIGNING_KEY_FILE = str(tmp_path / "other-key" / "key")
    Checkpoint.objects.all()._raw_delete(Checkpoint.objects.db)
    checkpoint_issue()
    with pytest.raises(CommandError) as raised:
        call_command("ledger", "verify", "--url", served_ledger, "--insecure")
    assert raised.value.returncode == 1


def test_a_key_given_that_differs_from_the_saved_one_is_refused(served_ledger):
    call_command("ledger", "verify", "--url", served_ledger, "--insecure")
    other = Signer("civiclab.example/ledger", Ed25519PrivateKey.generate()).verifier_key
    with pytest.raises(CommandError, match="differs from the key trusted") as raised:
        call_command("ledger", "verify", "--url", served_ledger, "--insecure", "--key", str(other))
    assert raised.value.returncode == 2


def _rewrite_and_resign(entries: int) -> None:
    """The installation itself (key in hand) replaces its history and signs it again."""
    with connection.cursor() as cursor:
        for table in ("ledger_checkpoint", "ledger_node", "ledger_entry"):
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute("UPDATE ledger_head SET size = 0, frontier = ''")
    signer_state.forget()
    append(entries, rewritten=True)
    checkpoint_issue()


@pytest.mark.parametrize("entries", [135, 200, 20], ids=["same-size", "longer", "cut-back"])
def test_a_history_rewritten_and_resigned_since_the_last_run_is_caught(
    served_ledger, entries, capsys
):
    call_command("ledger", "verify", "--url", served_ledger, "--insecure")
    _rewrite_and_resign(entries)
    assert verify_remote(served_ledger, insecure=True).ok  # consistent in itself

    with pytest.raises(CommandError, match="does not verify") as raised:
        call_command("ledger", "verify", "--url", served_ledger, "--insecure")
    assert raised.value.returncode == 1
    saved = trust.load(trust.state_file(served_ledger))
    assert "\n135\n" in saved.checkpoint  # a failed run does not move the saved checkpoint


def test_honest_growth_moves_the_saved_checkpoint(served_ledger, settings):
    call_command("ledger", "verify", "--url", served_ledger, "--insecure")
    append(5)
    checkpoint_issue()
    call_command("ledger", "verify", "--url", served_ledger, "--insecure")
    saved = trust.load(trust.state_file(served_ledger))
    assert "\n140\n" in saved.checkpoint
