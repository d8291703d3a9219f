"""Tampering with the ledger's rows directly in the database is caught and located."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from civiclab.ledger.canonical import envelope_bytes, envelope_time
from civiclab.ledger.models import Checkpoint, Entry
from civiclab.ledger.services import checkpoint_issue
from civiclab.ledger.verify import verify_local
from civiclab.methods.merkle import TreeFrontier, leaf_hash, node_key

from .conftest import append

pytestmark = pytest.mark.django_db

COLUMNS = (
    "kind, organisation_id, organisation_label, subject_type, subject_id, subject_url, "
    "payload, leaf_hash, created_at"
)


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def ledger(organisation):
    """Ten entries with checkpoints at 4 and 10."""
    append(4, organisation=organisation)
    checkpoint_issue()
    append(6, organisation=organisation, batch=2)
    checkpoint_issue()
    assert verify_local().ok


def _rebuild_derived_hashes() -> None:
    """What a careful forger would do: recompute every leaf, subtree and the head."""
    frontier = TreeFrontier()
    _sql("DELETE FROM ledger_node")
    for entry in Entry.objects.order_by("seq"):
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


def test_an_honest_ledger_verifies(ledger):
    result = verify_local()
    assert result.ok
    assert (result.entries, result.checkpoints, result.consistency_proofs) == (10, 2, 1)


def test_edited_payload_is_named(ledger):
    _sql("UPDATE ledger_entry SET payload = %s WHERE seq = 6", ['{"n":6,"note":"rewritten"}'])
    result = verify_local()
    assert not result.ok
    assert result.first_bad_seq == 6
    assert "Entry 6 was changed" in result.problems[0].message


def test_edited_kind_with_recomputed_leaf_hash_is_still_caught(ledger):
    entry = Entry.objects.get(seq=2)
    entry.kind = "gate.decided"
    _sql(
        "UPDATE ledger_entry SET kind = %s, leaf_hash = %s WHERE seq = 2",
        ["gate.decided", leaf_hash(entry.envelope()).hex()],
    )
    result = verify_local()
    assert result.first_bad_seq == 2
    assert "subtree table" in result.problems[0].message


def test_deleted_row_is_named(ledger):
    _sql("DELETE FROM ledger_entry WHERE seq = 5")
    result = verify_local()
    assert result.first_bad_seq == 5
    assert "Entry 5 is missing" in result.problems[0].message


def test_deleted_last_rows_are_named(ledger):
    _sql("DELETE FROM ledger_entry WHERE seq >= 8")
    result = verify_local()
    assert result.first_bad_seq == 8
    assert any("were deleted" in p.message for p in result.problems)


def test_inserted_row_is_named(ledger):
    # Make room at 3 and slip in an entry with an honestly computed leaf hash.
    for seq in range(9, 2, -1):
        _sql("UPDATE ledger_entry SET seq = %s WHERE seq = %s", [seq + 1, seq])
    fields = {
        "seq": 3,
        "kind": "pb.result",
        "organisation_id": None,
        "organisation_label": "",
        "subject_type": "",
        "subject_id": "",
        "subject_url": "",
        "payload": '{"winner":"forged"}',
    }
    now = Entry.objects.get(seq=0).created_at
    leaf = leaf_hash(envelope_bytes(**fields, time=envelope_time(now))).hex()
    _sql(
        f"INSERT INTO ledger_entry (seq, {COLUMNS}) VALUES ({', '.join(['%s'] * 10)})",
        [3, "pb.result", None, "", "", "", "", '{"winner":"forged"}', leaf, now],
    )
    result = verify_local()
    assert result.first_bad_seq == 3


def test_swapped_rows_are_named(ledger):
    first, second = (Entry.objects.get(seq=s) for s in (2, 7))
    for target, source in ((first, second), (second, first)):
        _sql(
            "UPDATE ledger_entry SET kind = %s, subject_id = %s, payload = %s, leaf_hash = %s "
            "WHERE seq = %s",
            [source.kind, source.subject_id, source.payload, source.leaf_hash, target.seq],
        )
    result = verify_local()
    assert result.first_bad_seq == 2


def test_reordered_rows_are_named(ledger):
    _sql("UPDATE ledger_entry SET seq = -1 WHERE seq = 4")
    _sql("UPDATE ledger_entry SET seq = 4 WHERE seq = 5")
    _sql("UPDATE ledger_entry SET seq = 5 WHERE seq = -1")
    result = verify_local()
    assert result.first_bad_seq == 4


def test_a_careful_forgery_is_caught_by_the_signed_checkpoints(ledger):
    _sql("UPDATE ledger_entry SET payload = %s WHERE seq = 6", ['{"n":6,"note":"rewritten"}'])
    _rebuild_derived_hashes()
    result = verify_local()
    assert not result.ok
    first = result.first_bad
    assert (first.seq, first.upto) == (4, 9)
    assert "signed checkpoint of size 10" in first.message


def test_forged_checkpoint_is_caught(ledger):
    checkpoint = Checkpoint.objects.get(size=10)
    forged = checkpoint.note.replace("\n10\n", "\n11\n")
    _sql("UPDATE ledger_checkpoint SET note = %s WHERE id = %s", [forged, checkpoint.pk])
    result = verify_local()
    assert any("does not verify" in p.message for p in result.problems)


def test_checkpoint_columns_must_match_the_signed_note(ledger):
    _sql("UPDATE ledger_checkpoint SET root_hash = %s WHERE size = 4", ["00" * 32])
    assert any("columns differ" in p.message for p in verify_local().problems)


def test_verify_command_reports_success(ledger, capsys):
    call_command("ledger", "verify")
    assert (
        "OK. Entries: 10; signed checkpoints: 2; consistency proofs: 1" in capsys.readouterr().out
    )


def test_verify_command_names_the_first_bad_entry(ledger, capsys):
    _sql("DELETE FROM ledger_entry WHERE seq = 3")
    with pytest.raises(CommandError, match="The first bad entry is 3") as raised:
        call_command("ledger", "verify")
    assert raised.value.returncode == 1
    assert "Entry 3 is missing" in capsys.readouterr().err


def test_verify_command_with_a_pinned_key_of_someone_else(ledger):
    other = "civiclab.example/ledger+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    with pytest.raises(CommandError):
        call_command("ledger", "verify", "--key", other)
    with pytest.raises(CommandError, match="--key") as raised:
        call_command("ledger", "verify", "--key", "nonsense")
    assert raised.value.returncode == 2


def test_checkpoint_and_key_commands(capsys):
    append(2)
    call_command("ledger", "checkpoint")
    out = capsys.readouterr().out
    assert "Issued checkpoint of size 2" in out
    assert "\u2014 civiclab.example/ledger " in out
    call_command("ledger", "checkpoint")
    assert "Up to date" in capsys.readouterr().out
    call_command("ledger", "key")
    assert capsys.readouterr().out.startswith("civiclab.example/ledger+")
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("ledger", "key", "--create")


def test_append_test_command(capsys):
    call_command("ledger", "append-test", "--count", "3")
    assert Entry.objects.count() == 3
    with pytest.raises(CommandError):
        call_command("ledger", "append-test", "--count", "0")


def test_a_corrupted_subtree_hash_is_caught(ledger):
    from civiclab.methods.merkle import node_key

    _sql("UPDATE ledger_node SET hash = %s WHERE key = %s", ["ab" * 32, node_key(2, 1)])
    result = verify_local()
    assert any("level 2" in p.message for p in result.problems)


def test_a_missing_subtree_hash_is_caught(ledger):
    from civiclab.methods.merkle import node_key

    _sql("DELETE FROM ledger_node WHERE key = %s", [node_key(1, 3)])
    assert any("level 1" in p.message for p in verify_local().problems)


def test_a_wrong_head_is_caught(ledger):
    _sql("UPDATE ledger_head SET size = 9")
    assert any("ledger head" in p.message for p in verify_local().problems)
