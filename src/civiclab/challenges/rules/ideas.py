"""Rules for ideas: reading, submitting, editing, co-authors and the status workflow.

Objects: `add_idea` takes a Challenge; every other rule takes an Idea.

- Anyone who may see the challenge reads its ideas; a hidden idea only its authors, the
  moderators and the challenge's managers.
- Submitting needs an account, a published challenge in its submission phase, and a place
  in its audience.
- The author and accepted co-authors edit while the idea is submitted or under review and
  the challenge is not closed; only the author invites and removes co-authors.
- Status changes are permitted by the target status (see `services/status.py`): challenge
  managers move ideas between submitted, under review, on the shelf and declined; they
  shortlist during the review and selection phases; decision makers select during the
  selection phase. Merges go through `merge_idea` instead.
"""

import rules

from civiclab.challenges import predicates as p
from civiclab.challenges.models import IdeaStatus, PhaseKind
from civiclab.organisations.predicates import is_platform_admin

EDITABLE_STATUSES = frozenset({IdeaStatus.SUBMITTED, IdeaStatus.UNDER_REVIEW})


@rules.predicate
def is_original_author(user, obj) -> bool:
    idea = p.idea_of(obj)
    return bool(idea is not None and user.is_authenticated and idea.author_id == user.pk)


@rules.predicate
def idea_is_editable(user, obj) -> bool:
    idea = p.idea_of(obj)
    return idea is not None and idea.status in EDITABLE_STATUSES


@rules.predicate
def idea_not_merged(user, obj) -> bool:
    idea = p.idea_of(obj)
    return idea is not None and idea.status != IdeaStatus.MERGED


challenge_not_closed = ~p.phase_is(PhaseKind.CLOSED)
runs_challenges = p.is_challenge_manager | is_platform_admin

can_view_idea = p.can_view_challenge & (
    p.idea_is_visible | p.is_idea_author | p.can_moderate | runs_challenges
)
can_add_idea = (
    rules.is_authenticated
    & p.can_view_challenge
    & p.is_published
    & p.submission_open
    & p.audience_admits
)
can_change_idea = p.is_idea_author & p.can_view_challenge & idea_is_editable & challenge_not_closed
can_manage_coauthors = is_original_author & p.can_view_challenge & idea_not_merged

rules.add_perm("challenges.view_idea", can_view_idea)
rules.add_perm("challenges.add_idea", can_add_idea)
rules.add_perm("challenges.change_idea", can_change_idea)
rules.add_perm("challenges.manage_coauthors", can_manage_coauthors)

# The status workflow: one rule per kind of decision, chosen by the target status.
rules.add_perm("challenges.change_idea_status", runs_challenges & idea_not_merged)
rules.add_perm(
    "challenges.shortlist_idea",
    runs_challenges & idea_not_merged & (p.review_open | p.selection_open),
)
rules.add_perm(
    "challenges.select_idea",
    (p.is_decision_maker | is_platform_admin) & idea_not_merged & p.selection_open,
)
