import hashlib
import json

import pytest
import rfc8785
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from civiclab.ledger import selectors
from civiclab.ledger.canonical import envelope_text
from civiclab.ledger.keys import verifier_key
from civiclab.ledger.models import Checkpoint, Entry, Head
from civiclab.ledger.notes import open_checkpoint
from civiclab.ledger.services import LedgerUsageError, checkpoint_issue, ledger_append
from civiclab.methods.merkle import (
    leaf_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)

from .conftest import append


@pytest.mark.django_db
def test_append_numbers_entries_from_zero_without_gaps(organisation):
    entries = append(5, organisation=organisation)
    assert [e.seq for e in entries] == [0, 1, 2, 3, 4]
    assert list(Entry.objects.order_by("seq").values_list("seq", flat=True)) == [0, 1, 2, 3, 4]
    assert Head.objects.get().size == 5
    assert entries[0].organisation_label == organisation.name


@pytest.mark.django_db
def test_leaf_hash_covers_the_canonical_envelope():
    (entry,) = append(1, extra={"b": 1, "a": [1.5, True, None]})
    stored = Entry.objects.get(seq=0)
    envelope = json.loads(stored.envelope())
    assert envelope["seq"] == 0
    extra = {"b": 1, "a": [1.5, True, None]}
    assert envelope["payload"] == {"n": 0, "note": "café ✓", "extra": extra}
    assert stored.envelope() == rfc8785.dumps(envelope)
    expected = hashlib.sha256(b"\x00" + stored.envelope()).hexdigest()
    assert stored.leaf_hash == expected == entry.leaf_hash


@pytest.mark.django_db
def test_root_from_stored_subtrees_matches_a_full_recomputation():
    entries = append(13)
    leaves = [bytes.fromhex(e.leaf_hash) for e in entries]
    for size in range(14):
        assert selectors.root_at(size) == root_hash(leaves[:size])


@pytest.mark.django_db
def test_proofs_from_stored_subtrees_verify(django_assert_max_num_queries):
    entries = append(21)
    leaves = [bytes.fromhex(e.leaf_hash) for e in entries]
    for size in (1, 8, 13, 21):
        root = root_hash(leaves[:size])
        for seq in range(size):
            with django_assert_max_num_queries(2):
                proof = selectors.inclusion_proof_for(seq, size)
            verify_inclusion(leaves[seq], seq, size, proof, root)
    for first in range(1, 21):
        with django_assert_max_num_queries(2):
            proof = selectors.consistency_proof_for(first, 21)
        verify_consistency(first, 21, proof, root_hash(leaves[:first]), root_hash(leaves))


@pytest.mark.django_db
def test_impossible_proofs_are_refused():
    append(3)
    with pytest.raises(selectors.ProofUnavailable):
        selectors.inclusion_proof_for(3, 3)
    with pytest.raises(selectors.ProofUnavailable):
        selectors.inclusion_proof_for(0, 4)
    with pytest.raises(selectors.ProofUnavailable):
        selectors.consistency_proof_for(0, 3)
    with pytest.raises(selectors.ProofUnavailable):
        selectors.consistency_proof_for(2, 1)


@pytest.mark.django_db(transaction=True)
def test_append_outside_a_transaction_is_refused():
    with pytest.raises(LedgerUsageError):
        ledger_append(kind="ledger.test", organisation_id=None, payload={})
    assert not Entry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "Not A Kind"}, "kind"),
        ({"kind": "nodot"}, "kind"),
        ({"payload": ["not", "an", "object"]}, "payload"),
        ({"payload": {"x": float("nan")}}, "payload"),
        ({"payload": {"x": 2**60}}, "payload"),
        ({"subject_id": "x" * 65}, "subject_id"),
        ({"organisation_id": "7"}, "organisation_id"),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_written(fields, field):
    arguments = {"kind": "ledger.test", "organisation_id": None, "payload": {}, **fields}
    with pytest.raises(ValidationError) as raised, transaction.atomic():
        ledger_append(**arguments)
    assert field in raised.value.message_dict
    assert not Entry.objects.exists()


@pytest.mark.django_db
def test_ledger_is_append_only_through_the_orm():
    (entry,) = append(1)
    with pytest.raises(PermissionError):
        Entry.objects.filter(seq=0).update(kind="x.y")
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


@pytest.mark.django_db
def test_checkpoint_signs_the_current_tree_head():
    entries = append(6)
    checkpoint, created = checkpoint_issue()
    assert created
    opened = open_checkpoint(checkpoint.note, verifier_key(), origin="civiclab.example/ledger")
    assert opened.size == 6 == checkpoint.size
    assert opened.root_hash == root_hash([bytes.fromhex(e.leaf_hash) for e in entries])
    assert opened.time is not None
    again, created_again = checkpoint_issue()
    assert again == checkpoint and not created_again


@pytest.mark.django_db
def test_a_batch_registers_one_checkpoint_callback(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        append(4)
    assert len(callbacks) == 1
    assert list(Checkpoint.objects.values_list("size", flat=True)) == [4]


@pytest.mark.django_db(transaction=True)
def test_each_commit_ends_with_a_checkpoint():
    append(4)
    append(2)
    assert sorted(Checkpoint.objects.values_list("size", flat=True)) == [4, 6]


@pytest.mark.django_db(transaction=True)
def test_no_checkpoint_when_checkpoints_on_commit_are_off(settings):
    settings.LEDGER_CHECKPOINT_ON_COMMIT = False
    append(3)
    assert not Checkpoint.objects.exists()


@pytest.mark.django_db
def test_rolled_back_appends_leave_no_trace():
    append(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        ledger_append(kind="ledger.test", organisation_id=None, payload={"x": 1})
        raise RuntimeError("the decision failed")
    (entry,) = append(1)
    assert entry.seq == 2


_text = st.text(st.characters(codec="utf-8"), max_size=20)
_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=10,
)


@settings(max_examples=200)
@given(
    seq=st.integers(0, 2**40),
    kind=_text,
    organisation=st.none() | st.tuples(st.integers(0, 2**40), _text),
    subject=st.tuples(_text, _text, _text),
    payload=st.dictionaries(_text, _json, max_size=5),
    time=_text,
)
def test_fast_envelope_matches_rfc8785(seq, kind, organisation, subject, payload, time):
    org_id, label = organisation or (None, "")
    fast = envelope_text(
        seq=seq,
        kind=kind,
        organisation_id=org_id,
        organisation_label=label,
        subject_type=subject[0],
        subject_id=subject[1],
        subject_url=subject[2],
        payload=rfc8785.dumps(payload).decode(),
        time=time,
    )
    reference = {
        "seq": seq,
        "kind": kind,
        "organisation": None if org_id is None else {"id": org_id, "label": label},
        "subject": {"type": subject[0], "id": subject[1], "url": subject[2]},
        "payload": payload,
        "time": time,
    }
    assert fast.encode() == rfc8785.dumps(reference)
    assert leaf_hash(fast.encode()) == leaf_hash(rfc8785.dumps(reference))


@pytest.mark.django_db
def test_periodic_task_issues_a_checkpoint():
    from civiclab.ledger.tasks import issue_checkpoint

    append(3)
    result = issue_checkpoint.enqueue()
    assert result.return_value == 3
    assert Checkpoint.objects.get().size == 3
