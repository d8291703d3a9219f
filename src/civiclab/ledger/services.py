"""Writes to the ledger: append an entry (inside the caller's transaction), issue checkpoints.

Sequence numbers are gap-free under concurrency because every append locks the single `Head`
row first: `SELECT ... FOR UPDATE` on PostgreSQL; on SQLite our transactions begin IMMEDIATE,
so writers are serialised by the database lock before they read the head.
"""

import base64
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import Model
from django.utils.translation import gettext as _

from civiclab.core import clock
from civiclab.methods.merkle import (
    ProofError,
    TreeFrontier,
    leaf_hash,
    node_key,
    verify_consistency,
)

from . import signer_state
from .canonical import CanonicalJSONError, canonical_json
from .keys import signer
from .models import Checkpoint, Cosignature, Entry, Head, Node
from .notes import Checkpoint as SignedHead
from .notes import CosignerKey, NoteError, VerifierKey, checkpoint_text, open_checkpoint
from .selectors import ProofUnavailable, consistency_proof_for

logger = logging.getLogger(__name__)

KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


class LedgerUsageError(RuntimeError):
    """The ledger was called the wrong way (e.g. outside a transaction)."""


def _locked_head() -> Head:
    head = Head.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # First use: create the row race-free, then lock it.
        Head.objects.bulk_create([Head(pk=1)], ignore_conflicts=True)
        head = Head.objects.select_for_update().get(pk=1)
    return head


# The append path speaks SQL directly: it is the hot path (a few hundred microseconds of
# ORM overhead per statement would halve the append rate) and it is four fixed statements.
_ENTRY_COLUMNS = (
    "seq",
    "kind",
    "organisation_id",
    "organisation_label",
    "subject_type",
    "subject_id",
    "subject_url",
    "payload",
    "leaf_hash",
    "created_at",
)


def _lock_head_for_append(connection: BaseDatabaseWrapper, cursor: CursorWrapper) -> TreeFrontier:
    """Lock the head row (FOR UPDATE where the database has it) and read the frontier."""
    table = connection.ops.quote_name(Head._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    cursor.execute(f"SELECT size, frontier FROM {table} WHERE id = 1{lock}")  # noqa: S608
    row = cursor.fetchone()
    if row is None:
        _locked_head()  # first use: creates the row race-free and locks it
        cursor.execute(f"SELECT size, frontier FROM {table} WHERE id = 1{lock}")  # noqa: S608
        row = cursor.fetchone()
    return TreeFrontier.from_bytes(row[0], bytes.fromhex(row[1]))


def _write_append(
    connection: BaseDatabaseWrapper,
    cursor: CursorWrapper,
    entry: Entry,
    completed: list[tuple[int, int, bytes]],
    frontier: TreeFrontier,
) -> None:
    quote = connection.ops.quote_name
    values = [getattr(entry, column) for column in _ENTRY_COLUMNS]
    values[-1] = connection.ops.adapt_datetimefield_value(entry.created_at)
    columns = ", ".join(quote(column) for column in _ENTRY_COLUMNS)
    placeholders = ", ".join(["%s"] * len(_ENTRY_COLUMNS))
    cursor.execute(
        f"INSERT INTO {quote(Entry._meta.db_table)} ({columns}) VALUES ({placeholders})",  # noqa: S608
        values,
    )
    node_values: list[int | str] = []
    for level, index, digest in completed:
        node_values += [node_key(level, index), digest.hex()]
    rows = ", ".join(["(%s, %s)"] * len(completed))
    cursor.execute(
        f"INSERT INTO {quote(Node._meta.db_table)} ({quote('key')}, {quote('hash')}) "  # noqa: S608
        f"VALUES {rows}",
        node_values,
    )
    cursor.execute(
        f"UPDATE {quote(Head._meta.db_table)} SET size = %s, frontier = %s, "  # noqa: S608
        "updated_at = %s WHERE id = 1",
        [
            frontier.size,
            frontier.to_bytes().hex(),
            connection.ops.adapt_datetimefield_value(entry.created_at),
        ],
    )


def _insert_checkpoint(connection: BaseDatabaseWrapper, checkpoint: Checkpoint) -> None:
    """Insert in plain SQL: a checkpoint follows every commit that appended, so it is hot too."""
    quote = connection.ops.quote_name
    columns = ("size", "root_hash", "note", "key_id", "created_at")
    values = [getattr(checkpoint, column) for column in columns]
    values[-1] = connection.ops.adapt_datetimefield_value(checkpoint.created_at)
    returning = connection.features.can_return_columns_from_insert
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Checkpoint._meta.db_table)} "  # noqa: S608
            f"({', '.join(quote(c) for c in columns)}) VALUES (%s, %s, %s, %s, %s)"
            + (f" RETURNING {quote('id')}" if returning else ""),
            values,
        )
        checkpoint.pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    checkpoint._state.adding = False
    checkpoint._state.db = connection.alias


