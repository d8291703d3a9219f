"""Rules for ideas: reading, submitting, editing, co-authors and the status workflow.

Objects: `add_idea` takes a Challenge; every other rule takes an Idea.

- Anyone who may see the challenge reads its ideas; a hidden idea only its authors, the
  moderators and the challenge's managers.
- Submitting needs an account with a confirmed e-mail address, a published challenge in its
  submission phase, and a place in its audience.
- The author and accepted co-authors edit while the idea is submitted or under review and
  the challenge is not closed; only the author invites and removes co-authors.
- Status changes are permitted by the target status (see `services/status.py`): challenge
  managers move ideas between submitted, under review, on the shelf and declined; they
  shortlist during the review and selection phases; decision makers select during the
  selection phase. Merges go through `merge_idea` instead.
"""

import rules

from civiclab.challenges import phases
from civiclab.challenges import predicates as p
from civiclab.organisations.predicates import is_platform_admin

rules.add_perm("challenges.view_idea", p.can_view_idea)
rules.add_perm(
    "challenges.add_idea",
    p.has_confirmed_email
    & p.can_view_challenge
    & p.is_published
    & p.phase_allows(phases.ADD_IDEA)
    & p.audience_admits,
)
rules.add_perm(
    "challenges.change_idea",
    p.is_idea_author
    & p.can_view_challenge
    & p.idea_is_editable
    & p.phase_allows(phases.CHANGE_IDEA),
)
rules.add_perm(
    "challenges.manage_coauthors", p.is_original_author & p.can_view_challenge & p.idea_not_merged
)

# The status workflow: one rule per kind of decision, chosen by the target status.
rules.add_perm("challenges.change_idea_status", p.runs_challenges & p.idea_not_merged)
rules.add_perm(
    "challenges.shortlist_idea",
    p.runs_challenges & p.idea_not_merged & p.phase_allows(phases.SHORTLIST_IDEA),
)
rules.add_perm(
    "challenges.select_idea",
    (p.is_decision_maker | is_platform_admin)
    & p.idea_not_merged
    & p.phase_allows(phases.SELECT_IDEA),
)
