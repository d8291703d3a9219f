"""Witness cosigning (C2SP tlog-witness and tlog-cosignature) with a `civiclab ledger witness`
server on 127.0.0.1: honest checkpoints are cosigned, a rewritten history is not, even when
it carries a valid signature by the log's own key."""

import threading

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.db import connection

from civiclab.ledger import signer_state
from civiclab.ledger.keys import signer, verifier_key
from civiclab.ledger.models import Checkpoint, Cosignature
from civiclab.ledger.notes import Cosigner, CosignerKey, NoteError, split_note
from civiclab.ledger.services import checkpoint_cosign, checkpoint_issue
from civiclab.ledger.witness import Witness, witness_server

from .conftest import append

pytestmark = pytest.mark.django_db


@pytest.fixture
def witness(tmp_path, settings):
    """A witness of this installation's ledger, served on a free local port."""
    settings.LEDGER_CHECKPOINT_ON_COMMIT = False
    cosigner = Cosigner("witness.example/w1", Ed25519PrivateKey.generate())
    state = Witness(cosigner, [verifier_key()], tmp_path / "witness-state")
    server = witness_server(state, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.LEDGER_WITNESSES = [f"{cosigner.key} {url}"]
    yield cosigner.key
    server.shutdown()
    server.server_close()


def test_cosignature_format_round_trips_and_rejects_tampering():
    cosigner = Cosigner("witness.example/w1", Ed25519PrivateKey.generate())
    key = CosignerKey.parse(str(cosigner.key))
    assert key == cosigner.key
    assert str(key).split("+")[2].startswith("B")  # base64 of 0x04 || key
    note = "log.example\n3\n" + "A" * 43 + "=\n\n\u2014 log.example AAAAAAAA\n"
    text, _ = split_note(note)
    cosigned = note + cosigner.cosign(text, 1_700_000_000)
    assert key.cosigned_at(cosigned).timestamp() == 1_700_000_000
    assert key.cosigned_at(cosigned.replace("\n3\n", "\n4\n")) is None
    other = Cosigner("witness.example/w1", Ed25519PrivateKey.generate()).key
    assert other.cosigned_at(cosigned) is None
    with pytest.raises(NoteError):
        CosignerKey.parse(str(verifier_key()))  # a log key (type 0x01) is not a witness key


def test_honest_checkpoints_are_cosigned_one_after_another(witness):
    append(3)
    first, _ = checkpoint_issue()
    assert checkpoint_cosign(checkpoint=first) == {"witness.example/w1": "cosigned"}
    append(5)
    second, _ = checkpoint_issue()
    assert checkpoint_cosign() == {"witness.example/w1": "cosigned"}
    assert checkpoint_cosign() == {"witness.example/w1": "already cosigned"}
    for checkpoint in (first, second):
        line = Cosignature.objects.get(checkpoint=checkpoint).line
        assert witness.cosigned_at(checkpoint.note + line) is not None


def test_the_api_serves_cosigned_notes(witness, client):
    append(2)
    checkpoint, _ = checkpoint_issue()
    checkpoint_cosign()
    data = client.get("/api/v1/ledger/checkpoints/latest").json()
    assert data["note"] == checkpoint.note
    assert len(data["cosignatures"]) == 1
    assert witness.cosigned_at(data["cosigned_note"]) is not None


def test_a_witness_that_lost_track_tells_its_size_and_the_log_catches_up(witness, tmp_path):
    append(2)
    checkpoint_issue()
    checkpoint_cosign()
    Cosignature.objects.all()._raw_delete(Cosignature.objects.db)  # the log forgot
    append(3)
    checkpoint_issue()
    assert checkpoint_cosign() == {"witness.example/w1": "cosigned"}  # after a 409 with "2"


def test_witness_refuses_a_rewritten_history_even_signed_with_the_logs_key(witness):
    """Someone holding the key and the database rewrites history and signs it: the witness,
    which remembers what it cosigned, does not cosign the fork."""
    append(4)
    checkpoint_issue()
    assert checkpoint_cosign() == {"witness.example/w1": "cosigned"}
    with connection.cursor() as cursor:
        for table in ("ledger_cosignature", "ledger_checkpoint", "ledger_node", "ledger_entry"):
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute("UPDATE ledger_head SET size = 0, frontier = ''")
    signer_state.forget()
    append(6, forged=True)
    forged, _ = checkpoint_issue()

    outcome = checkpoint_cosign()
    assert outcome["witness.example/w1"].startswith("refused")
    assert not Cosignature.objects.filter(checkpoint=forged).exists()


def test_witness_http_answers_follow_the_protocol(witness, tmp_path):
    cosigner = Cosigner("w", Ed25519PrivateKey.generate())
    state = Witness(cosigner, [verifier_key()], tmp_path / "w")
    append(3)
    checkpoint, _ = checkpoint_issue()
    stranger = Cosigner("stranger.example", Ed25519PrivateKey.generate())
    assert state.add_checkpoint("old 0\n\n" + checkpoint.note).status == 200
    assert state.add_checkpoint("old 0\n\n" + checkpoint.note).status == 409  # knows size 3
    assert state.add_checkpoint("old 3\n\n" + checkpoint.note).status == 200  # same tree
    assert state.add_checkpoint("old 5\n\n" + checkpoint.note).status == 400
    assert state.add_checkpoint("nonsense").status == 400
    text = split_note(checkpoint.note)[0]
    unsigned = text + "\n" + stranger.cosign(text, 1)
    assert state.add_checkpoint("old 0\n\n" + unsigned).status == 403
    unknown = signer().sign_note("other.example/log\n1\n" + "A" * 43 + "=\n")
    assert state.add_checkpoint("old 0\n\n" + unknown).status == 404
    append(2)
    bigger, _ = checkpoint_issue()
    bad_proof = "old 3\n" + "A" * 43 + "=\n\n" + bigger.note
    assert state.add_checkpoint(bad_proof).status == 422


def test_the_witness_command_creates_its_key(tmp_path, capsys):
    call_command(
        "ledger",
        "witness",
        "--key-file",
        str(tmp_path / "w.key"),
        "--name",
        "witness.example/w9",
        "--create-key",
    )
    key = CosignerKey.parse(capsys.readouterr().out.strip())
    assert key.name == "witness.example/w9"
    assert Checkpoint.objects.count() == 0


def test_verify_url_requires_the_named_witnesses_cosignature(
    transactional_db, live_server, witness
):
    from django.core.management import CommandError

    from civiclab.ledger.remote import verify_remote

    append(3)
    checkpoint_issue()
    checkpoint_cosign()
    assert verify_remote(live_server.url, witnesses=[witness], insecure=True).ok
    call_command(
        "ledger", "verify", "--url", live_server.url, "--insecure", "--witness", str(witness)
    )

    append(2)
    checkpoint_issue()  # not (yet) cosigned
    result = verify_remote(live_server.url, witnesses=[witness], insecure=True)
    assert not result.ok
    assert "no valid cosignature by the witness witness.example/w1" in result.problems[0].message
    with pytest.raises(CommandError) as raised:
        call_command(
            "ledger", "verify", "--url", live_server.url, "--insecure", "--witness", str(witness)
        )
    assert raised.value.returncode == 1
