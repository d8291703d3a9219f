"""Loading comments for a person (see `core.access`).

A comment is visible exactly when the object it is on is (its registration's `read_perm`;
hidden comments are placeholders there), and is looked up within that object when one is
given, so an id from another thread is simply not found.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model

from civiclab.accounts.models import User
from civiclab.core.access import NotVisible, require, visible_or_raise

from .models import Comment
from .registry import Discussable, discussable_of, target_of
from .selectors import target_filter


def target_for_user(
    *,
    user: User | AnonymousUser,
    on: Discussable,
    pk: int,
    org_slug: str | None = None,
    perm: str = "",
    message: str = "",
) -> Model:
    """A registered object (an idea, say) the person may read, by its id, within the
    organisation `org_slug` when the address names one; `perm` as for every loader."""
    objects = on.objects().filter(pk=pk)
    if org_slug is not None:
        objects = objects.filter(**{f"{on.organisation_field}__slug": org_slug})
    return visible_or_raise(
        objects.first(), user=user, view_perm=on.read_perm, perm=perm, message=message
    )


def comment_for_user(
    *,
    user: User | AnonymousUser,
    pk: int,
    target: Model | None = None,
    organisation_slug: str | None = None,
    perm: str = "",
    message: str = "",
) -> Comment:
    """A comment on an object the person may read: on `target` when given (a reply's
    parent), of the organisation `organisation_slug` when given (the page's address)."""
    comments = Comment.objects.select_related("author", "parent").filter(pk=pk)
    if target is not None:
        comments = comments.filter(**target_filter(target))
    comment = comments.first()
    if comment is None:
        raise NotVisible
    on = target if target is not None else target_of(comment.content_type_id, comment.object_id)
    if on is None:
        raise NotVisible
    discussable = discussable_of(on)
    if organisation_slug is not None and discussable.organisation_of(on).slug != organisation_slug:
        raise NotVisible
    visible_or_raise(on, user=user, view_perm=discussable.read_perm)
    comment.target = on
    if perm:
        require(user, perm, comment, message)
    return comment
