"""What each phase of a challenge allows: one table, read by the predicates (after
adhocracy4's phase contents, where each kind of phase lists the actions it opens).

An action missing from the running phase's row is closed, whoever asks: the rules add who
may do it. Between phases and after the last one the challenge is `closed` and allows none.
"""

from .models import PhaseKind

ADD_IDEA = "add_idea"
CHANGE_IDEA = "change_idea"
SUPPORT_IDEA = "support_idea"
COMMENT = "comment"
MERGE_IDEA = "merge_idea"
ASSIGN_EVALUATORS = "assign_evaluators"
EVALUATE_IDEA = "evaluate_idea"
COMPARE_IDEAS = "compare_ideas"
SHORTLIST_IDEA = "shortlist_idea"
SELECT_IDEA = "select_idea"

PHASE_FEATURES: dict[str, frozenset[str]] = {
    PhaseKind.SUBMISSION: frozenset(
        {ADD_IDEA, CHANGE_IDEA, SUPPORT_IDEA, COMMENT, MERGE_IDEA, ASSIGN_EVALUATORS}
    ),
    PhaseKind.REVIEW: frozenset(
        {
            CHANGE_IDEA,
            SUPPORT_IDEA,
            COMMENT,
            MERGE_IDEA,
            ASSIGN_EVALUATORS,
            EVALUATE_IDEA,
            COMPARE_IDEAS,
            SHORTLIST_IDEA,
        }
    ),
    PhaseKind.SELECTION: frozenset({CHANGE_IDEA, COMMENT, MERGE_IDEA, SHORTLIST_IDEA, SELECT_IDEA}),
    PhaseKind.CLOSED: frozenset(),
}


def phases_allowing(feature: str) -> list[str]:
    """The phases in which `feature` is open, in the order they run."""
    return [kind for kind, features in PHASE_FEATURES.items() if feature in features]
