"""Predicates for challenges and ideas, composed into named rules in `rules/`.

Every predicate takes `(user, obj)` where `obj` is a Challenge, an Idea, or anything with a
`challenge` or `idea` attribute; `challenge_of`/`idea_of` find the way. Role predicates come
from `organisations.predicates` and are checked against the object's own organisation, so a
role in one organisation never reaches another's challenges.
"""

import rules

from civiclab.core import clock
from civiclab.organisations.predicates import (
    is_decision_maker,
    is_evaluator,
    is_innovation_lead,
    is_member,
    is_moderator,
    is_org_admin,
    is_platform_admin,
)

from .models import Audience, Challenge, CoAuthorStatus, Idea, PhaseKind


def challenge_of(obj) -> Challenge | None:
    if obj is None or isinstance(obj, Challenge):
        return obj
    if isinstance(obj, Idea):
        return obj.challenge
    challenge = getattr(obj, "challenge", None)
    if challenge is not None:
        return challenge
    idea = getattr(obj, "idea", None)
    return idea.challenge if idea is not None else None


def idea_of(obj) -> Idea | None:
    if obj is None or isinstance(obj, Idea):
        return obj
    return getattr(obj, "idea", None)


# Who runs challenges in an organisation.
is_challenge_manager = is_org_admin | is_innovation_lead


@rules.predicate
def is_published(user, obj) -> bool:
    challenge = challenge_of(obj)
    return challenge is not None and challenge.is_published


@rules.predicate
def is_invited(user, obj) -> bool:
    challenge = challenge_of(obj)
    if challenge is None or not user.is_authenticated:
        return False
    return challenge.invited.filter(pk=user.pk).exists()


@rules.predicate
def audience_admits(user, obj) -> bool:
    """The challenge's audience includes this person: everyone, staff, or the invited."""
    challenge = challenge_of(obj)
    if challenge is None:
        return False
    if challenge.audience == Audience.PUBLIC:
        return True
    if challenge.audience == Audience.STAFF:
        return bool(is_member(user, challenge))
    return bool(is_member(user, challenge) or is_invited(user, challenge))


def phase_is(*kinds: str):
    """True while the challenge's current phase is one of `kinds` (by the clock, not a flag)."""
    wanted = frozenset(kinds)

    @rules.predicate("phase_is:" + ",".join(sorted(wanted)))
    def predicate(user, obj) -> bool:
        challenge = challenge_of(obj)
        return challenge is not None and challenge.current_phase_kind(clock.now()) in wanted

    return predicate


submission_open = phase_is(PhaseKind.SUBMISSION)
review_open = phase_is(PhaseKind.REVIEW)
selection_open = phase_is(PhaseKind.SELECTION)


@rules.predicate
def is_idea_author(user, obj) -> bool:
    """The author or an accepted co-author of the idea."""
    idea = idea_of(obj)
    if idea is None or not user.is_authenticated:
        return False
    if idea.author_id == user.pk:
        return True
    return idea.coauthors.filter(user=user, status=CoAuthorStatus.ACCEPTED).exists()


@rules.predicate
def idea_is_visible(user, obj) -> bool:
    """Hidden (moderated) ideas are seen only by their authors and moderators."""
    idea = idea_of(obj)
    return idea is not None and not idea.is_hidden


can_view_challenge = (is_published & audience_admits) | is_challenge_manager | is_platform_admin
can_moderate = is_moderator | is_org_admin

__all__ = [
    "audience_admits",
    "can_moderate",
    "can_view_challenge",
    "challenge_of",
    "idea_is_visible",
    "idea_of",
    "is_challenge_manager",
    "is_decision_maker",
    "is_evaluator",
    "is_idea_author",
    "is_invited",
    "is_member",
    "is_published",
    "phase_is",
    "review_open",
    "selection_open",
    "submission_open",
]
