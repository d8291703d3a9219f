"""Reads from the ledger: lists, proofs from the stored subtree hashes, checkpoints."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import Max, QuerySet
from django.utils import timezone

from civiclab.methods.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    inclusion_proof,
    node_key,
    perfect_subtrees,
    range_hash,
    split_key,
)

from .models import Checkpoint, Entry, Head, Node

FACET_CACHE_SECONDS = 600


class ProofUnavailable(ValueError):
    """The proof asked for does not exist (sizes out of range, entry not yet covered)."""


def ledger_size() -> int:
    head = Head.objects.filter(pk=1).only("size").first()
    return head.size if head else 0


def entry_list(
    *,
    organisation_id: int | None = None,
    kind: str = "",
    since: date | None = None,
    until: date | None = None,
    from_seq: int | None = None,
    newest_first: bool = True,
) -> QuerySet[Entry]:
    entries = Entry.objects.all()
    if organisation_id is not None:
        entries = entries.filter(organisation_id=organisation_id)
    if kind:
        entries = entries.filter(kind=kind)
    if since:
        entries = entries.filter(created_at__gte=_start_of(since))
    if until:
        entries = entries.filter(created_at__lt=_start_of(until + timedelta(days=1)))
    if from_seq is not None:
        entries = entries.filter(seq__gte=from_seq)
    return entries.order_by("-seq" if newest_first else "seq")


def entries_about(subject_type: str, subject_id: str) -> QuerySet[Entry]:
    """The records about one object, oldest first (e.g. to show on that object's page)."""
    return Entry.objects.filter(subject_type=subject_type, subject_id=subject_id).order_by("seq")


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _facet_cache_key(name: str) -> str:
    # Keyed by the tree's state (size and right edge): a new entry makes a new key, so the
    # lists are never stale, even across a database that was reset.
    head = Head.objects.filter(pk=1).values_list("size", "frontier").first() or (0, "")
    return f"ledger:{name}:{head[0]}:{head[1][-16:]}"


def entry_kinds() -> list[str]:
    """Every kind in the ledger, sorted (for the filter); cached until the ledger grows."""
    key = _facet_cache_key("kinds")
    kinds = cache.get(key)
    if kinds is None:
        kinds = list(Entry.objects.order_by("kind").values_list("kind", flat=True).distinct())
        cache.set(key, kinds, FACET_CACHE_SECONDS)
    return kinds


def entry_organisations() -> list[tuple[int, str]]:
    """(id, latest name) of every organisation with entries, by name; cached likewise."""
    key = _facet_cache_key("organisations")
    organisations = cache.get(key)
    if organisations is None:
        latest = (
            Entry.objects.exclude(organisation_id=None)
            .order_by()
            .values("organisation_id")
            .annotate(last=Max("seq"))
            .values_list("last", flat=True)
        )
        rows = Entry.objects.filter(seq__in=list(latest)).values_list(
            "organisation_id", "organisation_label"
        )
        organisations = sorted(rows, key=lambda item: item[1].casefold())
        cache.set(key, organisations, FACET_CACHE_SECONDS)
    return organisations


class StoredTree:
    """Answers `get_subtree(start, end)` from the stored perfect subtrees.

    A proof needs O(log n) ranges; `prefetch` loads all their perfect pieces in one query.
    """

    def __init__(self) -> None:
        self._hashes: dict[tuple[int, int], bytes] = {}

    def prefetch(self, ranges: list[tuple[int, int]]) -> None:
        wanted = {piece for start, end in ranges for piece in perfect_subtrees(start, end)}
        missing = [node_key(level, index) for level, index in wanted - self._hashes.keys()]
        if missing:
            # Plain SQL: the signer builds a proof after every commit that appended.
            quote = connection.ops.quote_name
            placeholders = ", ".join(["%s"] * len(missing))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {quote('key')}, {quote('hash')} FROM "  # noqa: S608
                    f"{quote(Node._meta.db_table)} WHERE {quote('key')} IN ({placeholders})",
                    missing,
                )
                for key, digest in cursor.fetchall():
                    self._hashes[split_key(key)] = bytes.fromhex(digest)
        if len(self._hashes) < len(wanted):
            raise ProofUnavailable("The stored subtree hashes are incomplete.")

    def _perfect(self, level: int, index: int) -> bytes:
        return self._hashes[(level, index)]

    def subtree(self, start: int, end: int) -> bytes:
        return range_hash(start, end, self._perfect)


# A proof function of `methods.merkle`: its sizes, then the function giving a subtree's hash.
ProofGenerator = Callable[..., list[bytes]]


def _ranges(generate: ProofGenerator, *args: int) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []

    def record(start: int, end: int) -> bytes:
        ranges.append((start, end))
        return EMPTY_ROOT

    generate(*args, record)
    return ranges


def _proof(generate: ProofGenerator, *args: int) -> list[bytes]:
    tree = StoredTree()
    tree.prefetch(_ranges(generate, *args))
    return generate(*args, tree.subtree)


def root_at(size: int) -> bytes:
    """The root hash of the first `size` entries, from stored subtrees."""
    if size == 0:
        return EMPTY_ROOT
    tree = StoredTree()
    tree.prefetch([(0, size)])
    return tree.subtree(0, size)


def inclusion_proof_for(seq: int, size: int) -> list[bytes]:
    if size > ledger_size() or not 0 <= seq < size:
        raise ProofUnavailable(f"Entry {seq} is not in a ledger of size {size}.")
    return _proof(inclusion_proof, seq, size)


def consistency_proof_for(first: int, second: int, *, size: int | None = None) -> list[bytes]:
    """The consistency proof from `first` to `second` entries; `size` is the ledger's size
    when the caller has just read it (under the head lock), else it is read here."""
    if not 0 < first <= second <= (ledger_size() if size is None else size):
        raise ProofUnavailable(
            f"No consistency proof from size {first} to size {second} in this ledger."
        )
    return _proof(consistency_proof, first, second)


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.prefetch_related("cosignatures").order_by("-size").first()


def checkpoint_list() -> QuerySet[Checkpoint]:
    return Checkpoint.objects.prefetch_related("cosignatures").order_by("-size")


@dataclass(frozen=True)
class EntryProof:
    checkpoint: Checkpoint
    path: list[bytes]


def entry_proof(entry: Entry) -> EntryProof | None:
    """The inclusion proof of `entry` against the latest checkpoint, if one covers it."""
    checkpoint = latest_checkpoint()
    if checkpoint is None or checkpoint.size <= entry.seq:
        return None
    return EntryProof(checkpoint, inclusion_proof_for(entry.seq, checkpoint.size))
