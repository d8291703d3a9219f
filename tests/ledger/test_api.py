import base64
import json

import pytest

from civiclab.ledger.keys import verifier_key
from civiclab.ledger.services import checkpoint_issue
from civiclab.methods.merkle import root_hash, verify_consistency, verify_inclusion

from .conftest import append

pytestmark = pytest.mark.django_db
API = "/api/v1/ledger"


@pytest.fixture
def entries(organisation):
    made = append(5, organisation=organisation) + append(4, kind="gate.decided")
    checkpoint_issue()
    return made


def test_entries_list_is_paginated_newest_first(client, entries, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(f"{API}/entries", {"page_size": 4})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 9
    assert body["pages"] == 3
    assert [item["seq"] for item in body["items"]] == [8, 7, 6, 5]
    assert body["next"].endswith("page=2") or "page=2" in body["next"]


def test_entries_can_be_filtered(client, entries, organisation):
    body = client.get(f"{API}/entries", {"organisation": organisation.pk, "order": "asc"}).json()
    assert [item["seq"] for item in body["items"]] == [0, 1, 2, 3, 4]
    assert body["items"][0]["organisation"] == {"id": organisation.pk, "label": organisation.name}
    body = client.get(f"{API}/entries", {"kind": "gate.decided", "from_seq": 7}).json()
    assert [item["seq"] for item in body["items"]] == [8, 7]


def test_entry_detail_carries_everything_needed_to_rehash_it(client, entries):
    item = client.get(f"{API}/entries/3").json()
    assert item["payload"] == {"n": 3, "note": "café ✓"}
    assert json.loads(item["payload_canonical"]) == item["payload"]
    assert item["leaf_hash"] == entries[3].leaf_hash
    assert item["subject"] == {"type": "tests.thing", "id": "3", "url": "/things/3/"}
    assert item["page"] == "/ledger/entries/3/"


def test_unknown_entry_is_404_in_the_error_shape(client, entries):
    response = client.get(f"{API}/entries/99")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_inclusion_proof_verifies(client, entries):
    leaves = [bytes.fromhex(e.leaf_hash) for e in entries]
    body = client.get(f"{API}/proofs/inclusion", {"seq": 6, "size": 9}).json()
    assert body["root_hash"] == root_hash(leaves).hex()
    proof = [bytes.fromhex(node) for node in body["proof"]]
    verify_inclusion(leaves[6], 6, 9, proof, root_hash(leaves))
    # Without a size, against the latest checkpoint.
    assert client.get(f"{API}/proofs/inclusion", {"seq": 6}).json()["size"] == 9


def test_consistency_proof_verifies(client, entries):
    leaves = [bytes.fromhex(e.leaf_hash) for e in entries]
    body = client.get(f"{API}/proofs/consistency", {"first": 5, "second": 9}).json()
    proof = [bytes.fromhex(node) for node in body["proof"]]
    verify_consistency(5, 9, proof, root_hash(leaves[:5]), root_hash(leaves))
    assert body["first_root_hash"] == root_hash(leaves[:5]).hex()


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/proofs/inclusion", {"seq": 9, "size": 9}, 404),
        ("/proofs/inclusion", {"seq": 0, "size": 50}, 404),
        ("/proofs/inclusion", {"seq": -1, "size": 5}, 422),
        ("/proofs/inclusion", {"seq": "x"}, 422),
        ("/proofs/consistency", {"first": 6, "second": 5}, 404),
        ("/proofs/consistency", {"first": 0, "second": 5}, 422),
        ("/proofs/consistency", {"first": 1}, 422),
        ("/entries", {"page_size": 1000}, 422),
        ("/entries", {"since": "2026-02-30"}, 422),
        ("/entries", {"order": "sideways"}, 422),
    ],
)
def test_bad_parameters_get_a_clear_error(client, entries, path, params, status):
    response = client.get(API + path, params)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["message"]
    assert error["code"] in {"not_found", "validation_error"}


def test_latest_checkpoint_and_list(client, entries):
    append(1)
    checkpoint_issue()
    latest = client.get(f"{API}/checkpoints/latest").json()
    assert latest["size"] == 10
    assert latest["origin"] == "civiclab.example/ledger"
    assert latest["note"].startswith("civiclab.example/ledger\n10\n")
    assert latest["key_id"] == verifier_key().key_id.hex()
    listed = client.get(f"{API}/checkpoints", {"order": "asc"}).json()
    assert [item["size"] for item in listed["items"]] == [9, 10]


def test_latest_checkpoint_is_404_before_the_first(client):
    assert client.get(f"{API}/checkpoints/latest").status_code == 404


def test_key_is_published(client):
    body = client.get(f"{API}/key").json()
    key = verifier_key()
    assert body["verifier_key"] == str(key)
    assert base64.b64decode(body["public_key"]) == key.public_key
    assert body["algorithm"] == "Ed25519"
    well_known = client.get("/.well-known/civiclab-ledger-key")
    assert well_known.status_code == 200
    assert well_known["Content-Type"].startswith("text/plain")
    assert well_known.content.decode().strip() == str(key)


def test_a_date_range_that_ends_before_it_starts_is_an_empty_page_not_a_refusal(client, entries):
    # The OpenAPI document cannot state that `until` comes after `since`; every pair of
    # valid dates is accepted, and a range without days holds no entries.
    response = client.get(f"{API}/entries", {"since": "2026-03-02", "until": "2026-03-01"})
    assert response.status_code == 200
    assert response.json()["items"] == []
    assert response.json()["count"] == 0


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/proofs/inclusion", {"seq": 9, "size": 9}),
        ("/proofs/consistency", {"first": 6, "second": 5}),
        ("/proofs/consistency", {"first": 5, "second": 50}),
    ],
)
def test_a_proof_that_does_not_exist_is_a_documented_404(client, entries, path, params):
    from civiclab.config.api import api

    response = client.get(API + path, params)
    assert response.status_code == 404
    assert response.json()["error"]["message"]
    assert 404 in api.get_openapi_schema()["paths"][API + path]["get"]["responses"]


def test_an_inclusion_proof_without_a_size_before_the_first_checkpoint_is_a_404(client, db):
    append(3)
    response = client.get(f"{API}/proofs/inclusion", {"seq": 0})
    assert response.status_code == 404
    assert "checkpoint" in response.json()["error"]["message"]
