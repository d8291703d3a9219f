"""`civiclab ledger verify`: audit this installation's ledger straight from its database."""

from collections.abc import Callable, Iterator

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
    head = Head.objects.filter(pk=1).first()
    if head is not None and head.size != result.entries and result.ok:
        result.add(
            f"The ledger head says {head.size} entries but {result.entries} are stored.",
            min(head.size, result.entries),
        )
    return result


def _reporting(records: Iterator[EntryRecord], progress: Callable[[int], None]):
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
