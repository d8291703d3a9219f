"""The hashes of RFC 9162 section 2.1.1 (identical to RFC 6962 section 2.1) with SHA-256."""

from collections.abc import Sequence
from hashlib import sha256

HASH_SIZE = 32
#: MTH({}) = SHA-256() : the root of the empty tree.
EMPTY_ROOT = sha256(b"").digest()

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    """MTH({d(0)}) = SHA-256(0x00 || d(0)): the hash of one leaf's data."""
    return sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right): the hash of an interior node from its two children."""
    return sha256(_NODE_PREFIX + left + right).digest()


def root_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of a list of leaf hashes, in O(n) time and O(log n) memory.

    Folds complete subtrees as they close (the same right edge `TreeFrontier` keeps), then
    joins what is left from right to left, which is the RFC's split at the largest power of
    two smaller than n applied recursively.
    """
    stack: list[bytes] = []
    for count, leaf in enumerate(leaf_hashes):
        digest = leaf
        while count & 1:
            digest = node_hash(stack.pop(), digest)
            count >>= 1
        stack.append(digest)
    if not stack:
        return EMPTY_ROOT
    digest = stack.pop()
    while stack:
        digest = node_hash(stack.pop(), digest)
    return digest
