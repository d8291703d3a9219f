"""Auditing a ledger: recompute every leaf and the tree, check every signed checkpoint.

`Auditor` knows nothing of where entries come from: the local check (`verify.py`) feeds it
rows from the database, the remote check (`remote.py`) feeds it pages from the public API.
It reports problems, each naming the first sequence number it implicates where it can.
"""

import hashlib
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from civiclab.methods.merkle import (
    EMPTY_ROOT,
    ProofError,
    TreeFrontier,
    consistency_proof,
    leaf_hash,
    perfect_subtrees,
    range_hash,
    verify_consistency,
)

from .canonical import envelope_bytes
from .notes import Checkpoint as SignedHead
from .notes import NoteError, VerifierKey, open_checkpoint


@dataclass(frozen=True)
class Problem:
    """What is wrong; `seq` names the first bad entry, or with `upto` a range holding it."""

    message: str
    seq: int | None = None
    upto: int | None = None


@dataclass
class AuditResult:
    entries: int = 0
    checkpoints: int = 0
    consistency_proofs: int = 0
    latest: SignedHead | None = None
    latest_note: str = ""  # the signed note of `latest`, as served
    previous: SignedHead | None = None  # the checkpoint the auditor verified on an earlier run
    verifier: VerifierKey | None = None  # the key the log publishes (remote audits)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad(self) -> Problem | None:
        """The problem naming the earliest entry: exact ones first, then ranges."""
        exact = [p for p in self.problems if p.seq is not None and p.upto is None]
        ranges = [p for p in self.problems if p.upto is not None]
        if exact:
            return min(exact, key=lambda p: p.seq or 0)
        return min(ranges, key=lambda p: p.seq or 0) if ranges else None

    @property
    def first_bad_seq(self) -> int | None:
        first = self.first_bad
        return first.seq if first is not None else None

    def add(self, message: str, seq: int | None = None, upto: int | None = None) -> None:
        self.problems.append(Problem(message, seq, upto))


@dataclass(frozen=True)
class EntryRecord:
    """One entry as stored or published: the envelope fields and the hashes claimed for it."""

    seq: int
    kind: str
    organisation_id: int | None
    organisation_label: str
    subject_type: str
    subject_id: str
    subject_url: str
    payload: str
    time: str
    leaf_hash: str
    recorded_hashes: tuple[tuple[str, str], ...] = ()  # (where, hex) e.g. ("subtree table", ..)

    def envelope(self) -> bytes:
        return envelope_bytes(
            seq=self.seq,
            kind=self.kind,
            organisation_id=self.organisation_id,
            organisation_label=self.organisation_label,
            subject_type=self.subject_type,
            subject_id=self.subject_id,
            subject_url=self.subject_url,
            payload=self.payload,
            time=self.time,
        )


