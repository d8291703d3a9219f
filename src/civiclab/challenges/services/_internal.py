"""Writes without a permission check, for services that checked their own rule already.

Each helper runs inside the calling service's transaction and leaves auditing to it. Pages,
endpoints, template tags and commands must not import this module (an import-linter
contract in pyproject.toml keeps them out, ADR 9): they call the checked services instead.
"""

import contextlib
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils.text import slugify

from civiclab.accounts.models import User
from civiclab.challenges.models import (
    Audience,
    Criterion,
    Idea,
    IdeaAttachment,
    IdeaStatus,
    Score,
    StatusChange,
    Support,
    Tag,
)
from civiclab.challenges.selectors.evaluation import stats_criteria
from civiclab.core import clock
from civiclab.ledger.services import ledger_append
from civiclab.methods import stats
from civiclab.organisations.models import Organisation, Role
from civiclab.organisations.predicates import roles_of_user

from .attachments import clean_original_name, extension_of, validate_count, validate_upload
from .trending import HALF_LIFE, WINDOW, reference_time, trends

# --- status changes (merges, unmerges and decisions) -----------------------------------------


def _deciding_role(actor: User | AnonymousUser | None, idea: Idea) -> str:
    """The capacity in which the actor selected, for the public record (never their name)."""
    if actor is None or not actor.is_authenticated:
        return ""
    if Role.DECISION_MAKER in roles_of_user(user=actor, organisation=idea.organisation):
        return Role.DECISION_MAKER.value
    return "platform_admin" if actor.is_superuser else ""


def _append_selection(
    *, actor: User | AnonymousUser | None, idea: Idea, reason: str, at: datetime
) -> int:
    entry = ledger_append(
        kind="idea.selected",
        organisation_id=idea.organisation_id,
        organisation_label=idea.organisation.name,
        subject_type="challenges.idea",
        subject_id=str(idea.pk),
        subject_url=idea.get_absolute_url(),
        payload=_selection_payload(actor=actor, idea=idea, reason=reason, at=at),
    )
    return entry.seq


def _selection_payload(
    *, actor: User | AnonymousUser | None, idea: Idea, reason: str, at: datetime
) -> dict[str, Any]:
    payload = {
        "idea_id": idea.pk,
        "challenge_id": idea.challenge_id,
        "decided_by_role": _deciding_role(actor, idea),
        "decided_at": at.isoformat(),
    }
    if idea.challenge.audience != Audience.PUBLIC:
        # The ledger is public and permanent, the challenge is not: the decision is recorded
        # (which idea, when, in what capacity) without the texts the challenge keeps private.
        return {**payload, "audience": idea.challenge.audience}
    return {**payload, "title": idea.title, "challenge": idea.challenge.title, "reason": reason}


def record_status_change(
    *, actor: User | AnonymousUser | None, idea: Idea, status: str, reason: str
) -> StatusChange:
    """Move `idea` to `status` and keep the change; no permission or transition check.

    For services that change a status as part of a larger decision (merges, unmerges) and
    check their own permission. Runs inside the caller's transaction (or its own); a
    selection is appended to the ledger here, so every path to `selected` leaves its record.
    """
    with transaction.atomic():
        now = clock.now()
        change = StatusChange(
            idea=idea,
            from_status=idea.status,
            to_status=status,
            reason=reason,
            actor=actor if actor is not None and actor.is_authenticated else None,
        )
        idea.status, idea.status_reason, idea.status_changed_at = status, reason, now
        idea.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])
        if status == IdeaStatus.SELECTED:
            change.ledger_sequence = _append_selection(
                actor=actor, idea=idea, reason=reason, at=now
            )
        change.save()
    return change


# --- supports --------------------------------------------------------------------------------


def recount_supports(idea_id: int) -> None:
    count = Support.objects.filter(idea_id=idea_id).count()
    Idea.objects.filter(pk=idea_id).update(support_count=count)


def trending_record_support(*, idea_id: int, supported_at: datetime, delta: int = 1) -> None:
    """Add (`delta=1`) or withdraw (`delta=-1`) one support's weight with a single UPDATE."""
    reference = reference_time()
    exponent = (supported_at - reference).total_seconds() / HALF_LIFE.total_seconds()
    # A support older than the window counts for nothing; the exponent is capped so that a
    # reference far in the past (no refresh for weeks) cannot overflow a float.
    if clock.now() - supported_at > WINDOW:
        return
    weight = 2.0 ** min(exponent, 60.0)
    Idea.objects.filter(pk=idea_id).update(trending_score=F("trending_score") + delta * weight)
    if delta < 0:
        # Rounding must never leave a score below zero for an idea without supports.
        Idea.objects.filter(pk=idea_id, trending_score__lt=0).update(trending_score=0.0)


