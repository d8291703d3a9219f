"""Rules for taking part in an idea: supports, comments, following, flags, moderation, merges.

Every way of taking part needs an account whose e-mail address is confirmed
(`has_confirmed_email`, inside `takes_part`). The object of every rule here is an Idea;
unmerging takes a MergeRecord. Rules about comments themselves and the moderation queue are the
discussion app's (`discussion.rules`); an idea's registration there names the idea rules below
for commenting, following, reporting and hiding.
"""

import rules

from civiclab.challenges import predicates as p
from civiclab.challenges.phases import COMMENT, MERGE_IDEA, SUPPORT_IDEA

rules.add_perm(
    "challenges.support_idea",
    p.takes_part
    & p.phase_allows(SUPPORT_IDEA)
    & p.idea_is_visible
    & p.idea_is_open
    & ~p.is_idea_author,
)
rules.add_perm(
    "challenges.comment_idea",
    p.takes_part & p.phase_allows(COMMENT) & p.idea_is_visible & p.idea_not_merged,
)
# Following sends e-mail to the account's address, so it needs a confirmed one.
rules.add_perm("challenges.follow_idea", p.has_confirmed_email & p.can_view_idea)
rules.add_perm(
    "challenges.flag_idea",
    p.has_confirmed_email & p.can_view_challenge & p.idea_is_visible & ~p.is_idea_author,
)
rules.add_perm("challenges.moderate_idea", p.can_moderate)
# Those who merge see an idea's merges, to review or undo them, whatever the idea's state.
rules.add_perm("challenges.view_idea_merges", p.can_merge)
rules.add_perm(
    "challenges.merge_idea", p.can_merge & p.idea_awaits_decision & p.phase_allows(MERGE_IDEA)
)
rules.add_perm(
    "challenges.unmerge_idea",
    p.may_merge_into_target & p.merge_is_active & p.merge_target_not_merged,
)