class Auditor:
    def __init__(self, verifier: VerifierKey, origin: str | None = None) -> None:
        self.verifier = verifier
        self.origin = origin
        self.result = AuditResult()
        self._heads: list[SignedHead] = []
        self._wanted: set[tuple[int, int]] = set()
        self._captured: dict[tuple[int, int], bytes] = {}
        self._roots: dict[int, bytes] = {0: EMPTY_ROOT}
        self.frontier = TreeFrontier()
        #: SHA-256 over each level's interior node hashes, in index order (levels >= 1), so
        #: a stored copy of the tree can be compared level by level in O(levels) memory.
        self.level_digests: dict[int, Any] = {}

    @property
    def heads(self) -> list[SignedHead]:
        """The checkpoints whose signatures verified, by size."""
        return list(self._heads)

    # --- checkpoints ------------------------------------------------------------------

    def add_checkpoints(self, notes: Iterable[tuple[str, str]], previous: str = "") -> None:
        """Open each (label, signed note); keep those whose signature and origin hold.

        `previous` is a checkpoint the auditor verified on an earlier run and kept: the
        entries must still match it and the served checkpoints must be consistent with it,
        so a log that was rewritten and re-signed since, or cut back, is caught.
        """
        heads: dict[int, SignedHead] = {}
        texts: dict[int, str] = {}
        if previous:
            try:
                remembered = open_checkpoint(previous, self.verifier, origin=self.origin)
            except NoteError as error:
                self.result.add(f"The checkpoint you verified before does not open: {error}.")
            else:
                heads[remembered.size] = self.result.previous = remembered
                texts[remembered.size] = previous
        for label, note in notes:
            self.result.checkpoints += 1
            try:
                head = open_checkpoint(note, self.verifier, origin=self.origin)
            except NoteError as error:
                self.result.add(f"Checkpoint {label}: {error}.")
                continue
            if head.size in heads and heads[head.size].root_hash != head.root_hash:
                earlier = heads[head.size] is self.result.previous
                self.result.add(
                    f"The checkpoint of size {head.size} you verified before has another root "
                    "hash than the one served now: the log was rewritten and signed again."
                    if earlier
                    else f"Two signed checkpoints of size {head.size} have different root "
                    "hashes: the log was forked.",
                    seq=None,
                )
            heads[head.size] = head
            texts[head.size] = note
        self._heads = [heads[size] for size in sorted(heads)]
        if self._heads:
            self.result.latest = self._heads[-1]
            self.result.latest_note = texts[self._heads[-1].size]
        for first, second in self._pairs():
            self._wanted.update(_proof_pieces(first.size, second.size))

    def _pairs(self) -> list[tuple[SignedHead, SignedHead]]:
        heads = [h for h in self._heads if h.size > 0]
        return list(itertools.pairwise(heads))

    # --- entries ----------------------------------------------------------------------

    def add_entries(self, records: Iterable[EntryRecord]) -> None:
        """Recompute leaves and the tree from `records`, which must arrive in seq order."""
        frontier = self.frontier
        sizes = {head.size for head in self._heads}
        for record in records:
            expected = frontier.size
            if record.seq != expected:
                if record.seq > expected:
                    self.result.add(
                        f"Entry {expected} is missing: the next stored entry is {record.seq}.",
                        expected,
                    )
                else:
                    self.result.add(
                        f"Entry {record.seq} appears again or out of order after entry "
                        f"{expected - 1}.",
                        record.seq,
                    )
                return  # the tree cannot be rebuilt past a hole
            leaf = leaf_hash(record.envelope())
            if leaf.hex() != record.leaf_hash:
                self.result.add(
                    f"Entry {record.seq} was changed: its contents hash to {leaf.hex()}, "
                    f"not to its recorded leaf hash {record.leaf_hash}.",
                    record.seq,
                )
            for where, recorded in record.recorded_hashes:
                if recorded != leaf.hex():
                    self.result.add(
                        f"Entry {record.seq} does not match the leaf hash kept in the {where} "
                        "when it was appended: it was changed, inserted or moved.",
                        record.seq,
                    )
            for level, index, digest in frontier.append(leaf):
                if level:
                    self._level_digest(level).update(digest)
                if (level, index) in self._wanted:
                    self._captured[(level, index)] = digest
            if frontier.size in sizes:
                self._roots[frontier.size] = frontier.root()
            self.result.entries = frontier.size

    def _level_digest(self, level: int) -> "hashlib._Hash":
        digest = self.level_digests.get(level)
        if digest is None:
            digest = self.level_digests[level] = hashlib.sha256()
        return digest

    # --- conclusions ------------------------------------------------------------------

    def finish(self) -> AuditResult:
        self._check_roots()
        self._check_consistency()
        return self.result

    def _check_roots(self) -> None:
        good = 0
        for head in self._heads:
            if head.size > self.result.entries:
                self.result.add(
                    f"The signed checkpoint of size {head.size} covers entries up to "
                    f"{head.size - 1}, but only {self.result.entries} entries are there: "
                    f"entries from {self.result.entries} on were deleted.",
                    self.result.entries,
                )
                return
            if self._roots.get(head.size) != head.root_hash:
                self.result.add(
                    f"The entries do not match the signed checkpoint of size {head.size}: "
                    f"an entry between {good} and {head.size - 1} was changed, inserted or "
                    "removed.",
                    good,
                    upto=head.size - 1,
                )
                return
            good = head.size

    def _check_consistency(self) -> None:
        for first, second in self._pairs():
            if second.size > self.result.entries:
                return
            try:
                proof = consistency_proof(first.size, second.size, self._subtree)
                verify_consistency(
                    first.size, second.size, proof, first.root_hash, second.root_hash
                )
            except (ProofError, KeyError) as error:
                self.result.add(
                    f"The signed checkpoints of sizes {first.size} and {second.size} are not "
                    f"consistent ({error}): history before entry {first.size} was rewritten.",
                    None,
                )
                return
            self.result.consistency_proofs += 1

    def _subtree(self, start: int, end: int) -> bytes:
        return range_hash(start, end, lambda level, index: self._captured[(level, index)])


def _proof_pieces(size1: int, size2: int) -> set[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []

    def record(start: int, end: int) -> bytes:
        ranges.append((start, end))
        return EMPTY_ROOT

    consistency_proof(size1, size2, record)
    return {piece for start, end in ranges for piece in perfect_subtrees(start, end)}
