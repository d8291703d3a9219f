"""Blind review, decided in one place: whether a reader may learn who wrote a contribution.

While a registered object is under blind review, the people its registration does not let
know its authors (`Discussable.shows_authors`; for ideas, evaluators of a blind scorecard)
read the comments of those authors as written by "one of the idea's authors". Pages, the API,
notifications and the moderation queue all ask `masks_author`, or `masked_author_ids` when
they decide for a whole thread at once; nothing else decides it.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model

from civiclab.accounts.models import User

from .registry import discussable_of


def shows_authors(*, viewer: User | AnonymousUser, target: Model) -> bool:
    """Whether `viewer` may know who wrote `target`."""
    return bool(discussable_of(target).shows_authors(viewer, target))


def masked_author_ids(
    *, viewer: User | AnonymousUser, target: Model, shows: bool | None = None
) -> frozenset[int]:
    """The people whose contributions on `target` must not name them to `viewer`.

    `shows` passes a verdict of `shows_authors` already reached for this request.
    """
    if shows is None:
        shows = shows_authors(viewer=viewer, target=target)
    return frozenset() if shows else frozenset(discussable_of(target).authors(target))


def masks_author(*, viewer: User | AnonymousUser, target: Model, author_id: int | None) -> bool:
    """Whether a contribution on `target` by `author_id` must hide its writer from `viewer`."""
    return author_id is not None and author_id in masked_author_ids(viewer=viewer, target=target)


def masked_label(target: Model) -> str:
    """What a reader sees in place of a masked writer's name ("One of the idea's authors")."""
    return str(discussable_of(target).masked_label)


def author_label(*, author: User, target: Model, masked_ids: frozenset[int]) -> str:
    """The writer's name, or the masked label when `masked_ids` hides them."""
    if author.pk in masked_ids:
        return masked_label(target)
    return str(author)
