"""`civiclab ledger verify`: audit this installation's ledger straight from its database."""

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import OuterRef, Subquery

from .audit import Auditor, AuditResult, EntryRecord
from .canonical import envelope_time
from .keys import ledger_origin, verifier_key
from .models import Checkpoint, Entry, Head, Node
from .notes import VerifierKey, parse_checkpoint_text, split_note

CHUNK = 5000


def _records() -> Iterator[EntryRecord]:
    level_zero = Node.objects.filter(key=OuterRef("seq")).values("hash")[:1]
    rows = (
        Entry.objects.order_by("seq")
        .annotate(stored_leaf=Subquery(level_zero))
        .values_list(
            "seq",
            "kind",
            "organisation_id",
            "organisation_label",
            "subject_type",
            "subject_id",
            "subject_url",
            "payload",
            "created_at",
            "leaf_hash",
            "stored_leaf",
        )
    )
    for row in rows.iterator(chunk_size=CHUNK):
        yield EntryRecord(
            seq=row[0],
            kind=row[1],
            organisation_id=row[2],
            organisation_label=row[3],
            subject_type=row[4],
            subject_id=row[5],
            subject_url=row[6],
            payload=row[7],
            time=envelope_time(row[8]),
            leaf_hash=row[9],
            recorded_hashes=(("subtree table", row[10] or "(none)"),),
        )


def _checkpoint_notes() -> Iterator[tuple[str, str]]:
    for checkpoint in Checkpoint.objects.order_by("size").iterator(chunk_size=CHUNK):
        yield f"#{checkpoint.pk} (size {checkpoint.size})", checkpoint.note


def verify_local(
    *, key: VerifierKey | None = None, progress: Callable[[int], None] | None = None
) -> AuditResult:
    """Audit the local ledger. `key` pins the verifier key (default: this installation's)."""
    auditor = Auditor(key or verifier_key(), origin=ledger_origin())
    auditor.add_checkpoints(_checkpoint_notes())
    _check_checkpoint_columns(auditor.result)
    records = _records()
    if progress is not None:
        records = _reporting(records, progress)
    auditor.add_entries(records)
    result = auditor.finish()
    if result.ok:
        _check_head(auditor)
        _check_subtree_table(auditor)
    return result


def _check_head(auditor: Auditor) -> None:
    """The head's size and frontier, from which the next append continues, must be right."""
    head = Head.objects.filter(pk=1).first()
    size, frontier = (head.size, head.frontier) if head else (0, "")
    if size != auditor.frontier.size or frontier != auditor.frontier.to_bytes().hex():
        auditor.result.add(
            f"The ledger head (size {size}) does not match the {auditor.frontier.size} stored "
            "entries: the next append would continue a wrong tree.",
            min(size, auditor.frontier.size),
        )


def _check_subtree_table(auditor: Auditor) -> None:
    """Every stored interior subtree hash (which proofs are built from) must be right."""
    stored: dict[int, Any] = {}
    counts: dict[int, int] = {}
    rows = Node.objects.filter(key__gte=1 << 40).order_by("key").values_list("key", "hash")
    for key, digest in rows.iterator(chunk_size=CHUNK):
        level = key >> 40
        if level not in stored:
            stored[level] = hashlib.sha256()
            counts[level] = 0
        stored[level].update(bytes.fromhex(digest))
        counts[level] += 1
    expected = auditor.level_digests
    for level in sorted(set(stored) | set(expected)):
        mine, theirs = expected.get(level), stored.get(level)
        if mine is None or theirs is None or mine.digest() != theirs.digest():
            auditor.result.add(
                f"The stored subtree hashes at level {level} do not match the entries "
                f"({counts.get(level, 0)} stored): proofs served from them would not verify."
            )
            return


def _reporting(
    records: Iterator[EntryRecord], progress: Callable[[int], None]
) -> Iterator[EntryRecord]:
    for count, record in enumerate(records, start=1):
        if count % 100_000 == 0:
            progress(count)
        yield record


def _check_checkpoint_columns(result: AuditResult) -> None:
    """The size and root columns shown on pages must say what the signed note says."""
    for checkpoint in Checkpoint.objects.order_by("size").iterator(chunk_size=CHUNK):
        try:
            head = parse_checkpoint_text(split_note(checkpoint.note)[0])
        except ValueError:
            continue  # reported by the signature check
        if head.size != checkpoint.size or head.root_hash.hex() != checkpoint.root_hash:
            result.add(
                f"Checkpoint #{checkpoint.pk}: its size or root hash columns differ from its "
                "signed note."
            )
