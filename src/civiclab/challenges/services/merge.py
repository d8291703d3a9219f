"""Merging a duplicate idea into another, and undoing it exactly.

A merge of B into A: B's status becomes `merged` and B points at A; everyone who supported B
but not A now supports A (a person counts once); B's comments move to A's thread; B's author
and co-authors become co-authors of A; B's followers follow A. The MergeRecord keeps what was
added, so an unmerge takes away exactly that and gives B back its previous status.
B's own support rows stay on B: its history is untouched and the unmerge has nothing to
reconstruct.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from civiclab.accounts.models import User
from civiclab.challenges.audit import AuditAction
from civiclab.challenges.models import (
    CoAuthor,
    CoAuthorStatus,
    Idea,
    IdeaStatus,
    MergeRecord,
    Support,
)
from civiclab.challenges.predicates import AWAITING_DECISION, author_ids, forget_author_ids
from civiclab.core import clock
from civiclab.core.errors import CONFLICT
from civiclab.core.limits import SHORT_TEXT, too_long_message
from civiclab.core.notifications import notify
from civiclab.core.services import audit_record
from civiclab.discussion.services.comments import comments_move, comments_recount
from civiclab.discussion.services.follows import follows_copy

from ._internal import record_status_change, recount_supports

REASON_MAX_LENGTH = SHORT_TEXT


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why these ideas are one; authors will read it.")]})
    if len(reason) > REASON_MAX_LENGTH:
        message = too_long_message(limit=REASON_MAX_LENGTH, length=len(reason))
        raise ValidationError({"reason": [message]}, code="max_length")
    return reason


def _check_pair(source: Idea, target: Idea) -> None:
    if source.pk == target.pk:
        raise ValidationError({"target": [_("An idea cannot be merged into itself.")]})
    if source.challenge_id != target.challenge_id:
        raise ValidationError(
            {"target": [_("Choose an idea of the same challenge to merge into.")]}
        )
    if target.status == IdeaStatus.MERGED:
        raise ValidationError(
            {"target": [_("That idea is itself merged; choose the idea it was merged into.")]}
        )


def _locked(idea_id: int) -> Idea:
    """The idea with its row locked (its challenge and organisation read, not locked)."""
    return (
        Idea.objects.select_for_update(of=("self",))
        .select_related("challenge", "organisation")
        .get(pk=idea_id)
    )


def _recheck_merge_rule(actor: User, source: Idea, target: Idea) -> None:
    """The merge rule again, on the locked rows: a decision taken on either idea while the
    merge waited for its locks (selected, shelved, declined, merged) wins over the merge."""
    for idea in (source, target):
        if idea.status not in AWAITING_DECISION:
            raise ValidationError(
                _("“%(title)s” is now “%(status)s”, so it can no longer be merged.")
                % {"title": idea.title, "status": IdeaStatus(idea.status).label},
                code="decided",
            )
    if not (
        actor.has_perm("challenges.merge_idea", source)
        and actor.has_perm("challenges.merge_idea", target)
    ):
        raise PermissionDenied(_("You can no longer merge these ideas."))


def idea_merge(*, actor: User, source: Idea, target: Idea, reason: str) -> MergeRecord:
    """Merge `source` into `target`; returns the record an unmerge works from."""
    if not actor.has_perm("challenges.merge_idea", source):
        raise PermissionDenied(_("Only moderators and innovation leads can merge ideas."))
    if not actor.has_perm("challenges.merge_idea", target):
        raise PermissionDenied(_("You cannot merge into this idea."))
    reason = _clean_reason(reason)
    _check_pair(source, target)
    with transaction.atomic():
        # Lock in id order so two merges of the same pair cannot deadlock.
        first, second = sorted([source.pk, target.pk])
        locked = {first: _locked(first), second: _locked(second)}
        source, target = locked[source.pk], locked[target.pk]
        if source.status == IdeaStatus.MERGED:
            raise ValidationError(_("This idea has already been merged."))
        _check_pair(source, target)
        _recheck_merge_rule(actor, source, target)
        record = MergeRecord.objects.create(
            source=source,
            target=target,
            actor=actor,
            reason=reason,
            previous_status=source.status,
            moved_support_user_ids=_carry_supports(source, target),
            moved_comment_ids=_carry_comments(source, target),
            added_coauthor_user_ids=_carry_coauthors(source, target, actor),
        )
        _carry_followers(source, target)
        record_status_change(actor=actor, idea=source, status=IdeaStatus.MERGED, reason=reason)
        Idea.objects.filter(pk=source.pk).update(merged_into=target)
        source.merged_into = target
        _recount(source, target)
        audit_record(
            actor=actor,
            action=AuditAction.IDEA_MERGED,
            subject=source,
            organisation_id=source.organisation_id,
            details={
                "reason": reason,
                "target_id": target.pk,
                "merge_id": record.pk,
                "supports_carried": len(record.moved_support_user_ids),
                "comments_carried": len(record.moved_comment_ids),
                "coauthors_added": len(record.added_coauthor_user_ids),
            },
        )
        _notify_both(
            source,
            target,
            title=_("“%(source)s” was merged into “%(target)s”")
            % {"source": source.title, "target": target.title},
            body=reason,
            about=target,
        )
    return record


def _carry_supports(source: Idea, target: Idea) -> list[int]:
    """Copy to `target` the supports of people who supported `source` only; return their ids."""
    already = set(Support.objects.filter(idea=target).values_list("user_id", flat=True))
    # Authors do not support their own idea.
    excluded = already | set(author_ids(target))
    moved = sorted(
        set(Support.objects.filter(idea=source).values_list("user_id", flat=True)) - excluded
    )
    Support.objects.bulk_create([Support(idea=target, user_id=user_id) for user_id in moved])
    return moved


def _carry_comments(source: Idea, target: Idea) -> list[int]:
    ids = sorted(source.comments.values_list("pk", flat=True))
    comments_move(pks=ids, target=target)
    return ids


def _carry_coauthors(source: Idea, target: Idea, actor: User) -> list[int]:
    """The source's authors join the target as accepted co-authors (unless already on it)."""
    on_target = set(CoAuthor.objects.filter(idea=target).values_list("user_id", flat=True))
    on_target.add(target.author_id)
    added = sorted(set(author_ids(source)) - on_target)
    now = clock.now()
    CoAuthor.objects.bulk_create(
        [
            CoAuthor(
                idea=target,
                user_id=user_id,
                status=CoAuthorStatus.ACCEPTED,
                invited_by=actor,
                responded_at=now,
            )
            for user_id in added
        ]
    )
    forget_author_ids(target)
    return added


