"""Inclusion and consistency proofs: generation and verification (RFC 9162 sections 2.1.3, 2.1.4).

Generation walks the RFC's recursive definitions iteratively from the root down and asks a
`get_subtree(start, end)` callable for the hash of each sibling range, so the caller decides
where hashes come from (a list in memory, or a table of stored subtrees). Verification follows
the RFC's bit-shifting algorithms and raises `ProofError` for every mismatch or malformed input.
"""

import hmac
from collections.abc import Callable, Sequence

from .hashing import HASH_SIZE, node_hash

#: get_subtree(start, end) -> MTH(D[start:end]); ranges are perfect, or run to the tree's end.
SubtreeSource = Callable[[int, int], bytes]


class ProofError(ValueError):
    """A proof does not verify, or the proof, hashes or sizes are malformed."""


def _split(size: int) -> int:
    """k: the largest power of two smaller than `size` (size >= 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def inclusion_proof(index: int, size: int, get_subtree: SubtreeSource) -> list[bytes]:
    """PATH(index, D[size]) of RFC 9162 section 2.1.3.1, ordered from the leaf up.

    PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n])   when m < k,
                  = PATH(m - k, D[k:n]) : MTH(D[0:k]) otherwise; PATH(0, {d}) = {}.
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    path = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            path.append(get_subtree(start + k, end))
            end = start + k
        else:
            path.append(get_subtree(start, start + k))
            start += k
    path.reverse()
    return path


def consistency_proof(size1: int, size2: int, get_subtree: SubtreeSource) -> list[bytes]:
    """PROOF(size1, D[size2]) of RFC 9162 section 2.1.4.1, for 0 < size1 <= size2.

    SUBPROOF(m, D[m], true) = {}; SUBPROOF(m, D[m], false) = {MTH(D[m])};
    SUBPROOF(m, D[n], b) = SUBPROOF(m, D[0:k], b) : MTH(D[k:n])          when m <= k,
                         = SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])  otherwise.
    Equal sizes give the empty proof.
    """
    if not 0 < size1 <= size2:
        raise ValueError(f"no consistency proof from size {size1} to size {size2}")
    path = []
    start, end, whole = 0, size2, True
    while True:
        if size1 - start == end - start:
            if not whole:
                path.append(get_subtree(start, end))
            break
        k = _split(end - start)
        if size1 - start <= k:
            path.append(get_subtree(start + k, end))
            end = start + k
        else:
            path.append(get_subtree(start, start + k))
            start += k
            whole = False
    path.reverse()
    return path


def _check_hash(value: bytes, what: str) -> None:
    if not isinstance(value, bytes | bytearray) or len(value) != HASH_SIZE:
        raise ProofError(f"{what} must be a {HASH_SIZE}-byte hash")


def _check_size(value: int, what: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ProofError(f"{what} must be a non-negative integer")


def _same(a: bytes, b: bytes) -> bool:
    return hmac.compare_digest(bytes(a), bytes(b))


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes] | None, root: bytes
) -> None:
    """Check that `leaf_hash` sits at `index` in the tree of `size` leaves whose root is `root`.

    RFC 9162 section 2.1.3.2. Raises `ProofError` when it does not, or when any input is
    malformed (index out of range, hashes not 32 bytes, too many or too few proof nodes).
    """
    proof = list(proof or [])
    _check_size(index, "the leaf index")
    _check_size(size, "the tree size")
    if index >= size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    _check_hash(leaf_hash, "the leaf hash")
    _check_hash(root, "the root hash")
    for position, node in enumerate(proof):
        _check_hash(node, f"proof node {position}")
    fn, sn = index, size - 1
    digest = bytes(leaf_hash)
    for node in proof:
        if sn == 0:
            raise ProofError("the proof has more nodes than the tree has levels")
        if fn & 1 or fn == sn:
            digest = node_hash(node, digest)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            digest = node_hash(digest, node)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the proof has fewer nodes than the tree has levels")
    if not _same(digest, root):
        raise ProofError("the proof leads to a different root hash")


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes] | None, root1: bytes, root2: bytes
) -> None:
    """Check that the tree of `size2` leaves (root2) extends the tree of `size1` leaves (root1).

    RFC 9162 section 2.1.4.2, with the edge cases made explicit: size1 > size2 fails; a proof
    from the empty tree (size1 == 0) proves nothing and is refused (a caller that trusts an
    empty tree needs no proof); equal sizes need an empty proof and equal roots.
    Raises `ProofError` on any mismatch or malformed input.
    """
    proof = list(proof or [])
    _check_size(size1, "the first tree size")
    _check_size(size2, "the second tree size")
    if size1 > size2:
        raise ProofError(f"the first size {size1} is larger than the second size {size2}")
    if size1 == 0:
        raise ProofError("a consistency proof from the empty tree proves nothing")
    if size1 == size2:
        if proof:
            raise ProofError("trees of equal size need an empty consistency proof")
        if not _same(root1, root2):
            raise ProofError("trees of equal size have different root hashes")
        return
    if not proof:
        raise ProofError("the consistency proof is empty")
    _check_hash(root1, "the first root hash")
    _check_hash(root2, "the second root hash")
    for position, node in enumerate(proof):
        _check_hash(node, f"proof node {position}")

    if size1 & (size1 - 1) == 0:  # size1 is a power of two: its root is the first node
        proof.insert(0, bytes(root1))
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    first = second = bytes(proof[0])
    for node in proof[1:]:
        if sn == 0:
            raise ProofError("the proof has more nodes than the trees need")
        if fn & 1 or fn == sn:
            first = node_hash(node, first)
            second = node_hash(node, second)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            second = node_hash(second, node)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the proof has fewer nodes than the trees need")
    if not _same(first, root1):
        raise ProofError("the proof does not lead to the first root hash")
    if not _same(second, root2):
        raise ProofError("the proof does not lead to the second root hash")


def inclusion_steps(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]
) -> list[tuple[str, bytes, bytes]]:
    """The verification of RFC 9162 section 2.1.3.2 spelled out, for showing people.

    One (side, sibling, result) per proof node: `side` is "left" when the sibling is hashed
    to the left of the running hash, "right" otherwise. Call `verify_inclusion` for the
    verdict; this only explains it.
    """
    steps = []
    fn, sn, digest = index, size - 1, bytes(leaf_hash)
    for node in proof:
        if fn & 1 or fn == sn:
            digest = node_hash(node, digest)
            steps.append(("left", bytes(node), digest))
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            digest = node_hash(digest, node)
            steps.append(("right", bytes(node), digest))
        fn >>= 1
        sn >>= 1
    return steps
