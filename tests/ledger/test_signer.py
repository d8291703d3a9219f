"""The signer keeps its last signed checkpoint outside the database and signs only extensions.

The attacker here can write anything to the database (entries, subtree hashes, head,
checkpoints) but cannot read or write the files beside the signing key.
"""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from civiclab.ledger import signer_state
from civiclab.ledger.keys import verifier_key
from civiclab.ledger.models import Checkpoint, Entry
from civiclab.ledger.services import CheckpointRefused, checkpoint_issue, ledger_append
from civiclab.ledger.verify import verify_local
from civiclab.methods.merkle import TreeFrontier, leaf_hash, node_key

from .conftest import append

pytestmark = pytest.mark.django_db


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def signed_ledger(settings):
    """Five entries with signed checkpoints at 3 and 5."""
    settings.LEDGER_CHECKPOINT_ON_COMMIT = False
    append(3)
    checkpoint_issue()
    append(2, batch=2)
    checkpoint_issue()
    return settings


def _rewrite_history(size: int) -> None:
    """What an attacker with database access does: wipe the ledger's tables and the
    checkpoints, then write `size` forged entries with every hash honestly recomputed."""
    _sql("DELETE FROM ledger_checkpoint")
    _sql("DELETE FROM ledger_node")
    _sql("DELETE FROM ledger_entry")
    _sql("UPDATE ledger_head SET size = 0, frontier = ''")
    with transaction.atomic():
        for number in range(size):
            ledger_append(
                kind="pb.result",
                organisation_id=None,
                payload={"winner": "forged", "n": number},
            )


@pytest.mark.parametrize("size", [2, 5, 8], ids=["shorter", "same-size", "longer"])
def test_database_attacker_rewriting_history_cannot_get_forged_head_signed(signed_ledger, size):
    _rewrite_history(size)
    assert verify_local().ok  # the database alone no longer shows the rewrite

    with pytest.raises(CheckpointRefused, match="Refusing to sign"):
        checkpoint_issue()
    assert not Checkpoint.objects.exclude(note__contains="forged").filter(size=size).exists()
    assert Checkpoint.objects.count() == 0


def test_database_attacker_rewriting_one_old_entry_cannot_get_a_longer_head_signed(
    signed_ledger,
):
    _sql("UPDATE ledger_entry SET payload = %s WHERE seq = 1", ['{"n":1,"note":"rewritten"}'])
    entries = list(Entry.objects.order_by("seq"))
    frontier = TreeFrontier()
    _sql("DELETE FROM ledger_node")
    for entry in entries:
        leaf = leaf_hash(entry.envelope())
        _sql("UPDATE ledger_entry SET leaf_hash = %s WHERE seq = %s", [leaf.hex(), entry.seq])
        for level, index, digest in frontier.append(leaf):
            _sql(
                "INSERT INTO ledger_node (key, hash) VALUES (%s, %s)",
                [node_key(level, index), digest.hex()],
            )
    _sql(
        "UPDATE ledger_head SET size = %s, frontier = %s",
        [frontier.size, frontier.to_bytes().hex()],
    )
    _sql("DELETE FROM ledger_checkpoint")
    append(1)  # the next honest append builds on the forged tree

    with pytest.raises(CheckpointRefused, match="not a consistent extension"):
        checkpoint_issue()
    assert not Checkpoint.objects.exists()


def test_the_refusal_is_reported_by_the_command(signed_ledger):
    _rewrite_history(7)
    with pytest.raises(CommandError, match="Refusing to sign") as raised:
        call_command("ledger", "checkpoint")
    assert raised.value.returncode == 1


def test_after_commit_checkpoints_are_refused_too_and_logged(
    signed_ledger, caplog, django_capture_on_commit_callbacks
):
    _rewrite_history(6)
    signed_ledger.LEDGER_CHECKPOINT_ON_COMMIT = True
    with caplog.at_level("ERROR"), django_capture_on_commit_callbacks(execute=True):
        append(1)  # appends still work; only signing stops
    assert Entry.objects.count() == 7
    assert not Checkpoint.objects.exists()
    assert "Refusing to sign" in caplog.text


def test_honest_growth_is_signed_and_remembered_beside_the_key(signed_ledger, ledger_key_dir):
    append(4)
    checkpoint, created = checkpoint_issue()
    assert created and checkpoint.size == 9
    assert signer_state.load(verifier_key())[0] == checkpoint.note
    written = [path for path in signer_state.slots() if path.exists()]
    assert {path.parent for path in written} == {ledger_key_dir}
    assert checkpoint.note in {path.read_text() for path in written}
    assert all(path.stat().st_mode & 0o777 == 0o600 for path in written)
    assert checkpoint_issue() == (checkpoint, False)


def test_a_deleted_latest_checkpoint_is_restored_from_the_signers_copy(signed_ledger):
    note = Checkpoint.objects.get(size=5).note
    _sql("DELETE FROM ledger_checkpoint WHERE size = 5")
    checkpoint, created = checkpoint_issue()
    assert not created
    assert (checkpoint.size, checkpoint.note) == (5, note)
    assert verify_local().ok


def test_a_planted_checkpoint_row_does_not_stop_the_check(signed_ledger):
    """Pretending the head is covered already must not skip the consistency check."""
    _rewrite_history(9)
    _sql(
        "INSERT INTO ledger_checkpoint (size, root_hash, note, key_id, created_at) "
        "VALUES (%s, %s, %s, %s, %s)",
        [9, "00" * 32, "planted", "00000000", "2026-01-01 00:00:00"],
    )
    with pytest.raises(CheckpointRefused):
        checkpoint_issue()


def test_a_signer_without_state_resumes_from_a_stored_checkpoint(signed_ledger):
    signer_state.forget()
    append(2)
    checkpoint, created = checkpoint_issue()
    assert created and checkpoint.size == 7
    assert signer_state.load(verifier_key())[1].size == 7


def test_a_tampered_state_file_stops_the_signer(signed_ledger):
    from django.core.exceptions import ImproperlyConfigured

    for path in signer_state.slots():
        path.write_text(path.read_text().replace("\n5\n", "\n4\n").replace("\n3\n", "\n2\n"))
    with pytest.raises(ImproperlyConfigured, match="does not verify"):
        checkpoint_issue()


def test_a_write_torn_by_a_crash_falls_back_to_the_previous_checkpoint(signed_ledger):
    """The slot being written when the machine stopped is spoiled; the other one holds the
    checkpoint signed before, which the next head must extend as well."""
    latest = max(signer_state.slots(), key=lambda path: "\n5\n" in path.read_text())
    latest.write_text(latest.read_text()[:40])
    assert signer_state.load(verifier_key())[1].size == 3
    append(1)
    checkpoint, created = checkpoint_issue()
    assert created and checkpoint.size == 6
    _rewrite_history(7)
    with pytest.raises(CheckpointRefused):
        checkpoint_issue()
