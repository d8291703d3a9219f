"""Rules for taking part in an idea: supports, comments, following, flags, moderation, merges.

The object of every rule here is an Idea; unmerging takes a MergeRecord. Rules about comments
themselves and the moderation queue are the discussion app's (`discussion.rules`); an idea's
registration there names the idea rules below for commenting, following, reporting and hiding.
"""

import rules
from django.contrib.auth.models import AnonymousUser

from civiclab.accounts.models import User
from civiclab.challenges import predicates as p
from civiclab.challenges.models import CoAuthorStatus, Idea, IdeaStatus, MergeRecord, PhaseKind
from civiclab.organisations.predicates import is_innovation_lead, is_platform_admin


def author_ids(idea: Idea) -> frozenset[int]:
    """The author and accepted co-authors of `idea`, cached on the instance (one query)."""
    cached = idea.__dict__.get("_participation_author_ids")
    if cached is None:
        coauthors = idea.coauthors.filter(status=CoAuthorStatus.ACCEPTED).values_list(
            "user_id", flat=True
        )
        cached = frozenset({idea.author_id, *coauthors})
        idea.__dict__["_participation_author_ids"] = cached
    return cached


def forget_author_ids(idea: Idea) -> None:
    idea.__dict__.pop("_participation_author_ids", None)


@rules.predicate
def is_author(user: User | AnonymousUser, obj: object) -> bool:
    """The author or an accepted co-author of the idea."""
    idea = p.idea_of(obj)
    return bool(idea is not None and user.is_authenticated and user.pk in author_ids(idea))


@rules.predicate
def idea_is_open(user: User | AnonymousUser, obj: object) -> bool:
    """Neither merged into another idea nor declined."""
    idea = p.idea_of(obj)
    return idea is not None and idea.status not in (IdeaStatus.MERGED, IdeaStatus.DECLINED)


@rules.predicate
def idea_not_merged(user: User | AnonymousUser, obj: object) -> bool:
    idea = p.idea_of(obj)
    return idea is not None and idea.status != IdeaStatus.MERGED


@rules.predicate
def idea_awaits_decision(user: User | AnonymousUser, obj: object) -> bool:
    """Not yet selected, shelved, declined or merged: still open to being combined."""
    idea = p.idea_of(obj)
    return idea is not None and idea.status in (
        IdeaStatus.SUBMITTED,
        IdeaStatus.UNDER_REVIEW,
        IdeaStatus.SHORTLISTED,
    )


@rules.predicate
def merge_is_active(user: User | AnonymousUser, record: MergeRecord | None) -> bool:
    return record is not None and record.unmerged_at is None


@rules.predicate
def merge_target_not_merged(user: User | AnonymousUser, record: MergeRecord | None) -> bool:
    """A chain (A merged into C after B was merged into A) is undone from its end."""
    return record is not None and record.target.status != IdeaStatus.MERGED


can_moderate = p.can_moderate | is_platform_admin
can_merge = can_moderate | is_innovation_lead
phase_allows_support = p.phase_is(PhaseKind.SUBMISSION, PhaseKind.REVIEW)
challenge_not_closed = ~p.phase_is(PhaseKind.CLOSED)

# Taking part needs an account and a place in the challenge's audience.
takes_part = rules.is_authenticated & p.is_published & p.audience_admits
# Reading an idea is the ideas area's rule; one definition, so pages and API agree.
can_read_idea = p.can_view_idea

rules.add_perm(
    "challenges.support_idea",
    takes_part & phase_allows_support & p.idea_is_visible & idea_is_open & ~is_author,
)
rules.add_perm(
    "challenges.comment_idea",
    takes_part & challenge_not_closed & p.idea_is_visible & idea_not_merged,
)
rules.add_perm("challenges.follow_idea", rules.is_authenticated & can_read_idea)
rules.add_perm(
    "challenges.flag_idea",
    rules.is_authenticated & p.can_view_challenge & p.idea_is_visible & ~is_author,
)
rules.add_perm("challenges.moderate_idea", can_moderate)
rules.add_perm("challenges.merge_idea", can_merge & idea_awaits_decision & challenge_not_closed)


@rules.predicate
def may_merge_into_target(user: User | AnonymousUser, record: MergeRecord | None) -> bool:
    return record is not None and bool(can_merge.test(user, record.target))


rules.add_perm(
    "challenges.unmerge_idea", may_merge_into_target & merge_is_active & merge_target_not_merged
)
