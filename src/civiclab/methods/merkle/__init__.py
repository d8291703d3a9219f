"""Merkle tree hashing, proofs and verification for an append-only log (RFC 6962 / RFC 9162).

Pure Python with SHA-256, no Django. The public API:

- `leaf_hash`, `node_hash`, `root_hash`, `EMPTY_ROOT` (hashing, RFC 9162 section 2.1.1);
- `inclusion_proof`, `consistency_proof` (generation, sections 2.1.3.1 and 2.1.4.1), which take
  a `get_subtree(start, end)` callable so a store of subtree hashes can answer in O(log n);
- `verify_inclusion`, `verify_consistency` (sections 2.1.3.2 and 2.1.4.2), raising `ProofError`;
- `TreeFrontier`, the right edge of a growing tree: append leaves, get the new complete
  subtrees to store and the current root;
- `perfect_subtrees`, `range_hash`: answer any proof range from stored perfect subtrees.
"""

from .hashing import EMPTY_ROOT, HASH_SIZE, leaf_hash, node_hash, root_hash
from .proofs import (
    ProofError,
    SubtreeSource,
    consistency_proof,
    inclusion_proof,
    inclusion_steps,
    verify_consistency,
    verify_inclusion,
)
from .tree import TreeFrontier, node_key, perfect_subtrees, range_hash, split_key

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "ProofError",
    "SubtreeSource",
    "TreeFrontier",
    "consistency_proof",
    "inclusion_proof",
    "inclusion_steps",
    "leaf_hash",
    "node_hash",
    "node_key",
    "perfect_subtrees",
    "range_hash",
    "root_hash",
    "split_key",
    "verify_consistency",
    "verify_inclusion",
]
