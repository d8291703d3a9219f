"""Predicates for challenges and ideas, composed into named rules in `rules/`.

Every predicate takes `(user, obj)` where `obj` is a Challenge, an Idea, or anything with a
`challenge` or `idea` attribute; `challenge_of`/`idea_of` find the way. Role predicates come
from `organisations.predicates` and are checked against the object's own organisation, so a
role in one organisation never reaches another's challenges.
"""

import rules
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist

from civiclab.accounts.models import User
from civiclab.core import clock
from civiclab.organisations.predicates import (
    can_moderate,
    has_confirmed_email,
    is_decision_maker,
    is_evaluator,
    is_innovation_lead,
    is_member,
    is_org_admin,
    is_platform_admin,
    organisation_is_active,
)

from .models import (
    Audience,
    Challenge,
    CoAuthorStatus,
    EvaluatorAssignment,
    Event,
    Idea,
    IdeaStatus,
    MergeRecord,
    PhaseKind,
)
from .phases import PHASE_FEATURES


def challenge_of(obj: object) -> Challenge | None:
    if obj is None or isinstance(obj, Challenge):
        return obj
    if isinstance(obj, Idea):
        return obj.challenge
    challenge = getattr(obj, "challenge", None)
    if challenge is not None:
        return challenge
    idea = getattr(obj, "idea", None)
    return idea.challenge if idea is not None else None


def idea_of(obj: object) -> Idea | None:
    if obj is None or isinstance(obj, Idea):
        return obj
    return getattr(obj, "idea", None)


# Who runs challenges in an organisation.
is_challenge_manager = is_org_admin | is_innovation_lead


@rules.predicate
def is_published(user: User | AnonymousUser, obj: object) -> bool:
    challenge = challenge_of(obj)
    return challenge is not None and challenge.is_published


@rules.predicate
def is_invited(user: User | AnonymousUser, obj: object) -> bool:
    """The challenge invites this account's address, and the account has confirmed it."""
    challenge = challenge_of(obj)
    if challenge is None or not isinstance(user, User) or not has_confirmed_email(user):
        return False
    return challenge.invited_addresses.filter(email__iexact=user.email).exists()


@rules.predicate
def audience_admits(user: User | AnonymousUser, obj: object) -> bool:
    """The challenge's audience includes this person: everyone, staff, or the invited."""
    challenge = challenge_of(obj)
    if challenge is None:
        return False
    if challenge.audience == Audience.PUBLIC:
        return True
    if challenge.audience == Audience.STAFF:
        return bool(is_member(user, challenge))
    return bool(is_member(user, challenge) or is_invited(user, challenge))


def phase_allows(feature: str) -> rules.Predicate:
    """True while the running phase opens `feature` (the table in `challenges.phases`)."""

    @rules.predicate("phase_allows:" + feature)
    def predicate(user: User | AnonymousUser, obj: object) -> bool:
        challenge = challenge_of(obj)
        if challenge is None:
            return False
        return feature in PHASE_FEATURES[challenge.current_phase_kind(clock.now())]

    return predicate


def author_ids(idea: Idea) -> frozenset[int]:
    """The author and accepted co-authors of `idea`, cached on the instance (one query).

    Services that change who wrote an idea call `forget_author_ids` on the instance."""
    cached = idea.__dict__.get("_author_ids")
    if cached is None:
        coauthors = idea.coauthors.filter(status=CoAuthorStatus.ACCEPTED).values_list(
            "user_id", flat=True
        )
        cached = frozenset({idea.author_id, *coauthors})
        idea.__dict__["_author_ids"] = cached
    return cached


def forget_author_ids(idea: Idea) -> None:
    idea.__dict__.pop("_author_ids", None)


@rules.predicate
def is_idea_author(user: User | AnonymousUser, obj: object) -> bool:
    """The author or an accepted co-author of the idea."""
    idea = idea_of(obj)
    return bool(idea is not None and user.is_authenticated and user.pk in author_ids(idea))


@rules.predicate
def idea_is_visible(user: User | AnonymousUser, obj: object) -> bool:
    """Hidden (moderated) ideas are seen only by their authors and moderators."""
    idea = idea_of(obj)
    return idea is not None and not idea.is_hidden


# A deactivated organisation's challenges are seen only by its own people (and platform admins).
organisation_is_visible = organisation_is_active | is_member | is_platform_admin
can_view_challenge = organisation_is_visible & (
    (is_published & audience_admits) | is_challenge_manager | is_platform_admin
)
# Ideas -------------------------------------------------------------------------------------

EDITABLE_STATUSES = frozenset({IdeaStatus.SUBMITTED, IdeaStatus.UNDER_REVIEW})


@rules.predicate
def is_original_author(user: User | AnonymousUser, obj: object) -> bool:
    idea = idea_of(obj)
    return bool(idea is not None and user.is_authenticated and idea.author_id == user.pk)


@rules.predicate
def idea_is_editable(user: User | AnonymousUser, obj: object) -> bool:
    idea = idea_of(obj)
    return idea is not None and idea.status in EDITABLE_STATUSES


