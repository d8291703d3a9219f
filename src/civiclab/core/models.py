"""Shared base models, the append-only audit trail, background-job progress and schedules."""

import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils.translation import gettext_lazy as _

from .audit import action_label


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk edits and deletes so append-only tables stay append-only through the ORM."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("This table is append-only.")

    def delete(self) -> NoReturn:
        raise PermissionError("This table is append-only.")


class AuditEvent(models.Model):
    """Who did what to which object, in which organisation, and when (UTC).

    The organisation is kept as a plain id so `core` does not depend on the apps above it and
    the trail outlives the rows it describes.
    """

    occurred_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("what"), max_length=80, db_index=True)
    organisation_id = models.BigIntegerField(_("organisation"), null=True, blank=True)
    subject_type = models.CharField(_("object type"), max_length=80, blank=True)
    subject_id = models.CharField(_("object id"), max_length=64, blank=True)
    subject_repr = models.CharField(_("object"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["organisation_id", "-occurred_at"], name="audit_org_time"),
            models.Index(fields=["subject_type", "subject_id"], name="audit_subject"),
            models.Index(fields=["actor", "-occurred_at"], name="audit_actor_time"),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.subject_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit events cannot be deleted.")

    @property
    def action_label(self) -> str:
        """What happened, in plain words; the stored code for an action no app declares."""
        return action_label(self.action)


class JobProgress(TimeStampedModel):
    """The visible state of a long background job, updated by the task, polled by the page."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    label = models.CharField(_("job"), max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    result_url = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return self.label

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, round(100 * self.done / self.total))

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class Notification(models.Model):
    """An in-app notification; apps create them through `core.notifications`."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # Whoever the text names as having acted, so deleting their account renames them here.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=(
            "The person the text names as having acted; deleting their account renames them in it."
        ),
    )
    verb = models.CharField(max_length=80, help_text="What happened: <app>.<event>")
    # What it is about (an idea, say): at every delivery, on the notifications page and when
    # the e-mail leaves, the recipient must still be allowed to read it (`core.notifications`).
    subject_type = models.ForeignKey(
        "contenttypes.ContentType",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The kind of object the notification is about.",
    )
    subject_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The object the notification is about."
    )
    subject = GenericForeignKey("subject_type", "subject_id")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set once its e-mail left, alone or in a digest, so no retried task sends it twice.
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was e-mailed, on its own or in a digest."
    )
    digest = models.ForeignKey(
        "core.NotificationDigest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
        help_text="The digest e-mail that carried it.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notif_inbox")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.title


class Delivery(models.TextChoices):
    """How a person wants to hear about one kind of notification."""

    IMMEDIATE = "immediate", _("On this site and by e-mail straight away")
    DAILY = "daily", _("On this site and in a daily e-mail digest")
    WEEKLY = "weekly", _("On this site and in a weekly e-mail digest")
    IN_APP = "in_app", _("On this site only")
    OFF = "off", _("Not at all")


class NotificationPreference(models.Model):
    """A person's choice for one kind of notification; without a row the kind's default holds
    (`core.notifications.register_kind`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=80, help_text="The notification's verb: <app>.<event>")
    delivery = models.CharField(max_length=12, choices=Delivery.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")
        ]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.kind}: {self.delivery}"


class NotificationDigest(models.Model):
    """One digest e-mail to one person for one period (`core.digests`).

    The row is written, and the notifications it carries point at it, before the e-mail
    leaves: a retried or doubled run of the same period finds it and sends nothing again.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_digests"
    )
    frequency = models.CharField(
        max_length=12, choices=[(Delivery.DAILY, _("daily")), (Delivery.WEEKLY, _("weekly"))]
    )
    period = models.DateField(help_text="The first day of the period the digest covers (UTC).")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "frequency", "period"], name="notification_digest_once"
            )
        ]
        verbose_name = _("notification digest")
        verbose_name_plural = _("notification digests")

    def __str__(self) -> str:
        return f"{self.frequency} {self.period}"


class ScheduledRun(models.Model):
    """The latest run of one periodic task (`settings.SCHEDULE`), claimed by one worker.

    `core.scheduler` moves `slot` forward with a conditional UPDATE; whichever worker's UPDATE
    changes the row enqueues the task, in the same transaction. See docs/adr/0008.
    """

    name = models.CharField(_("schedule"), max_length=80, primary_key=True)
    slot = models.DateTimeField(_("run due at"), null=True, blank=True)
    fired_at = models.DateTimeField(_("enqueued at"), null=True, blank=True)
    fired_by = models.CharField(_("enqueued by worker"), max_length=64, blank=True)
    task_result_id = models.CharField(_("task result"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")

    def __str__(self) -> str:
        return self.name


class SubmissionKey(models.Model):
    """One form sent, or one API request with an `Idempotency-Key`, and what it created.

    `core.idempotency` writes it in the same transaction as the object, so a retried POST
    (a double click, a browser or client resending after a timeout) finds the row and answers
    with what the first one created instead of creating it twice.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    # What the submission creates ("comment:<content type>:<object>:<parent>", "idea:<challenge>"):
    # the same key sent for something else is refused.
    scope = models.CharField(max_length=100)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", null=True, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="submission_key_once_per_person")
        ]
        verbose_name = _("submission key")
        verbose_name_plural = _("submission keys")

    def __str__(self) -> str:
        return f"{self.scope} ({self.key})"


class SearchDocument(models.Model):
    """One searchable object's text as the database's full-text search indexes it (ADR 14).

    Written by `core.search.index` in the transaction that saves the object. The full-text
    structure over it is kept by the database itself: on SQLite the FTS5 table
    `core_searchdocument_fts` (external content, three triggers), on PostgreSQL the generated
    `search_vector` column with its GIN index. Both are created by migration
    `0008_searchdocument`, for the database it runs on, so neither appears on the model.
    """

    kind = models.CharField(max_length=60)
    object_id = models.PositiveBigIntegerField()
    # Plain ids, not foreign keys: core sits below the apps whose objects it indexes.
    organisation_id = models.BigIntegerField(null=True)
    scope_id = models.BigIntegerField(null=True)  # the container searched within, e.g. a challenge
    language = models.CharField(max_length=8)
    config = models.CharField(max_length=20)  # PostgreSQL text search configuration
    title = models.TextField()
    body = models.TextField()
    # Filter tokens (kind, scope, organisation, language) for SQLite's FTS5 MATCH.
    filters = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_once")
        ]
        indexes = [models.Index(fields=["kind", "scope_id"], name="search_document_scope")]
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
