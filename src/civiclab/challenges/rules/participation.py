"""Rules for participation: supports, comments, following, flags, moderation and merges.

The object of every idea rule is an Idea; comment rules take a Comment; the moderation queue
rule takes an Organisation; unmerging takes a MergeRecord.
"""

from datetime import timedelta

import rules
from django.contrib.auth.models import AnonymousUser

from civiclab.accounts.models import User
from civiclab.challenges import predicates as p
from civiclab.challenges.models import (
    CoAuthorStatus,
    Comment,
    Idea,
    IdeaStatus,
    MergeRecord,
    PhaseKind,
)
from civiclab.core import clock
from civiclab.organisations.predicates import is_innovation_lead, is_platform_admin

# How long the author of a comment may still correct it.
COMMENT_EDIT_WINDOW = timedelta(minutes=15)


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
    """The author or an accepted co-author of the idea (of a comment: of its idea)."""
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
rules.add_perm(
    "challenges.flag_comment",
    rules.is_authenticated
    & p.can_view_challenge
    & comment_is_live
    & p.idea_is_visible
    & ~is_comment_author,
)
rules.add_perm(
    "challenges.change_comment",
    is_comment_author & comment_is_live & comment_recent & idea_not_merged,
)
rules.add_perm("challenges.delete_comment", is_comment_author & comment_is_live)
rules.add_perm("challenges.moderate_idea", can_moderate)
rules.add_perm("challenges.moderate_comment", can_moderate)
# The organisation's moderation queue (the object is the Organisation).
rules.add_perm("challenges.view_moderation_queue", can_moderate)
rules.add_perm("challenges.merge_idea", can_merge & idea_awaits_decision & challenge_not_closed)


@rules.predicate
def may_merge_into_target(user: User | AnonymousUser, record: MergeRecord | None) -> bool:
    return record is not None and bool(can_merge.test(user, record.target))


rules.add_perm(
    "challenges.unmerge_idea", may_merge_into_target & merge_is_active & merge_target_not_merged
)


def _connect_participation() -> None:
    """Hooks that must exist in every process; rules load with the app registry.

    The participation services connect the receiver that makes authors follow their new
    ideas; the organisation's page gets a moderation section for its moderators.
    """
    from civiclab.challenges.selectors.moderation import organisation_section_context
    from civiclab.challenges.services import participation  # noqa: F401
    from civiclab.core import page_sections

    page_sections.register(
        page_sections.ORGANISATION,
        "challenges/moderation/organisation_section.html",
        get_context=organisation_section_context,
        order=90,
    )


_connect_participation()
