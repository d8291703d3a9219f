"""Rules for evaluation: scorecards, evaluator assignments, scoring, results and pairwise
comparison (see ../predicates.py).

Conflict of interest is part of the rule, not only of the assignment service: a person who
wrote the idea, or accepted to co-write it, never scores it, even if an assignment slipped
through. A pending invitation is no conflict (an author could otherwise bar any evaluator by
inviting them), and inviting an assigned evaluator is refused by `coauthor_invite`.
"""

import rules

from civiclab.challenges import phases
from civiclab.challenges import predicates as p

# Managers set up the scorecard and assign evaluators; decision makers read results;
# evaluators read the scorecard they score against.
rules.add_perm("challenges.manage_scorecard", p.is_challenge_manager)
rules.add_perm(
    "challenges.assign_evaluators",
    p.is_challenge_manager & p.phase_allows(phases.ASSIGN_EVALUATORS),
)
rules.add_perm(
    "challenges.evaluate_idea",
    p.is_evaluator
    & p.is_assigned_evaluator
    & ~p.wrote_or_cowrote
    & p.idea_not_merged
    & p.phase_allows(phases.EVALUATE_IDEA),
)
rules.add_perm("challenges.view_evaluation_results", p.reads_evaluation_results)
rules.add_perm("challenges.view_scorecard", p.reads_evaluation_results | p.is_evaluator)
# Pairwise comparison is open to anyone who can see the challenge and has confirmed their
# e-mail address (one address, one voice), during the review phase,
# once all ideas are in: comparing while ideas still arrive would favour early ones.
rules.add_perm(
    "challenges.compare_ideas",
    p.has_confirmed_email
    & p.can_view_challenge
    & p.pairwise_enabled
    & p.phase_allows(phases.COMPARE_IDEAS),
)
# Blind review beyond the scoring page: while it runs, anyone who may evaluate in the
# challenge (every evaluator of the organisation, assigned or not yet) does not read who wrote
# its ideas on the idea page, its history, its co-authors, the moderation queue or the API
# either (for a staff-only challenge those are the only places the names appear).
rules.add_perm(
    "challenges.view_idea_authors",
    ~(p.blind_review_running & p.may_evaluate_in_challenge)
    | p.is_challenge_manager
    | p.wrote_or_cowrote,
)