def _frontier(head: Head) -> TreeFrontier:
    return TreeFrontier.from_bytes(head.size, bytes.fromhex(head.frontier))


def _validate(
    *,
    kind: str,
    organisation_id: int | None,
    organisation_label: str,
    subject_type: str,
    subject_id: str,
    subject_url: str,
    payload: object,
) -> str:
    """Check the fields an entry is made of; return the payload's canonical JSON."""
    errors: dict[str, str] = {}
    if not isinstance(kind, str) or len(kind) > 80 or not KIND_PATTERN.match(kind):
        errors["kind"] = _("A kind is lowercase words joined by dots, e.g. gate.decided.")
    if organisation_id is not None and (
        not isinstance(organisation_id, int) or isinstance(organisation_id, bool)
    ):
        errors["organisation_id"] = _("The organisation id is a whole number or empty.")
    limits = {
        "organisation_label": (organisation_label, 200),
        "subject_type": (subject_type, 80),
        "subject_id": (subject_id, 64),
        "subject_url": (subject_url, 500),
    }
    for name, (value, limit) in limits.items():
        if not isinstance(value, str) or len(value) > limit:
            errors[name] = _("Text of at most %(limit)d characters.") % {"limit": limit}
        else:
            try:
                value.encode("utf-8")
            except UnicodeError:
                errors[name] = _("The text contains characters that cannot be stored.")
    if not isinstance(payload, dict):
        errors["payload"] = _("The payload is a JSON object.")
    if errors:
        raise ValidationError(errors)
    try:
        return canonical_json(payload)
    except CanonicalJSONError as error:
        message = _("The payload cannot be written as canonical JSON: %(why)s") % {"why": error}
        raise ValidationError({"payload": message}) from error


def subject_of(obj: Model) -> dict[str, str]:
    """The subject fields for `ledger_append` naming a model instance: type, id, address."""
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    return {
        "subject_type": obj._meta.label_lower,
        "subject_id": str(obj.pk),
        "subject_url": url,
    }


def ledger_append(
    *,
    kind: str,
    organisation_id: int | None,
    organisation_label: str = "",
    subject_type: str = "",
    subject_id: str = "",
    subject_url: str = "",
    payload: dict[str, Any],
) -> Entry:
    """Append one entry to the public ledger, inside the caller's transaction.

    Call it from the service that makes the decision, in the same `transaction.atomic()`,
    so the decision and its public record commit together or not at all. After the
    outermost transaction commits, one checkpoint covers everything it appended.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise LedgerUsageError(
            "ledger_append must run inside the caller's transaction.atomic() block."
        )
    payload_text = _validate(
        kind=kind,
        organisation_id=organisation_id,
        organisation_label=organisation_label,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_url=subject_url,
        payload=payload,
    )
    entry = Entry(
        kind=kind,
        organisation_id=organisation_id,
        organisation_label=organisation_label if organisation_id is not None else "",
        subject_type=subject_type,
        subject_id=subject_id,
        subject_url=subject_url,
        payload=payload_text,
    )
    with connection.cursor() as cursor:
        frontier = _lock_head_for_append(connection, cursor)
        entry.seq = frontier.size
        entry.created_at = clock.now()
        leaf = leaf_hash(entry.envelope())
        entry.leaf_hash = leaf.hex()
        completed = frontier.append(leaf)
        _write_append(connection, cursor, entry, completed, frontier)
    entry._state.adding = False
    entry._state.db = connection.alias
    _checkpoint_after_commit(connection)
    return entry


def _checkpoint_after_commit(connection: BaseDatabaseWrapper) -> None:
    """Register at most one checkpoint per outermost commit, however many entries it holds."""
    if not getattr(settings, "LEDGER_CHECKPOINT_ON_COMMIT", True):
        return
    pending = getattr(connection, "run_on_commit", [])
    if any(callback[1] is _issue_after_commit for callback in pending):
        return
    transaction.on_commit(_issue_after_commit, robust=True)


def _issue_after_commit() -> None:
    try:
        checkpoint_issue()
    except CheckpointRefused as error:
        # The appends committed; the ledger stays unsigned until someone looks.
        logger.critical("Ledger checkpoint refused: %s", error)


class CheckpointRefused(RuntimeError):
    """The signer will not sign the database's tree head: it does not extend what it signed."""


