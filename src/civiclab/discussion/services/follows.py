"""Following a discussable object: who hears of its comments and decisions."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from civiclab.accounts.models import User
from civiclab.discussion.models import Follow
from civiclab.discussion.registry import discussable_of
from civiclab.discussion.selectors import target_filter


def follow_ensure(*, user: User, target: Model) -> Follow:
    """Make `user` follow `target` (idempotent, no permission check).

    For other services: the authors of a new idea follow it from the moment they submit it,
    written by the submitting service in its own transaction.
    """
    follow, _created = Follow.objects.get_or_create(**target_filter(target), user=user)
    return follow


def follow_remove(*, user: User, target: Model) -> None:
    Follow.objects.filter(**target_filter(target), user=user).delete()


def follow_set(*, actor: User, target: Model, follow: bool) -> bool:
    """Follow or stop following `target`; returns whether `actor` now follows it."""
    discussable = discussable_of(target)
    if not actor.has_perm(discussable.follow_perm, target):
        raise PermissionDenied(_("You cannot follow this %(kind)s.") % {"kind": discussable.label})
    with transaction.atomic():
        if follow:
            follow_ensure(user=actor, target=target)
        else:
            follow_remove(user=actor, target=target)
    return follow


def follows_copy(*, source: Model, target: Model) -> None:
    """Everyone who follows `source` follows `target` too (a merge carries its followers)."""
    following = set(
        Follow.objects.filter(**target_filter(target)).values_list("user_id", flat=True)
    )
    new = (
        set(Follow.objects.filter(**target_filter(source)).values_list("user_id", flat=True))
        - following
    )
    Follow.objects.bulk_create(
        [Follow(**target_filter(target), user_id=user_id) for user_id in sorted(new)]
    )
