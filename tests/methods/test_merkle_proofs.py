"""Proofs generated from random trees verify; any change to proof, roots, leaf or sizes fails."""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from civiclab.methods.merkle import (
    EMPTY_ROOT,
    ProofError,
    TreeFrontier,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    node_key,
    perfect_subtrees,
    range_hash,
    root_hash,
    split_key,
    verify_consistency,
    verify_inclusion,
)


def _leaves(count: int) -> list[bytes]:
    return [leaf_hash(i.to_bytes(4, "big")) for i in range(count)]


def _reference_mth(leaves: list[bytes]) -> bytes:
    """MTH straight from the RFC's recursive definition, as an independent oracle."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node_hash(_reference_mth(leaves[:k]), _reference_mth(leaves[k:]))


def _source(leaves: list[bytes]):
    return lambda start, end: _reference_mth(leaves[start:end])


def _flip(data: bytes, bit: int) -> bytes:
    bit %= len(data) * 8
    changed = bytearray(data)
    changed[bit // 8] ^= 1 << (bit % 8)
    return bytes(changed)


@st.composite
def tree_and_index(draw):
    size = draw(st.integers(min_value=1, max_value=70))
    return size, draw(st.integers(min_value=0, max_value=size - 1))


@st.composite
def two_sizes(draw):
    size2 = draw(st.integers(min_value=2, max_value=70))
    return draw(st.integers(min_value=1, max_value=size2 - 1)), size2


@given(st.integers(min_value=0, max_value=100))
def test_root_hash_matches_the_recursive_definition(size):
    leaves = _leaves(size)
    assert root_hash(leaves) == _reference_mth(leaves)


@given(tree_and_index())
def test_inclusion_proof_verifies(case):
    size, index = case
    leaves = _leaves(size)
    proof = inclusion_proof(index, size, _source(leaves))
    verify_inclusion(leaves[index], index, size, proof, root_hash(leaves))


@given(tree_and_index(), st.integers(min_value=0), st.sampled_from(["proof", "root", "leaf"]))
def test_inclusion_fails_on_any_flipped_bit(case, bit, target):
    size, index = case
    leaves = _leaves(size)
    proof = inclusion_proof(index, size, _source(leaves))
    root, leaf = root_hash(leaves), leaves[index]
    if target == "proof":
        assume(proof)
        position = bit % len(proof)
        proof[position] = _flip(proof[position], bit // len(proof))
    elif target == "root":
        root = _flip(root, bit)
    else:
        leaf = _flip(leaf, bit)
    with pytest.raises(ProofError):
        verify_inclusion(leaf, index, size, proof, root)


@given(tree_and_index(), st.integers(min_value=-3, max_value=3), st.integers(-3, 3))
def test_inclusion_fails_for_another_index_or_size(case, index_shift, size_shift):
    size, index = case
    assume(index_shift or size_shift)
    leaves = _leaves(size + 3)
    proof = inclusion_proof(index, size, _source(leaves[:size]))
    other_index, other_size = index + index_shift, size + size_shift
    assume(other_index >= 0 and other_size >= 0)
    # The verifier checks against the root of the size it was told; the proof only fits that
    # tree when it happens to be the genuine proof for the same leaf there.
    if (
        other_index == index < other_size
        and inclusion_proof(index, other_size, _source(leaves[:other_size])) == proof
    ):
        return
    with pytest.raises(ProofError):
        verify_inclusion(
            leaves[index], other_index, other_size, proof, root_hash(leaves[:other_size])
        )


@given(tree_and_index())
def test_inclusion_fails_with_a_node_added_or_removed(case):
    size, index = case
    leaves = _leaves(size)
    proof = inclusion_proof(index, size, _source(leaves))
    root = root_hash(leaves)
    with pytest.raises(ProofError):
        verify_inclusion(leaves[index], index, size, [*proof, EMPTY_ROOT], root)
    if proof:
        with pytest.raises(ProofError):
            verify_inclusion(leaves[index], index, size, proof[:-1], root)


@given(two_sizes())
def test_consistency_proof_verifies(sizes):
    size1, size2 = sizes
    leaves = _leaves(size2)
    proof = consistency_proof(size1, size2, _source(leaves))
    verify_consistency(size1, size2, proof, root_hash(leaves[:size1]), root_hash(leaves))


@given(two_sizes(), st.integers(min_value=0), st.sampled_from(["proof", "root1", "root2"]))
def test_consistency_fails_on_any_flipped_bit(sizes, bit, target):
    size1, size2 = sizes
    leaves = _leaves(size2)
    proof = consistency_proof(size1, size2, _source(leaves))
    root1, root2 = root_hash(leaves[:size1]), root_hash(leaves)
    if target == "proof":
        position = bit % len(proof)
        proof[position] = _flip(proof[position], bit // len(proof))
    elif target == "root1":
        root1 = _flip(root1, bit)
    else:
        root2 = _flip(root2, bit)
    with pytest.raises(ProofError):
        verify_consistency(size1, size2, proof, root1, root2)


@given(two_sizes(), st.integers(-3, 3), st.integers(-3, 3))
def test_consistency_fails_for_other_sizes(sizes, shift1, shift2):
    size1, size2 = sizes
    assume(shift1 or shift2)
    leaves = _leaves(size2 + 3)
    proof = consistency_proof(size1, size2, _source(leaves))
    other1, other2 = size1 + shift1, size2 + shift2
    assume(other1 >= 0 and other2 >= 0)
    if 0 < other1 <= other2 and consistency_proof(other1, other2, _source(leaves)) == proof:
        return  # the same nodes genuinely prove the other pair of sizes
    with pytest.raises(ProofError):
        verify_consistency(
            other1, other2, proof, root_hash(leaves[:other1]), root_hash(leaves[:other2])
        )


def test_consistency_edge_cases():
    leaves = _leaves(5)
    root = root_hash(leaves)
    verify_consistency(5, 5, [], root, root)
    with pytest.raises(ProofError, match="empty tree"):
        verify_consistency(0, 5, [], EMPTY_ROOT, root)
    with pytest.raises(ProofError, match="larger"):
        verify_consistency(6, 5, [], root, root)
    with pytest.raises(ProofError, match="empty consistency proof"):
        verify_consistency(5, 5, [root], root, root)
    with pytest.raises(ProofError, match="is empty"):
        verify_consistency(3, 5, [], root_hash(leaves[:3]), root)
    with pytest.raises(ProofError, match="32-byte"):
        verify_consistency(3, 5, [b"short"], root_hash(leaves[:3]), root)


def test_inclusion_rejects_malformed_input():
    leaves = _leaves(4)
    root = root_hash(leaves)
    proof = inclusion_proof(1, 4, _source(leaves))
    with pytest.raises(ProofError, match="outside"):
        verify_inclusion(leaves[1], 4, 4, proof, root)
    with pytest.raises(ProofError, match="non-negative"):
        verify_inclusion(leaves[1], -1, 4, proof, root)
    with pytest.raises(ProofError, match="32-byte"):
        verify_inclusion(leaves[1][:31], 1, 4, proof, root)
    with pytest.raises(ProofError, match="32-byte"):
        verify_inclusion(leaves[1], 1, 4, [*proof[:1], b""], root)


def test_generation_refuses_impossible_requests():
    with pytest.raises(ValueError):
        inclusion_proof(3, 3, _source(_leaves(3)))
    with pytest.raises(ValueError):
        consistency_proof(0, 3, _source(_leaves(3)))
    with pytest.raises(ValueError):
        consistency_proof(4, 3, _source(_leaves(4)))


@given(st.integers(min_value=0, max_value=200))
def test_frontier_stores_every_perfect_subtree_and_tracks_the_root(size):
    leaves = _leaves(size)
    frontier = TreeFrontier()
    stored: dict[tuple[int, int], bytes] = {}
    for leaf in leaves:
        for level, index, digest in frontier.append(leaf):
            stored[(level, index)] = digest
    assert frontier.root() == root_hash(leaves)
    for (level, index), digest in stored.items():
        assert digest == _reference_mth(leaves[index << level : (index + 1) << level])
    restored = TreeFrontier.from_bytes(size, frontier.to_bytes())
    assert restored.root() == frontier.root()


@settings(max_examples=60)
@given(st.integers(min_value=1, max_value=90), st.data())
def test_proofs_from_stored_perfect_subtrees_match(size, data):
    """The store-backed path a database uses gives the same proofs as the oracle."""
    leaves = _leaves(size)
    frontier = TreeFrontier()
    stored = {}
    for leaf in leaves:
        for level, index, digest in frontier.append(leaf):
            stored[(level, index)] = digest

    def from_store(start, end):
        return range_hash(start, end, lambda level, index: stored[(level, index)])

    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    assert inclusion_proof(index, size, from_store) == inclusion_proof(index, size, _source(leaves))
    size1 = data.draw(st.integers(min_value=1, max_value=size))
    assert consistency_proof(size1, size, from_store) == consistency_proof(
        size1, size, _source(leaves)
    )


def test_node_keys_round_trip_and_ranges_decompose():
    assert split_key(node_key(7, 12345)) == (7, 12345)
    assert perfect_subtrees(8, 15) == [(2, 2), (1, 6), (0, 14)]
    with pytest.raises(ValueError):
        perfect_subtrees(3, 7)


@given(tree_and_index())
def test_inclusion_steps_explain_the_path_to_the_root(case):
    from civiclab.methods.merkle import inclusion_steps

    size, index = case
    leaves = _leaves(size)
    proof = inclusion_proof(index, size, _source(leaves))
    steps = inclusion_steps(leaves[index], index, size, proof)
    assert [sibling for _, sibling, _ in steps] == proof
    assert (steps[-1][2] if steps else leaves[index]) == root_hash(leaves)
    running = leaves[index]
    for side, sibling, result in steps:
        expected = node_hash(sibling, running) if side == "left" else node_hash(running, sibling)
        assert result == expected
        running = result
