"""The public ledger: entries, the stored subtree hashes, the head, and signed checkpoints.

The ledger sits low in the dependency order, so an entry names its organisation by id with a
snapshot of its name, and its subject by type, id and address, never by foreign key.
"""

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _

from civiclab.methods.merkle import split_key

from .canonical import envelope_bytes, envelope_time


class AppendOnly(models.QuerySet):
    """Refuses bulk edits and deletes through the ORM; the ledger only grows."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("The ledger is append-only.")

    def delete(self) -> NoReturn:
        raise PermissionError("The ledger is append-only.")


class AppendOnlyModel(models.Model):
    objects = AppendOnly.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Ledger records cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("Ledger records cannot be deleted.")


class Entry(AppendOnlyModel):
    """One public record: a decision or result, at position `seq` of the log."""

    seq = models.BigIntegerField(_("number"), primary_key=True)
    kind = models.CharField(_("kind"), max_length=80)
    organisation_id = models.BigIntegerField(_("organisation"), null=True, blank=True)
    organisation_label = models.CharField(_("organisation name"), max_length=200, blank=True)
    subject_type = models.CharField(_("subject type"), max_length=80, blank=True)
    subject_id = models.CharField(_("subject id"), max_length=64, blank=True)
    subject_url = models.CharField(_("subject address"), max_length=500, blank=True)
    payload = models.TextField(_("payload (canonical JSON)"))
    leaf_hash = models.CharField(_("leaf hash"), max_length=64)
    created_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["kind", "seq"], name="ledger_entry_kind_seq"),
            models.Index(fields=["organisation_id", "seq"], name="ledger_entry_org_seq"),
            models.Index(fields=["created_at"], name="ledger_entry_created"),
            models.Index(fields=["subject_type", "subject_id"], name="ledger_entry_subject"),
        ]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind}"

    @property
    def time(self) -> str:
        return envelope_time(self.created_at)

    def envelope(self) -> bytes:
        """The exact bytes this entry's leaf hash covers."""
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


class Node(AppendOnlyModel):
    """The hash of a complete perfect subtree, stored when its last leaf is appended.

    `key` packs (level, index) into one integer (civiclab.methods.merkle.node_key); level 0
    holds the leaf hashes. Any proof or root is O(log n) lookups in this table.
    """

    key = models.BigIntegerField(primary_key=True)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("subtree hash")
        verbose_name_plural = _("subtree hashes")

    def __str__(self) -> str:
        level, index = split_key(self.key)
        return f"level {level} index {index}"


class Head(models.Model):
    """The single row every append locks: the tree size and its right edge (frontier)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField(default=0)
    frontier = models.TextField(blank=True, default="")  # hex of the frontier hashes
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ledger head")

    def __str__(self) -> str:
        return f"ledger head at size {self.size}"


class Checkpoint(AppendOnlyModel):
    """A signed tree head: the log's size and root hash at a moment, as a C2SP signed note."""

    size = models.BigIntegerField(_("size"), unique=True)
    root_hash = models.CharField(_("root hash"), max_length=64)
    note = models.TextField(_("signed note"))
    key_id = models.CharField(_("key id"), max_length=8)
    created_at = models.DateTimeField(_("issued"), db_index=True)

    class Meta:
        ordering = ["-size"]
        get_latest_by = "size"
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")

    def __str__(self) -> str:
        return f"checkpoint {self.size}"


class Cosignature(AppendOnlyModel):
    """A witness's cosignature on a checkpoint (https://c2sp.org/tlog-cosignature): one note
    signature line, which belongs under the checkpoint's own signature."""

    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.CASCADE, related_name="cosignatures"
    )
    witness = models.CharField(_("witness"), max_length=200)
    line = models.TextField(_("signature line"))
    created_at = models.DateTimeField(_("cosigned"))

    class Meta:
        ordering = ["checkpoint", "witness"]
        constraints = [
            models.UniqueConstraint(
                fields=["checkpoint", "witness"], name="ledger_cosignature_once_per_witness"
            )
        ]
        verbose_name = _("cosignature")
        verbose_name_plural = _("cosignatures")

    def __str__(self) -> str:
        return f"{self.witness} on {self.checkpoint}"
