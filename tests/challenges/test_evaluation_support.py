"""Helpers shared by the evaluation tests: a challenge with a scorecard, evaluators and
submitted scores, built quickly and without going through the pages."""

from decimal import Decimal

from django.utils import timezone

from civiclab.challenges.models import (
    Criterion,
    Evaluation,
    EvaluatorAssignment,
    PhaseKind,
    Score,
    Scorecard,
)
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.factories import member


def scorecard_with_criteria(challenge, *, blind=True, per_idea=3, pairwise=False):
    """A scorecard with two criteria: Impact (1-5, weight 2) and Cost (1-5, lower is better)."""
    scorecard = Scorecard.objects.create(
        challenge=challenge,
        blind=blind,
        evaluators_per_idea=per_idea,
        guidance="Read the whole idea before you score it.",
        pairwise_enabled=pairwise,
    )
    impact = Criterion.objects.create(
        scorecard=scorecard,
        name="Impact",
        guidance="How many residents benefit, and how much.",
        weight=Decimal("2"),
        position=0,
    )
    cost = Criterion.objects.create(
        scorecard=scorecard, name="Cost", weight=Decimal("1"), lower_is_better=True, position=1
    )
    return scorecard, [impact, cost]


def review_challenge(**kwargs):
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW, **kwargs)
    return challenge


def evaluators(organisation, count):
    return [member(organisation, Role.EVALUATOR) for _ in range(count)]


def assign(idea, evaluator):
    return EvaluatorAssignment.objects.create(idea=idea, evaluator=evaluator)


def submit(assignment, values: dict, *, submitted=True, comment=""):
    """Scores straight into the database: {criterion: value}."""
    evaluation = Evaluation.objects.create(
        assignment=assignment,
        comment=comment,
        submitted_at=timezone.now() if submitted else None,
    )
    Score.objects.bulk_create(
        [Score(evaluation=evaluation, criterion=c, value=v) for c, v in values.items()]
    )
    return evaluation


def idea_in(challenge, **kwargs):
    return IdeaFactory(challenge=challenge, **kwargs)
