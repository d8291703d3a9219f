"""Writes for taking part in an idea: supports, comments and following.

Supports and comments are not audited (they are public and attributable already); moderation
is, in `services.moderation`. Counters on the idea are kept exact with F() updates in the
same transaction as the row they count.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from civiclab.challenges.models import Comment, Follow, Idea, Support
from civiclab.challenges.rules.participation import author_ids
from civiclab.core import clock
from civiclab.core.notifications import notify
from civiclab.core.ratelimit import count_action

from ._internal import trending_record_support

# Replies nest at most this deep (a top-level comment is level 1); a reply to a comment at
# the deepest level joins that comment's own thread instead of nesting further.
MAX_COMMENT_DEPTH = 3
COMMENT_MAX_LENGTH = 5000
# Support clicks per person per window; more is a script, not a citizen.
DEFAULT_SUPPORT_RATE = (60, 60)


def _require(actor, perm: str, obj, message: str) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(message)


# Following ---------------------------------------------------------------------------------


def idea_follow(*, user, idea: Idea) -> Follow:
    """Make `user` follow `idea` (idempotent, no permission check).

    For other services: an idea's authors follow it from the moment they submit it.
    """
    follow, _created = Follow.objects.get_or_create(idea=idea, user=user)
    return follow


@receiver(post_save, sender=Idea, dispatch_uid="challenges.participation.author_follows")
def _author_follows_new_idea(sender, instance: Idea, created: bool, raw: bool = False, **kwargs):
    """Authors follow their idea from the moment it exists, whichever service created it.

    After the commit and idempotent: code that adds the author's follow itself (in the same
    transaction) is not disturbed, and a rolled-back submission leaves nothing behind.
    """
    if created and not raw:
        idea_id, author_id = instance.pk, instance.author_id
        transaction.on_commit(
            lambda: Follow.objects.get_or_create(idea_id=idea_id, user_id=author_id)
        )


def idea_unfollow(*, user, idea: Idea) -> None:
    Follow.objects.filter(idea=idea, user=user).delete()


def follow_set(*, actor, idea: Idea, follow: bool) -> bool:
    """Follow or stop following an idea; returns whether `actor` now follows it."""
    _require(actor, "challenges.follow_idea", idea, _("You cannot follow this idea."))
    with transaction.atomic():
        if follow:
            idea_follow(user=actor, idea=idea)
        else:
            idea_unfollow(user=actor, idea=idea)
    return follow


# Supports ----------------------------------------------------------------------------------


def _support_rate() -> tuple[int, int]:
    return tuple(getattr(settings, "CHALLENGES_SUPPORT_RATE", DEFAULT_SUPPORT_RATE))


def check_support_rate(user) -> None:
    """Count one support action for `user`; raise RateLimited past the limit (fixed window)."""
    limit, seconds = _support_rate()
    count_action(
        key=f"challenges:support:{user.pk}",
        limit=limit,
        seconds=seconds,
        message=lambda wait: (
            _(
                "You have supported or withdrawn support too often in a short time. "
                "Please wait %(seconds)s seconds and try again."
            )
            % {"seconds": wait}
        ),
    )


@dataclass(frozen=True)
class SupportState:
    supported: bool
    count: int


def _support_state(*, idea: Idea, supported: bool) -> SupportState:
    idea.support_count = Idea.objects.values_list("support_count", flat=True).get(pk=idea.pk)
    return SupportState(supported=supported, count=idea.support_count)


def support_add(*, actor, idea: Idea) -> SupportState:
    """Support an idea. Supporting twice changes nothing (a double click, a retried POST)."""
    _require(actor, "challenges.support_idea", idea, _("You cannot support this idea."))
    check_support_rate(actor)
    with transaction.atomic():
        try:
            with transaction.atomic():
                support = Support.objects.create(idea=idea, user=actor)
        except IntegrityError:
            pass  # already supported: the unique constraint keeps one per person
        else:
            Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") + 1)
            trending_record_support(idea_id=idea.pk, supported_at=support.created_at)
        return _support_state(idea=idea, supported=True)


def support_remove(*, actor, idea: Idea) -> SupportState:
    """Withdraw a support; withdrawing one that does not exist changes nothing."""
    _require(actor, "challenges.support_idea", idea, _("You cannot change your support here."))
    check_support_rate(actor)
    with transaction.atomic():
        given = dict(Support.objects.filter(idea=idea, user=actor).values_list("pk", "created_at"))
        deleted, _rows = Support.objects.filter(pk__in=list(given)).delete()
        if deleted:
            Idea.objects.filter(pk=idea.pk, support_count__gte=deleted).update(
                support_count=F("support_count") - deleted
            )
            for supported_at in given.values():
                trending_record_support(idea_id=idea.pk, supported_at=supported_at, delta=-1)
        return _support_state(idea=idea, supported=False)


# Comments ----------------------------------------------------------------------------------


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Enter your comment.")]})
    if len(body) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "body": [
                    _("A comment can have at most %(max)s characters; yours has %(length)s.")
                    % {"max": COMMENT_MAX_LENGTH, "length": len(body)}
                ]
            }
        )
    return body


def comment_depth(comment: Comment) -> int:
    """1 for a top-level comment, 2 for a reply, and so on."""
    depth, current = 1, comment
    while current.parent_id is not None and current.parent is not None:
        current = current.parent
        depth += 1
    return depth


def _reply_parent(*, idea: Idea, parent: Comment | None) -> Comment | None:
    if parent is None:
        return None
    if parent.idea_id != idea.pk:
        raise ValidationError({"parent": [_("You can only reply to a comment on this idea.")]})
    if parent.is_deleted or parent.is_hidden:
        raise ValidationError({"parent": [_("This comment can no longer be replied to.")]})
    while comment_depth(parent) >= MAX_COMMENT_DEPTH and parent.parent is not None:
        parent = parent.parent
    return parent


def comment_recipients(*, idea: Idea, actor, parent: Comment | None = None) -> set[int]:
    """Who hears of a new comment: authors, followers, the replied-to; never the writer."""
    recipients = set(author_ids(idea))
    recipients |= set(Follow.objects.filter(idea=idea).values_list("user_id", flat=True))
    if parent is not None:
        recipients.add(parent.author_id)
    recipients.discard(actor.pk)
    return recipients


def comment_add(*, actor, idea: Idea, body: str, parent: Comment | None = None) -> Comment:
    _require(actor, "challenges.comment_idea", idea, _("You cannot comment on this idea now."))
    body = _clean_body(body)
    with transaction.atomic():
        parent = _reply_parent(idea=idea, parent=parent)
        comment = Comment.objects.create(idea=idea, parent=parent, author=actor, body=body)
        Idea.objects.filter(pk=idea.pk).update(comment_count=F("comment_count") + 1)
        recipients = comment_recipients(idea=idea, actor=actor, parent=parent)
        if recipients:
            _notify_comment(idea=idea, comment=comment, actor=actor, recipients=recipients)
    return comment


def _notify_comment(*, idea: Idea, comment: Comment, actor, recipients: set[int]) -> None:
    from django.contrib.auth import get_user_model

    users = list(get_user_model().objects.filter(pk__in=recipients))
    # Blind review: a comment by one of the idea's authors must not name them to readers the
    # rules keep from knowing the authors (evaluators who follow the idea, say).
    by_author = actor.pk in author_ids(idea)
    named = [u for u in users if not by_author or u.has_perm("challenges.view_idea_authors", idea)]
    masked = [u for u in users if u not in named]
    for readers, name in ((named, str(actor)), (masked, _("One of the idea's authors"))):
        if readers:
            notify(
                recipients=readers,
                verb="challenges.comment_added",
                title=_("New comment on “%(idea)s”") % {"idea": idea.title},
                body=_("%(name)s wrote: %(excerpt)s")
                % {"name": name, "excerpt": comment.body[:300]},
                url=f"{idea.get_absolute_url()}#comment-{comment.pk}",
            )


def comment_edit(*, actor, comment: Comment, body: str) -> Comment:
    _require(
        actor,
        "challenges.change_comment",
        comment,
        _("You can change your own comment only in the first 15 minutes."),
    )
    body = _clean_body(body)
    with transaction.atomic():
        comment.body = body
        comment.edited_at = clock.now()
        comment.save(update_fields=["body", "edited_at"])
    return comment


def comment_delete(*, actor, comment: Comment) -> Comment:
    """Delete one's own comment: its text goes, its place (and its replies) stay."""
    _require(actor, "challenges.delete_comment", comment, _("You cannot delete this comment."))
    with transaction.atomic():
        comment.is_deleted = True
        comment.body = ""
        comment.edited_at = clock.now()
        comment.save(update_fields=["is_deleted", "body", "edited_at"])
        Idea.objects.filter(pk=comment.idea_id, comment_count__gt=0).update(
            comment_count=F("comment_count") - 1
        )
    return comment


def recount_comments(idea_id: int) -> None:
    """Set the idea's comment count from its rows: comments neither deleted nor hidden."""
    count = Comment.objects.filter(idea_id=idea_id, is_deleted=False, is_hidden=False).count()
    Idea.objects.filter(pk=idea_id).update(comment_count=count)