def _carry_followers(source: Idea, target: Idea) -> None:
    follows_copy(source=source, target=target)


def _recount(*ideas: Idea) -> None:
    for idea in ideas:
        recount_supports(idea.pk)
        comments_recount(target=idea)
        idea.refresh_from_db(fields=["support_count", "comment_count"])


def _notify_both(source: Idea, target: Idea, *, title: str, body: str, about: Idea) -> None:
    people = author_ids(source) | author_ids(target)
    notify(
        recipients=list(get_user_model().objects.filter(pk__in=people)),
        verb="challenges.idea_merged",
        title=title,
        body=body,
        url=about.get_absolute_url(),
        about=about,
    )


# Unmerge -----------------------------------------------------------------------------------


def merge_undo(*, actor: User, record: MergeRecord, reason: str = "") -> MergeRecord:
    """Undo a merge: take back what it added to the target and restore the source's status."""
    record = MergeRecord.objects.select_related("source", "target").get(pk=record.pk)
    if not actor.has_perm("challenges.unmerge_idea", record):
        if record.unmerged_at is not None:
            raise ValidationError(_("This merge has already been undone."), code=CONFLICT)
        raise PermissionDenied(_("Only moderators and innovation leads can undo a merge."))
    reason = (reason or "").strip() or _("The merge was undone.")
    with transaction.atomic():
        record = MergeRecord.objects.select_for_update().get(pk=record.pk)
        if record.unmerged_at is not None:
            raise ValidationError(_("This merge has already been undone."), code=CONFLICT)
        first, second = sorted([record.source_id, record.target_id])
        locked = {first: _locked(first), second: _locked(second)}
        source, target = locked[record.source_id], locked[record.target_id]
        # The rule again, on the locked rows: the target may have been merged further since.
        record.source, record.target = source, target
        if target.status == IdeaStatus.MERGED:
            raise ValidationError(
                _("“%(title)s” has since been merged too; undo that merge first.")
                % {"title": target.title}
            )
        if not actor.has_perm("challenges.unmerge_idea", record):
            raise PermissionDenied(_("Only moderators and innovation leads can undo a merge."))
        Support.objects.filter(idea=target, user_id__in=record.moved_support_user_ids).delete()
        _return_comments(record, source, target)
        CoAuthor.objects.filter(idea=target, user_id__in=record.added_coauthor_user_ids).delete()
        forget_author_ids(target)
        previous = record.previous_status or IdeaStatus.SUBMITTED
        record_status_change(actor=actor, idea=source, status=previous, reason=reason)
        Idea.objects.filter(pk=source.pk).update(merged_into=None)
        source.merged_into = None
        _recount(source, target)
        record.unmerged_at = clock.now()
        record.unmerged_by = actor
        record.save(update_fields=["unmerged_at", "unmerged_by"])
        audit_record(
            actor=actor,
            action=AuditAction.IDEA_UNMERGED,
            subject=source,
            organisation_id=source.organisation_id,
            details={"reason": reason, "target_id": target.pk, "merge_id": record.pk},
        )
        _notify_both(
            source,
            target,
            title=_("“%(source)s” is a separate idea again") % {"source": source.title},
            body=reason,
            about=source,
        )
    return record


def _return_comments(record: MergeRecord, source: Idea, target: Idea) -> None:
    """The carried comments go back, with replies written to them in the meantime."""
    moving = set(
        target.comments.filter(pk__in=record.moved_comment_ids).values_list("pk", flat=True)
    )
    children = dict(target.comments.filter(parent__isnull=False).values_list("pk", "parent_id"))
    grew = True
    while grew:
        more = {pk for pk, parent in children.items() if parent in moving and pk not in moving}
        moving |= more
        grew = bool(more)
    comments_move(pks=moving, target=source)
