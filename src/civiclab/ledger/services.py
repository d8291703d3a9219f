"""Writes to the ledger: append an entry (inside the caller's transaction), issue checkpoints.

Sequence numbers are gap-free under concurrency because every append locks the single `Head`
row first: `SELECT ... FOR UPDATE` on PostgreSQL; on SQLite our transactions begin IMMEDIATE,
so writers are serialised by the database lock before they read the head.
"""

import logging
import re
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import Model
from django.utils.translation import gettext as _

from civiclab.core import clock
from civiclab.methods.merkle import TreeFrontier, leaf_hash, node_key

from .canonical import CanonicalJSONError, canonical_json
from .keys import signer
from .models import Checkpoint, Entry, Head, Node
from .notes import checkpoint_text

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
    checkpoint_issue()


def checkpoint_issue(*, now: datetime | None = None) -> tuple[Checkpoint, bool]:
    """Sign the current tree head, unless the latest checkpoint already covers it.

    Returns (checkpoint, created). Safe to call at any time and from several processes:
    the head lock makes concurrent callers take turns.
    """
    key = signer()
    with transaction.atomic():
        connection = transaction.get_connection()
        with connection.cursor() as cursor:
            frontier = _lock_head_for_append(connection, cursor)
            table = connection.ops.quote_name(Checkpoint._meta.db_table)
            cursor.execute(f"SELECT MAX(size) FROM {table}")  # noqa: S608
            latest_size = cursor.fetchone()[0]
        if latest_size is not None and latest_size >= frontier.size:
            return Checkpoint.objects.get(size=latest_size), False
        moment = now or clock.now()
        root = frontier.root()
        note = key.sign_note(checkpoint_text(key.name, frontier.size, root, moment))
        checkpoint = Checkpoint(
            size=frontier.size,
            root_hash=root.hex(),
            note=note,
            key_id=key.verifier_key.key_id.hex(),
            created_at=moment,
        )
        _insert_checkpoint(connection, checkpoint)
    logger.info("Ledger checkpoint issued at size %s", checkpoint.size)
    return checkpoint, True