def checkpoint_issue(*, now: datetime | None = None) -> tuple[Checkpoint, bool]:
    """Sign the current tree head, unless the latest checkpoint already covers it.

    Returns (checkpoint, created). Safe to call at any time and from several processes:
    the head lock and the signer's file lock make concurrent callers take turns.

    The signer remembers the last checkpoint it signed outside the database
    (`signer_state`) and signs a head only if it is a consistent extension of that one
    (RFC 9162 consistency proof). Otherwise it raises `CheckpointRefused`: someone with
    access to the database rewrote or truncated the ledger.
    """
    key = signer()
    with signer_state.locked(), transaction.atomic():
        connection = transaction.get_connection()
        with connection.cursor() as cursor:
            frontier = _lock_head_for_append(connection, cursor)
        size, root = frontier.size, frontier.root()
        last = _last_signed(key.verifier_key)
        if last is not None:
            last_note, last_head = last
            _check_extends(last_head, size, root)
            if last_head.size == size:
                stored = _stored_checkpoint(connection, last_note, last_head, key.verifier_key)
                return stored, False
        if _checkpoint_stored(connection, size):
            # Signed by another machine sharing the database, or planted; `verify` judges it.
            return Checkpoint.objects.get(size=size), False
        moment = now or clock.now()
        note = key.sign_note(checkpoint_text(key.name, size, root, moment))
        # Remember it before it reaches the database: the signer must never sign an
        # inconsistent head later, even if this transaction does not commit.
        signer_state.save(note, verifier=key.verifier_key)
        checkpoint = Checkpoint(
            size=size,
            root_hash=root.hex(),
            note=note,
            key_id=key.verifier_key.key_id.hex(),
            created_at=moment,
        )
        _insert_checkpoint(connection, checkpoint)
    logger.info("Ledger checkpoint issued at size %s", checkpoint.size)
    return checkpoint, True


def _last_signed(verifier: VerifierKey) -> tuple[str, SignedHead] | None:
    """The last checkpoint signed, from the signer's state; on first use, from the database.

    An installation that signed checkpoints before the signer kept its state starts from the
    largest stored checkpoint that carries a valid signature by this key: the database cannot
    forge one.
    """
    state = signer_state.load(verifier)
    if state is not None:
        return state
    for note in Checkpoint.objects.order_by("-size").values_list("note", flat=True)[:100]:
        try:
            head = open_checkpoint(note, verifier, origin=verifier.name)
        except NoteError:
            continue
        signer_state.save(note, verifier=verifier)
        return note, head
    return None


def _check_extends(last: SignedHead, size: int, root: bytes) -> None:
    """Raise `CheckpointRefused` unless the tree (size, root) extends the last signed one."""
    if size < last.size:
        raise CheckpointRefused(
            f"The ledger head is at size {size}, but this key already signed size {last.size}: "
            "entries were removed from the database. Refusing to sign. "
            + _REFUSAL_ADVICE.format(path=signer_state.state_path())
        )
    if size == last.size:
        if root != last.root_hash:
            raise CheckpointRefused(
                f"The ledger's root hash at size {size} differs from the one this key signed: "
                "entries were changed in the database. Refusing to sign. "
                + _REFUSAL_ADVICE.format(path=signer_state.state_path())
            )
        return
    if last.size == 0:
        return  # every tree extends the empty tree
    try:
        proof = consistency_proof_for(last.size, size, size=size)
        verify_consistency(last.size, size, proof, last.root_hash, root)
    except (ProofUnavailable, ProofError) as error:
        raise CheckpointRefused(
            f"The ledger at size {size} is not a consistent extension of the checkpoint of "
            f"size {last.size} this key signed ({error}): history was rewritten in the "
            "database. Refusing to sign. " + _REFUSAL_ADVICE.format(path=signer_state.state_path())
        ) from error


_REFUSAL_ADVICE = (
    "Run `civiclab ledger verify` to find the first bad entry and restore the database from a "
    "backup. Only if this ledger was deliberately started over (a development database was "
    "deleted) move {path} and {path}.2 away."
)


