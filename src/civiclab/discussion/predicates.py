"""Predicates on comments and on the objects they discuss, asked through the registry.

A comment's object is its target (an idea, say); whether a person may read or report it is the
target's own rule, named by its registration.
"""

from datetime import timedelta

import rules
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model

from civiclab.accounts.models import User
from civiclab.core import clock

from .models import Comment
from .registry import discussable_of

# How long the author of a comment may still correct it.
COMMENT_EDIT_WINDOW = timedelta(minutes=15)


def _target(comment: Comment | None) -> Model | None:
    return comment.target if comment is not None else None


@rules.predicate
def is_comment_author(user: User | AnonymousUser, comment: Comment | None) -> bool:
    return bool(user.is_authenticated and comment is not None and comment.author_id == user.pk)


@rules.predicate
def comment_is_live(user: User | AnonymousUser, comment: Comment | None) -> bool:
    """Not deleted and not hidden by the moderators."""
    return comment is not None and not comment.is_deleted and not comment.is_hidden


@rules.predicate
def comment_recent(user: User | AnonymousUser, comment: Comment | None) -> bool:
    return comment is not None and clock.now() - comment.created_at <= COMMENT_EDIT_WINDOW


@rules.predicate
def target_readable(user: User | AnonymousUser, comment: Comment | None) -> bool:
    """The person may read the object the comment is on (its registration's rule)."""
    target = _target(comment)
    return target is not None and user.has_perm(discussable_of(target).read_perm, target)


@rules.predicate
def target_not_hidden(user: User | AnonymousUser, comment: Comment | None) -> bool:
    target = _target(comment)
    return target is not None and not discussable_of(target).is_hidden(target)


@rules.predicate
def target_not_frozen(user: User | AnonymousUser, comment: Comment | None) -> bool:
    """A frozen object (an idea merged into another) keeps its comments as they are."""
    target = _target(comment)
    return target is not None and not discussable_of(target).is_frozen(target)
