"""Writes for supporting an idea.

Supports are not audited (they are public and attributable already). The idea's support count
is kept exact with F() updates in the same transaction as the row it counts. Comments, follows
and reports are the discussion app's (`civiclab.discussion.services`).
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils.translation import gettext as _

from civiclab.accounts.models import User
from civiclab.challenges.models import Idea, Support
from civiclab.challenges.phases import require_open
from civiclab.core.ratelimit import count_action

from ._internal import trending_record_support
from .trending import trends

# Support clicks per person per window; more is a script, not a citizen.
DEFAULT_SUPPORT_RATE = (60, 60)


def _require(actor: User | AnonymousUser, perm: str, obj: Model | None, message: str) -> None:
    require_open(actor, perm, obj, message)


# Supports ----------------------------------------------------------------------------------


def _support_rate() -> tuple[int, int]:
    return tuple(getattr(settings, "CHALLENGES_SUPPORT_RATE", DEFAULT_SUPPORT_RATE))


def check_support_rate(user: User) -> None:
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


def support_add(*, actor: User, idea: Idea) -> SupportState:
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
            if trends(joined_at=actor.date_joined, supported_at=support.created_at):
                trending_record_support(idea_id=idea.pk, supported_at=support.created_at)
        return _support_state(idea=idea, supported=True)


def support_remove(*, actor: User, idea: Idea) -> SupportState:
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
                if trends(joined_at=actor.date_joined, supported_at=supported_at):
                    trending_record_support(idea_id=idea.pk, supported_at=supported_at, delta=-1)
        return _support_state(idea=idea, supported=False)