def _checkpoint_stored(connection: BaseDatabaseWrapper, size: int) -> bool:
    """Is a checkpoint of `size` stored? (Plain SQL: asked after every commit that appended.)"""
    table = connection.ops.quote_name(Checkpoint._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE size = %s", [size])  # noqa: S608
        return cursor.fetchone() is not None


def _stored_checkpoint(
    connection: BaseDatabaseWrapper, note: str, head: SignedHead, verifier: VerifierKey
) -> Checkpoint:
    """The checkpoint of the last signed size; put back from the signer's copy if deleted."""
    if _checkpoint_stored(connection, head.size):
        return Checkpoint.objects.get(size=head.size)
    logger.warning("Ledger: the checkpoint of size %s was missing; restored it", head.size)
    checkpoint = Checkpoint(
        size=head.size,
        root_hash=head.root_hash.hex(),
        note=note,
        key_id=verifier.key_id.hex(),
        created_at=head.time or clock.now(),
    )
    _insert_checkpoint(connection, checkpoint)
    return checkpoint


# --- witnesses -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WitnessConfig:
    key: CosignerKey
    url: str  # the submission prefix; `/add-checkpoint` is appended


def configured_witnesses() -> list[WitnessConfig]:
    """LEDGER_WITNESSES: items `<witness vkey> <submission URL>`."""
    witnesses = []
    for item in getattr(settings, "LEDGER_WITNESSES", []):
        key_text, _, url = item.strip().partition(" ")
        try:
            key = CosignerKey.parse(key_text)
        except NoteError as error:
            raise ImproperlyConfigured(f"LEDGER_WITNESSES: {item!r}: {error}.") from error
        if not url.strip().startswith(("https://", "http://")):
            raise ImproperlyConfigured(
                f"LEDGER_WITNESSES: {item!r} needs the witness's address after its key."
            )
        witnesses.append(WitnessConfig(key, url.strip().rstrip("/")))
    return witnesses


def _add_checkpoint_body(old_size: int, checkpoint: Checkpoint) -> str:
    proof: list[bytes] = []
    if 0 < old_size < checkpoint.size:
        proof = consistency_proof_for(old_size, checkpoint.size)
    lines = [f"old {old_size}", *(base64.b64encode(node).decode("ascii") for node in proof)]
    return "\n".join(lines) + "\n\n" + checkpoint.note


def checkpoint_cosign(
    *, checkpoint: Checkpoint | None = None, client: httpx.Client | None = None
) -> dict[str, str]:
    """Ask every configured witness to cosign `checkpoint` (default: the latest); store the
    cosignatures. Returns what each witness did, by name; a witness that is down or refuses
    is logged and skipped (the ledger does not depend on witnesses being up)."""
    witnesses = configured_witnesses()
    checkpoint = checkpoint or Checkpoint.objects.order_by("-size").first()
    if not witnesses or checkpoint is None:
        return {}
    outcome: dict[str, str] = {}
    owned = client is None
    client = client or httpx.Client(timeout=10.0, follow_redirects=False)
    try:
        for witness in witnesses:
            outcome[witness.key.name] = _cosign_with(client, witness, checkpoint)
    finally:
        if owned:
            client.close()
    return outcome


def _cosign_with(client: httpx.Client, witness: WitnessConfig, checkpoint: Checkpoint) -> str:
    name = witness.key.name
    if checkpoint.cosignatures.filter(witness=name).exists():
        return "already cosigned"
    last = (
        Cosignature.objects.filter(witness=name, checkpoint__size__lte=checkpoint.size)
        .order_by("-checkpoint__size")
        .values_list("checkpoint__size", flat=True)
        .first()
    )
    old_size = last or 0
    url = witness.url + "/add-checkpoint"
    try:
        for _attempt in range(2):
            response = client.post(url, content=_add_checkpoint_body(old_size, checkpoint))
            if response.status_code != 409 or "x.tlog.size" not in response.headers.get(
                "content-type", ""
            ):
                break
            # The witness has seen another size; start from it if this ledger contains it.
            text = response.text.strip()
            if not text.isdigit() or int(text) > checkpoint.size or int(text) == old_size:
                break
            old_size = int(text)
    except (httpx.HTTPError, ProofUnavailable) as error:
        logger.warning("Ledger witness %s could not be asked: %s", name, error)
        return f"not reached ({error})"
    if response.status_code != 200:
        logger.error(
            "Ledger witness %s refused the checkpoint of size %s: %s %s",
            name,
            checkpoint.size,
            response.status_code,
            response.text.strip()[:200],
        )
        return f"refused ({response.status_code} {response.text.strip()[:200]})"
    for line in response.text.splitlines(keepends=True):
        when = witness.key.cosigned_at(checkpoint.note + line)
        if when is not None and line.startswith(f"\u2014 {name} "):
            with transaction.atomic():
                Cosignature.objects.create(
                    checkpoint=checkpoint, witness=name, line=line, created_at=when
                )
            return "cosigned"
    logger.error("Ledger witness %s answered without a valid cosignature", name)
    return "answered without a valid cosignature"
