"""Rules for evaluation: scorecards, evaluator assignments, scoring, results and pairwise
comparison (see ../predicates.py).

Conflict of interest is part of the rule, not only of the assignment service: a person who
wrote the idea, or was invited to co-write it (whether or not they accepted yet), never
scores it, even if an assignment slipped through.
"""

import rules

from civiclab.challenges import predicates as p
from civiclab.challenges.models import CoAuthorStatus, EvaluatorAssignment, IdeaStatus, PhaseKind
from civiclab.core import clock


@rules.predicate
def wrote_or_cowrote(user, obj) -> bool:
    """The author, or an invited or accepted co-author: a conflict of interest."""
    idea = p.idea_of(obj)
    if idea is None or not user.is_authenticated:
        return False
    if idea.author_id == user.pk:
        return True
    return idea.coauthors.filter(
        user=user, status__in=[CoAuthorStatus.INVITED, CoAuthorStatus.ACCEPTED]
    ).exists()


@rules.predicate
def is_assigned_evaluator(user, obj) -> bool:
    idea = p.idea_of(obj)
    if idea is None or not user.is_authenticated:
        return False
    return idea.assignments.filter(evaluator=user).exists()


@rules.predicate
def idea_in_evaluation(user, obj) -> bool:
    """Merged ideas live on in the idea they were merged into; nobody scores them."""
    idea = p.idea_of(obj)
    return idea is not None and idea.status != IdeaStatus.MERGED


@rules.predicate
def pairwise_enabled(user, obj) -> bool:
    challenge = p.challenge_of(obj)
    # The reverse one-to-one raises an AttributeError subclass when there is no scorecard.
    scorecard = getattr(challenge, "scorecard", None) if challenge is not None else None
    return bool(scorecard and scorecard.pairwise_enabled)


@rules.predicate
def blind_review_running(user, obj) -> bool:
    """A blind scorecard, and the ideas are still coming in or being scored."""
    challenge = p.challenge_of(obj)
    scorecard = getattr(challenge, "scorecard", None) if challenge is not None else None
    if not (scorecard and scorecard.blind):
        return False
    return challenge.current_phase_kind(clock.now()) in {PhaseKind.SUBMISSION, PhaseKind.REVIEW}


@rules.predicate
def evaluates_in_challenge(user, obj) -> bool:
    challenge = p.challenge_of(obj)
    if challenge is None or not user.is_authenticated:
        return False
    return EvaluatorAssignment.objects.filter(evaluator=user, idea__challenge=challenge).exists()


@rules.predicate
def is_authenticated(user, obj=None) -> bool:
    return bool(user.is_authenticated)


# Managers set up the scorecard and assign evaluators; decision makers read results.
can_manage_scorecard = p.is_challenge_manager
can_assign_evaluators = p.is_challenge_manager & (p.submission_open | p.review_open)
can_evaluate_idea = (
    p.is_evaluator & is_assigned_evaluator & ~wrote_or_cowrote & idea_in_evaluation & p.review_open
)
can_view_evaluation_results = p.is_challenge_manager | p.is_decision_maker
# Evaluators read the scorecard they score against.
can_view_scorecard = can_view_evaluation_results | p.is_evaluator
# Pairwise comparison is open to anyone who can see the challenge, during the review phase,
# once all ideas are in: comparing while ideas still arrive would favour early ones.
can_compare_ideas = is_authenticated & p.can_view_challenge & pairwise_enabled & p.review_open

rules.add_perm("challenges.manage_scorecard", can_manage_scorecard)
rules.add_perm("challenges.assign_evaluators", can_assign_evaluators)
rules.add_perm("challenges.evaluate_idea", can_evaluate_idea)
rules.add_perm("challenges.view_evaluation_results", can_view_evaluation_results)
rules.add_perm("challenges.view_scorecard", can_view_scorecard)
rules.add_perm("challenges.compare_ideas", can_compare_ideas)
# Blind review beyond the scoring page: while it runs, a person evaluating in the challenge
# does not read who wrote its ideas on the idea page, its history or the API either (for a
# staff-only challenge those are the only places the names appear).
rules.add_perm(
    "challenges.view_idea_authors",
    ~(blind_review_running & evaluates_in_challenge) | p.is_challenge_manager | wrote_or_cowrote,
)