@rules.predicate
def idea_not_merged(user: User | AnonymousUser, obj: object) -> bool:
    """Merged ideas live on in the idea they were merged into."""
    idea = idea_of(obj)
    return idea is not None and idea.status != IdeaStatus.MERGED


runs_challenges = is_challenge_manager | is_platform_admin
can_view_idea = can_view_challenge & (
    idea_is_visible | is_idea_author | can_moderate | runs_challenges
)


# Taking part -------------------------------------------------------------------------------


@rules.predicate
def idea_is_open(user: User | AnonymousUser, obj: object) -> bool:
    """Neither merged into another idea nor declined."""
    idea = idea_of(obj)
    return idea is not None and idea.status not in (IdeaStatus.MERGED, IdeaStatus.DECLINED)


AWAITING_DECISION = (IdeaStatus.SUBMITTED, IdeaStatus.UNDER_REVIEW, IdeaStatus.SHORTLISTED)


@rules.predicate
def idea_awaits_decision(user: User | AnonymousUser, obj: object) -> bool:
    """Not yet selected, shelved, declined or merged: still open to being combined."""
    idea = idea_of(obj)
    return idea is not None and idea.status in AWAITING_DECISION


@rules.predicate
def merge_is_active(user: User | AnonymousUser, record: MergeRecord | None) -> bool:
    return record is not None and record.unmerged_at is None


@rules.predicate
def merge_target_not_merged(user: User | AnonymousUser, record: MergeRecord | None) -> bool:
    """A chain (A merged into C after B was merged into A) is undone from its end."""
    return record is not None and record.target.status != IdeaStatus.MERGED


can_merge = can_moderate | is_innovation_lead

# Taking part needs an account with a confirmed address and a place in the challenge's
# audience.
takes_part = has_confirmed_email & is_published & audience_admits


@rules.predicate
def may_merge_into_target(user: User | AnonymousUser, record: MergeRecord | None) -> bool:
    return record is not None and bool(can_merge.test(user, record.target))


# Evaluation ------------------------------------------------------------------------------


# A conflict of interest: the author or an accepted co-author. A pending invitation is not one,
# or an author could bar any evaluator (and lift blind review for them) by inviting them.
wrote_or_cowrote = is_idea_author


@rules.predicate
def is_assigned_evaluator(user: User | AnonymousUser, obj: object) -> bool:
    idea = idea_of(obj)
    if idea is None or not user.is_authenticated:
        return False
    return idea.assignments.filter(evaluator=user).exists()


@rules.predicate
def pairwise_enabled(user: User | AnonymousUser, obj: object) -> bool:
    challenge = challenge_of(obj)
    # The reverse one-to-one raises an AttributeError subclass when there is no scorecard.
    scorecard = getattr(challenge, "scorecard", None) if challenge is not None else None
    return bool(scorecard and scorecard.pairwise_enabled)


# The phases in which a blind scorecard keeps authors' names from those evaluating.
BLIND_REVIEW_PHASES: frozenset[str] = frozenset({PhaseKind.SUBMISSION, PhaseKind.REVIEW})


@rules.predicate
def blind_review_running(user: User | AnonymousUser, obj: object) -> bool:
    """A blind scorecard, and the ideas are still coming in or being scored."""
    challenge = challenge_of(obj)
    scorecard = getattr(challenge, "scorecard", None) if challenge is not None else None
    if challenge is None or not (scorecard and scorecard.blind):
        return False
    return challenge.current_phase_kind(clock.now()) in BLIND_REVIEW_PHASES


@rules.predicate
def evaluates_in_challenge(user: User | AnonymousUser, obj: object) -> bool:
    challenge = challenge_of(obj)
    if challenge is None or not user.is_authenticated:
        return False
    return EvaluatorAssignment.objects.filter(evaluator=user, idea__challenge=challenge).exists()


# Everyone who may evaluate in the challenge: an evaluator of its organisation (who may be
# assigned at any time, so is kept blind before being assigned too), or someone assigned.
may_evaluate_in_challenge = is_evaluator | evaluates_in_challenge


reads_evaluation_results = is_challenge_manager | is_decision_maker


# Events ----------------------------------------------------------------------------------


def _event_of(obj: object) -> Event | None:
    if obj is None or isinstance(obj, Event):
        return obj
    challenge = challenge_of(obj)
    return getattr(challenge, "event", None) if challenge is not None else None


@rules.predicate
def event_accepts_registrations(user: User | AnonymousUser, obj: object) -> bool:
    """The challenge has an event, its registration is open and it has not started yet."""
    try:
        event = _event_of(obj)
    except ObjectDoesNotExist:  # the challenge has no event
        return False
    return bool(event and event.registration_open and event.starts_at > clock.now())


# Role predicates the rules read through this module, next to the state predicates above.
__all__ = [
    "has_confirmed_email",
    "is_decision_maker",
    "is_evaluator",
    "is_innovation_lead",
    "is_member",
]
