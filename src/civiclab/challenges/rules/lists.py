"""Rules for idea lists, search and exports (see ../predicates.py)."""

import rules

from civiclab.challenges import predicates as p
from civiclab.organisations.predicates import is_platform_admin

# Seeing a challenge's idea list follows seeing the challenge itself: staff-only and
# invitation-only challenges stay invisible to everyone else.
rules.add_perm("challenges.list_ideas", p.can_view_challenge)

# Hidden ideas appear in lists (marked as hidden) to the people who moderate them.
rules.add_perm("challenges.view_hidden_ideas", p.can_moderate)

# Evaluation scores are internal: only the people who run challenges sort or export by them.
rules.add_perm("challenges.view_idea_scores", p.is_challenge_manager | is_platform_admin)

# Any role in the organisation may export its ideas (spreadsheets for staff meetings).
rules.add_perm("challenges.export_ideas", p.is_member | is_platform_admin)