def support_withdraw(*, idea: Idea, user: User) -> int:
    """Remove `user`'s support of `idea` without a rule check; answer how many were removed.

    For a person who becomes one of the idea's authors: their support would count for their own
    idea, which the support rule forbids to authors.
    """
    given = list(Support.objects.filter(idea=idea, user=user).values_list("pk", "created_at"))
    if not given:
        return 0
    Support.objects.filter(pk__in=[pk for pk, _at in given]).delete()
    Idea.objects.filter(pk=idea.pk, support_count__gte=len(given)).update(
        support_count=F("support_count") - len(given)
    )
    for _pk, supported_at in given:
        if trends(joined_at=user.date_joined, supported_at=supported_at):
            trending_record_support(idea_id=idea.pk, supported_at=supported_at, delta=-1)
    return len(given)


# --- attachments -----------------------------------------------------------------------------


def attachments_add(
    *, actor: User, idea: Idea, files: Iterable[UploadedFile] | None
) -> list[IdeaAttachment]:
    """Check and store `files` on `idea`; call it inside the idea service's transaction."""
    files = list(files or [])
    if not files:
        return []
    try:
        validate_count(existing=idea.attachments.count(), adding=len(files))
        content_types = [validate_upload(upload) for upload in files]
    except ValidationError as error:
        raise ValidationError({"attachments": error.messages}) from None
    stored = []
    for upload, content_type in zip(files, content_types, strict=True):
        original = clean_original_name(upload.name)
        # A random name: nothing of the person's file name reaches the file system.
        upload.name = f"{secrets.token_hex(16)}.{extension_of(original)}"
        attachment = IdeaAttachment(
            idea=idea,
            original_name=original,
            content_type=content_type,
            size=upload.size or 0,  # validate_upload refused an empty file
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def attachments_remove(*, idea: Idea, attachment_ids: Iterable[int] | None) -> list[str]:
    """Delete the idea's attachments with these ids (rows now, files on commit by the caller)."""
    doomed = list(idea.attachments.filter(pk__in=list(attachment_ids or [])))
    names = [a.file.name for a in doomed]
    for attachment in doomed:
        attachment.delete()
    return names


def delete_stored_files(names: Iterable[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        with contextlib.suppress(OSError):
            default_storage.delete(name)


# --- tags ------------------------------------------------------------------------------------


def tags_get_or_create(*, organisation: Organisation, names: Iterable[str]) -> list[Tag]:
    """The organisation's tags with these names, creating the missing ones (matched by slug).

    Call it inside the caller's transaction and permission check.
    """
    wanted = {slugify(name)[:60]: name.strip()[:60] for name in names if slugify(name)}
    existing = {
        tag.slug: tag for tag in Tag.objects.filter(organisation=organisation, slug__in=wanted)
    }
    for slug, name in wanted.items():
        if slug not in existing:
            existing[slug] = Tag.objects.create(organisation=organisation, name=name, slug=slug)
    return [existing[slug] for slug in wanted]


# --- scores ----------------------------------------------------------------------------------


def idea_score_recompute(*, idea: Idea) -> float | None:
    """Store the idea's weighted score (0-100) from its submitted evaluations.

    Takes the idea's row lock first (a no-op if the caller holds it already): two
    submissions recomputing at once would each miss the other's scores, and the last to
    commit would store a figure that leaves one of them out.
    """
    with transaction.atomic():
        list(Idea.objects.select_for_update().filter(pk=idea.pk).values_list("pk"))
        criteria = stats_criteria(
            Criterion.objects.filter(scorecard__challenge_id=idea.challenge_id)
        )
        rows = Score.objects.filter(
            evaluation__assignment__idea=idea, evaluation__submitted_at__isnull=False
        ).values_list("evaluation__assignment__evaluator_id", "criterion_id", "value")
        scores = [
            stats.Score(idea=idea.pk, evaluator=evaluator, criterion=criterion, value=value)
            for evaluator, criterion, value in rows
        ]
        results = stats.weighted_scores(scores, criteria, [idea.pk]) if criteria else []
        score = results[0].score if results else None
        Idea.objects.filter(pk=idea.pk).update(score=score)
    idea.score = score
    return score
