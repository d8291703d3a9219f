"""Signed notes and checkpoints, checked against the example of the Go sumdb/note package."""

import base64
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured

from civiclab.ledger import keys
from civiclab.ledger.notes import (
    NoteError,
    Signer,
    VerifierKey,
    checkpoint_text,
    open_checkpoint,
    split_note,
)

# The published example key and note of golang.org/x/mod/sumdb/note.
EXAMPLE_SEED = base64.b64decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")[1:]
EXAMPLE_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
EXAMPLE_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
EXAMPLE_SIGNATURE = (
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngo"
    "tpRZb6KE6RyyBwJnAM=\n"
)


def _example_signer(name="PeterNeumann") -> Signer:
    return Signer(name, Ed25519PrivateKey.from_private_bytes(EXAMPLE_SEED))


def test_key_id_and_verifier_key_match_the_reference_example():
    assert str(_example_signer().verifier_key) == EXAMPLE_VKEY
    assert VerifierKey.parse(EXAMPLE_VKEY) == _example_signer().verifier_key


def test_signature_line_matches_the_reference_example():
    assert _example_signer().sign_note(EXAMPLE_TEXT) == EXAMPLE_TEXT + "\n" + EXAMPLE_SIGNATURE


def test_verifier_keys_whose_base64_holds_a_plus_sign_parse():
    for _ in range(50):
        verifier = Signer("example.org/ledger", Ed25519PrivateKey.generate()).verifier_key
        assert VerifierKey.parse(str(verifier)) == verifier


def test_checkpoint_round_trip_and_tampering():
    signer = _example_signer("example.org/ledger")
    root = bytes(range(32))
    note = signer.sign_note(
        checkpoint_text("example.org/ledger", 42, root, datetime(2026, 5, 4, 9, 30, tzinfo=UTC))
    )
    assert note.startswith(
        "example.org/ledger\n42\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
        "time 2026-05-04T09:30:00Z\n\n\u2014 example.org/ledger "
    )
    checkpoint = open_checkpoint(note, signer.verifier_key, origin="example.org/ledger")
    assert (checkpoint.size, checkpoint.root_hash) == (42, root)
    assert checkpoint.time == datetime(2026, 5, 4, 9, 30, tzinfo=UTC)

    with pytest.raises(NoteError, match="does not verify"):
        open_checkpoint(note.replace("\n42\n", "\n43\n"), signer.verifier_key)
    with pytest.raises(NoteError, match="origin"):
        open_checkpoint(note, signer.verifier_key, origin="other.example/ledger")
    other = Signer("example.org/ledger", Ed25519PrivateKey.generate())
    with pytest.raises(NoteError, match="not signed by"):
        open_checkpoint(note, other.verifier_key)


def test_notes_signed_by_other_keys_too_still_open():
    signer = _example_signer("example.org/ledger")
    note = signer.sign_note(checkpoint_text("example.org/ledger", 1, bytes(32), datetime.now(UTC)))
    witness = Signer("witness.example", Ed25519PrivateKey.generate())
    text, _ = split_note(note)
    cosigned = note + witness.sign_note(text).split("\n\n", 1)[1]
    assert open_checkpoint(cosigned, signer.verifier_key).size == 1


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "no blank line\n",
        "text\n\nnot a signature line\n",
        "text\n\n\u2014 name !!notbase64!!\n",
        "text\n\n\u2014 name AAAA\n",
    ],
)
def test_malformed_notes_are_refused(bad):
    with pytest.raises(NoteError):
        split_note(bad)


@pytest.mark.parametrize(
    "bad",
    [
        "no-plus-signs",
        "name+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+00000000+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+AAAA",
    ],
)
def test_malformed_verifier_keys_are_refused(bad):
    with pytest.raises(NoteError):
        VerifierKey.parse(bad)


def test_signing_key_is_created_on_first_use_readable_by_owner_only(ledger_key_dir):
    path = Path(keys.key_path())
    assert not path.exists()
    first = keys.verifier_key()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert keys.verifier_key() == first
    assert first.name == "civiclab.example/ledger"


def test_missing_key_is_an_error_when_it_may_not_be_created(settings):
    settings.LEDGER_SIGNING_KEY_AUTOCREATE = False
    with pytest.raises(ImproperlyConfigured, match="civiclab ledger key --create"):
        keys.signer()


def test_origin_defaults_to_the_site_host(settings):
    settings.LEDGER_ORIGIN = ""
    settings.SITE_URL = "https://city.example.org"
    assert keys.ledger_origin() == "city.example.org/ledger"
