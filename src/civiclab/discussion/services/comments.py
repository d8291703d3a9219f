"""Writes for comments and replies on any discussable object.

Comments are not audited (they are public and attributable already); moderation is, in
`services.moderation`. A counter on the object (`Discussable.comment_count_field`) is kept
exact with F() updates in the same transaction as the row it counts.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Model
from django.utils.translation import gettext as _

from civiclab.accounts.models import User
from civiclab.core import clock, idempotency
from civiclab.core.notifications import notify
from civiclab.discussion import blind
from civiclab.discussion.models import Comment, Follow
from civiclab.discussion.registry import discussable_of
from civiclab.discussion.selectors import comment_target, target_filter

# Replies nest at most this deep (a top-level comment is level 1); a reply to a comment at
# the deepest level joins that comment's own thread instead of nesting further.
MAX_COMMENT_DEPTH = 3
COMMENT_MAX_LENGTH = 5000


def _require(actor: User | AnonymousUser, perm: str, obj: Model, message: str) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(message)


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


def _count_comments(target: Model, change: int) -> None:
    """Move the object's comment counter by `change`, never below zero."""
    counter = discussable_of(target).comment_count_field
    if not counter:
        return
    rows = type(target)._default_manager.filter(pk=target.pk)
    if change < 0:
        rows = rows.filter(**{f"{counter}__gte": -change})
    rows.update(**{counter: F(counter) + change})


def comment_depth(comment: Comment) -> int:
    """1 for a top-level comment, 2 for a reply, and so on."""
    depth, current = 1, comment
    while current.parent_id is not None and current.parent is not None:
        current = current.parent
        depth += 1
    return depth


def _reply_parent(*, target: Model, parent: Comment | None) -> Comment | None:
    if parent is None:
        return None
    if parent.content_type_id != target_filter(target)["content_type"].pk or (
        parent.object_id != target.pk
    ):
        raise ValidationError(
            {
                "parent": [
                    _("You can only reply to a comment on this %(kind)s.")
                    % {"kind": discussable_of(target).label}
                ]
            }
        )
    if parent.is_deleted or parent.is_hidden:
        raise ValidationError({"parent": [_("This comment can no longer be replied to.")]})
    while comment_depth(parent) >= MAX_COMMENT_DEPTH and parent.parent is not None:
        parent = parent.parent
    return parent


def comment_recipients(*, target: Model, actor: User, parent: Comment | None = None) -> set[int]:
    """Who hears of a new comment: authors, followers, the replied-to; never the writer."""
    recipients = set(discussable_of(target).authors(target))
    recipients |= set(
        Follow.objects.filter(**target_filter(target)).values_list("user_id", flat=True)
    )
    if parent is not None:
        recipients.add(parent.author_id)
    recipients.discard(actor.pk)
    return recipients


def comment_add(
    *,
    actor: User,
    target: Model,
    body: str,
    parent: Comment | None = None,
    idempotency_key: str = "",
) -> Comment:
    """Publish a comment (or a reply to `parent`).

    `idempotency_key`: the form's one-time token or the API's `Idempotency-Key`; sent again,
    it returns the comment the first request published instead of publishing a second.
    """
    discussable = discussable_of(target)
    _require(
        actor,
        discussable.comment_perm,
        target,
        _("You cannot comment on this %(kind)s now.") % {"kind": discussable.label},
    )
    body = _clean_body(body)
    idempotency_key = idempotency.clean_key(idempotency_key)
    scope = "comment:{}:{}:{}".format(
        target_filter(target)["content_type"].pk, target.pk, parent.pk if parent else ""
    )
    with transaction.atomic():
        earlier = idempotency.claim(user=actor, key=idempotency_key, scope=scope)
        if isinstance(earlier, Comment):
            return earlier
        parent = _reply_parent(target=target, parent=parent)
        comment = Comment.objects.create(
            **target_filter(target), parent=parent, author=actor, body=body
        )
        _count_comments(target, +1)
        idempotency.record(user=actor, key=idempotency_key, obj=comment)
        recipients = comment_recipients(target=target, actor=actor, parent=parent)
        if recipients:
            _notify_comment(target=target, comment=comment, actor=actor, recipients=recipients)
    return comment


def _notify_comment(*, target: Model, comment: Comment, actor: User, recipients: set[int]) -> None:
    discussable = discussable_of(target)
    users = list(get_user_model().objects.filter(pk__in=recipients))
    # Blind review: a comment by one of the authors must not name them to readers who may not
    # know the authors (evaluators who follow the idea, say).
    masked = [u for u in users if blind.masks_author(viewer=u, target=target, author_id=actor.pk)]
    named = [u for u in users if u not in masked]
    for readers, name in ((named, str(actor)), (masked, blind.masked_label(target))):
        if readers:
            notify(
                recipients=readers,
                verb="challenges.comment_added",
                title=_("New comment on “%(idea)s”") % {"idea": discussable.title(target)},
                body=_("%(name)s wrote: %(excerpt)s")
                % {"name": name, "excerpt": comment.body[:300]},
                url=f"{discussable.url(target)}#comment-{comment.pk}",
                about=target,
                # Only where the text names them: a masked notification keeps no link either.
                actor=actor if readers is named else None,
            )


def _change_live(comment: Comment, message: str, **changes: object) -> None:
    """Write `changes` to the comment only while it is neither deleted nor hidden.

    The rules say so too, but a superuser passes every permission check, and `comment` may
    be a copy read before someone else deleted or hid it: the condition goes into the UPDATE
    itself, so what was deleted stays deleted (and is not counted off twice) whoever asks.
    """
    live = Comment.objects.filter(pk=comment.pk, is_deleted=False, is_hidden=False)
    if not live.update(**changes):
        raise PermissionDenied(message)
    for name, value in changes.items():
        setattr(comment, name, value)


def comment_edit(*, actor: User, comment: Comment, body: str) -> Comment:
    _require(
        actor,
        "discussion.change_comment",
        comment,
        _("You can change your own comment only in the first 15 minutes."),
    )
    body = _clean_body(body)
    with transaction.atomic():
        _change_live(
            comment,
            _("This comment was deleted or hidden; it can no longer be changed."),
            body=body,
            edited_at=clock.now(),
        )
    return comment


def comment_delete(*, actor: User, comment: Comment) -> Comment:
    """Delete one's own comment: its text goes, its place (and its replies) stay."""
    _require(actor, "discussion.delete_comment", comment, _("You cannot delete this comment."))
    with transaction.atomic():
        _change_live(
            comment,
            _("You cannot delete this comment."),
            is_deleted=True,
            body="",
            edited_at=clock.now(),
        )
        _count_comments(comment_target(comment), -1)
    return comment


def comments_recount(*, target: Model) -> None:
    """Set the object's comment counter from its rows: comments neither deleted nor hidden."""
    counter = discussable_of(target).comment_count_field
    if not counter:
        return
    count = Comment.objects.filter(
        **target_filter(target), is_deleted=False, is_hidden=False
    ).count()
    type(target)._default_manager.filter(pk=target.pk).update(**{counter: count})


def comments_move(*, pks: set[int] | list[int], target: Model) -> None:
    """Put the comments `pks` on `target`'s thread (a merge carries them, an unmerge returns
    them); counters are the caller's to recount."""
    Comment.objects.filter(pk__in=pks).update(**target_filter(target))
