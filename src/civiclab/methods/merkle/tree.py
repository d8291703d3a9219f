"""Subtree arithmetic: the growing right edge of a tree and proof ranges from stored subtrees.

A *perfect* subtree at (level, index) covers leaves [index * 2**level, (index + 1) * 2**level).
Once all its leaves exist its hash never changes, so a log can store it when it completes and
answer every proof from at most O(log n) of them.
"""

from collections.abc import Callable, Iterable

from .hashing import EMPTY_ROOT, HASH_SIZE, node_hash

#: Bits reserved for the index in a single-integer node key; 2**40 leaves is plenty.
_INDEX_BITS = 40


def node_key(level: int, index: int) -> int:
    """One integer naming the perfect subtree (level, index), handy as a database key."""
    return (level << _INDEX_BITS) | index


def split_key(key: int) -> tuple[int, int]:
    """The (level, index) a `node_key` names."""
    return key >> _INDEX_BITS, key & ((1 << _INDEX_BITS) - 1)


def perfect_subtrees(start: int, end: int) -> list[tuple[int, int]]:
    """The perfect subtrees (level, index) whose hashes make up MTH(D[start:end]), left first.

    Valid for the ranges proofs ask for: `start` aligned to the largest power of two not
    smaller than `end - start`. The RFC splits such a range at the largest power of two k
    smaller than its size: the left part is perfect, the right part splits again, so the
    pieces follow the binary digits of the size, largest first.
    """
    size = end - start
    if size <= 0:
        raise ValueError("a subtree covers at least one leaf")
    pieces = []
    position = start
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            if position % (1 << level):
                raise ValueError(f"range [{start}, {end}) is not a subtree of a Merkle tree")
            pieces.append((level, position >> level))
            position += 1 << level
    return pieces


def range_hash(start: int, end: int, perfect: Callable[[int, int], bytes]) -> bytes:
    """MTH(D[start:end]) from the hashes of its perfect subtrees (`perfect(level, index)`)."""
    hashes = [perfect(level, index) for level, index in perfect_subtrees(start, end)]
    return fold_right(hashes)


def fold_right(hashes: list[bytes]) -> bytes:
    """Join subtree hashes, largest (leftmost) first, into the root they make up together."""
    if not hashes:
        return EMPTY_ROOT
    digest = hashes[-1]
    for left in reversed(hashes[:-1]):
        digest = node_hash(left, digest)
    return digest


class TreeFrontier:
    """The right edge of a growing tree: the roots of its maximal perfect subtrees.

    `append(leaf)` returns every perfect subtree the new leaf completes, as
    (level, index, hash) with the leaf itself at level 0, so a store can keep them. The
    frontier holds at most log2(n) + 1 hashes, so appending and `root()` are O(log n).
    """

    __slots__ = ("_hashes", "size")

    def __init__(self, size: int = 0, hashes: Iterable[bytes] = ()) -> None:
        self.size = size
        self._hashes = list(hashes)
        if len(self._hashes) != size.bit_count():
            raise ValueError("a frontier holds one hash for each binary 1 in its size")

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        if len(leaf) != HASH_SIZE:
            raise ValueError("a leaf hash is 32 bytes")
        completed = [(0, self.size, leaf)]
        digest, level, index = leaf, 0, self.size
        while index & 1:
            digest = node_hash(self._hashes.pop(), digest)
            level += 1
            index >>= 1
            completed.append((level, index, digest))
        self._hashes.append(digest)
        self.size += 1
        return completed

    def root(self) -> bytes:
        return fold_right(self._hashes)

    @property
    def hashes(self) -> list[bytes]:
        """The maximal perfect subtree roots, largest (leftmost) first."""
        return list(self._hashes)

    def to_bytes(self) -> bytes:
        return b"".join(self._hashes)

    @classmethod
    def from_bytes(cls, size: int, data: bytes) -> "TreeFrontier":
        hashes = [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]
        return cls(size, hashes)
