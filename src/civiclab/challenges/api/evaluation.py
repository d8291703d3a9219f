"""API endpoints for evaluation: scorecards, assignments, evaluations, results and pairwise
comparison. Every endpoint checks the same named rules as the pages, through the services."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from civiclab.challenges import access
from civiclab.challenges.models import Challenge, EvaluatorAssignment, Idea
from civiclab.challenges.selectors import pairwise
from civiclab.challenges.selectors.evaluation import (
    assignments_of_evaluator,
    criteria_locked,
    criteria_of,
    evaluation_results,
    evaluation_scores,
    organisations_with_assignments,
    people_by_ids,
    scorecard_of,
)
from civiclab.challenges.services.evaluation import (
    CriterionInput,
    ScoreInput,
    assignments_add,
    assignments_automatic,
    evaluation_save,
    scorecard_replace,
)
from civiclab.challenges.services.pairwise import pairwise_record
from civiclab.core.access import NotVisible, require
from civiclab.core.api import api_actor

router = Router(tags=["evaluation"])


# --- schemas --------------------------------------------------------------------------------


class CriterionOut(Schema):
    id: int
    name: str
    guidance: str
    weight: Decimal
    scale_min: int
    scale_max: int
    lower_is_better: bool
    position: int


class CriterionIn(Schema):
    id: int | None = Field(None, description="Leave out to add a criterion.")
    name: str = Field(..., max_length=120)
    guidance: str = ""
    weight: Decimal = Field(Decimal(1), ge=0, max_digits=6, decimal_places=2)
    scale_min: int = Field(1, ge=-1000, le=1000)
    scale_max: int = Field(5, ge=-1000, le=1000)
    lower_is_better: bool = False


class ScorecardOut(Schema):
    challenge_id: int
    blind: bool
    evaluators_per_idea: int
    guidance: str
    pairwise_enabled: bool
    criteria_locked: bool
    criteria: list[CriterionOut]


class ScorecardIn(Schema):
    blind: bool = True
    evaluators_per_idea: int = Field(3, ge=1, le=100)
    guidance: str = ""
    pairwise_enabled: bool = False
    criteria: list[CriterionIn] | None = Field(
        None, description="The full list, in order; leave out to keep the criteria as they are."
    )


class AssignmentsIn(Schema):
    automatic: bool = False
    idea_id: int | None = None
    evaluator_ids: list[int] = Field(default_factory=list)


class AssignmentsOut(Schema):
    ideas: int
    created: int


class AssignedOut(Schema):
    assignment_id: int
    idea_id: int
    idea_title: str
    challenge_id: int
    challenge_title: str
    organisation: str
    state: str
    scored: int
    criteria: int


class IdeaForEvaluation(Schema):
    id: int
    title: str
    summary: str
    description: str
    expected_benefits: str
    beneficiaries: str
    author: str | None = Field(None, description="Left out in blind review.")


class ScoreOut(Schema):
    criterion_id: int
    value: int
    comment: str


class ScoreIn(Schema):
    criterion_id: int
    value: int | None = None
    comment: str = ""


class EvaluationOut(Schema):
    assignment_id: int
    blind: bool
    idea: IdeaForEvaluation
    guidance: str
    criteria: list[CriterionOut]
    scores: list[ScoreOut]
    comment: str
    submitted_at: datetime | None
    can_edit: bool


class EvaluationIn(Schema):
    scores: list[ScoreIn] = Field(default_factory=list)
    comment: str = ""
    submit: bool = False


class CriterionResultOut(Schema):
    criterion_id: int
    n: int
    mean: float
    sd: float | None
    min: float
    max: float


class IdeaResultOut(Schema):
    idea_id: int
    title: str
    status: str
    score: float | None
    rank: int | None
    evaluations_submitted: int
    evaluators_assigned: int
    criteria: list[CriterionResultOut]
    ledger_sequence: int | None


class AgreementOut(Schema):
    alpha: float | None
    level: str


class CriterionAgreementOut(Schema):
    criterion_id: int
    name: str
    agreement: AgreementOut
    mean: float | None
    sd: float | None


class ResultsOut(Schema):
    challenge_id: int
    criteria: list[CriterionOut]
    ideas: list[IdeaResultOut]
    agreement: AgreementOut
    agreement_by_criterion: list[CriterionAgreementOut]


class IdeaBrief(Schema):
    id: int
    title: str
    summary: str
    description: str


class PairOut(Schema):
    pair: list[IdeaBrief] | None


class ComparisonIn(Schema):
    winner_id: int
    loser_id: int
    tie: bool = False


class ComparisonOut(Schema):
    id: int
    winner_id: int
    loser_id: int
    tie: bool


class RankedOut(Schema):
    idea_id: int
    title: str
    rank: int
    score: float
    comparisons: int
    wins: float


class RankingOut(Schema):
    comparisons: int
    people: int
    groups: int
    connected: bool
    uncompared: int
    ideas: list[RankedOut]


# --- helpers --------------------------------------------------------------------------------


def _scorecard_out(challenge: Challenge) -> dict:
    card = scorecard_of(challenge)
    return {
        "challenge_id": challenge.pk,
        "blind": card.blind,
        "evaluators_per_idea": card.evaluators_per_idea,
        "guidance": card.guidance,
        "pairwise_enabled": card.pairwise_enabled,
        "criteria_locked": criteria_locked(challenge),
        "criteria": criteria_of(challenge),
    }


# --- scorecard ------------------------------------------------------------------------------


@router.get(
    "/challenges/{challenge_id}/scorecard",
    response=ScorecardOut,
    summary="A challenge's scorecard with its criteria",
)
def get_scorecard(request, challenge_id: int):
    user = api_actor(request)
    challenge = access.challenge_for_user(
        user=user,
        pk=challenge_id,
        perm="challenges.view_scorecard",
        message=_(
            "Only the organisation's evaluators, innovation leads and decision makers can see it."
        ),
    )
    return _scorecard_out(challenge)


@router.put(
    "/challenges/{challenge_id}/scorecard",
    response=ScorecardOut,
    summary="Change a scorecard (criteria nested, the full list in order)",
)
def put_scorecard(request, challenge_id: int, payload: ScorecardIn):
    user = api_actor(request)
    challenge = access.challenge_for_user(user=user, pk=challenge_id)
    scorecard_replace(
        actor=user,
        challenge=challenge,
        blind=payload.blind,
        evaluators_per_idea=payload.evaluators_per_idea,
        guidance=payload.guidance,
        pairwise_enabled=payload.pairwise_enabled,
        criteria=(
            [CriterionInput(**c.dict()) for c in payload.criteria]
            if payload.criteria is not None
            else None
        ),
    )
    return _scorecard_out(challenge)


# --- assignments ----------------------------------------------------------------------------


@router.post(
    "/challenges/{challenge_id}/assignments",
    response={201: AssignmentsOut},
    summary="Assign evaluators: to one idea by hand, or to every idea in review automatically",
)
def post_assignments(request, challenge_id: int, payload: AssignmentsIn):
    user = api_actor(request)
    challenge = access.challenge_for_user(user=user, pk=challenge_id)
    if payload.automatic:
        done = assignments_automatic(actor=user, challenge=challenge)
        return Status(201, {"ideas": done.ideas, "created": done.created})
    if payload.idea_id is None:
        raise ValidationError({"idea_id": [_("Name the idea, or ask for automatic assignment.")]})
    idea = access.idea_for_user(user=user, pk=payload.idea_id)
    if idea.challenge_id != challenge.pk:
        raise NotVisible
    people = people_by_ids(payload.evaluator_ids)
    missing = set(payload.evaluator_ids) - {person.pk for person in people}
    if missing:
        raise ValidationError(
            {
                "evaluator_ids": [
                    _("There is no account with the id %(ids)s.")
                    % {"ids": ", ".join(map(str, sorted(missing)))}
                ]
            }
        )
    created = assignments_add(actor=user, idea=idea, evaluators=people)
    return Status(201, {"ideas": 1, "created": len(created)})


@router.get("/me/evaluations", response=list[AssignedOut], summary="Ideas assigned to me")
def my_evaluations(request):
    user = api_actor(request)
    organisations = organisations_with_assignments(user=user)
    rows = []
    for organisation in organisations:
        for row in assignments_of_evaluator(user=user, organisation=organisation):
            rows.append(
                {
                    "assignment_id": row.assignment.pk,
                    "idea_id": row.idea.pk,
                    "idea_title": row.idea.title,
                    "challenge_id": row.idea.challenge_id,
                    "challenge_title": row.idea.challenge.title,
                    "organisation": organisation.slug,
                    "state": row.state,
                    "scored": row.scored,
                    "criteria": row.criteria,
                }
            )
    return rows


def _evaluation_out(user, assignment: EvaluatorAssignment) -> dict:
    idea = assignment.idea
    card = scorecard_of(idea.challenge)
    evaluation, scores = evaluation_scores(assignment)
    return {
        "assignment_id": assignment.pk,
        "blind": card.blind,
        "idea": {
            "id": idea.pk,
            "title": idea.title,
            "summary": idea.summary,
            "description": idea.description,
            "expected_benefits": idea.expected_benefits,
            "beneficiaries": idea.beneficiaries,
            "author": None if card.blind else (idea.author.display_name or str(idea.author)),
        },
        "guidance": card.guidance,
        "criteria": criteria_of(idea.challenge),
        "scores": [
            {"criterion_id": s.criterion_id, "value": s.value, "comment": s.comment}
            for s in scores.values()
        ],
        "comment": evaluation.comment if evaluation else "",
        "submitted_at": evaluation.submitted_at if evaluation else None,
        "can_edit": user.has_perm("challenges.evaluate_idea", idea),
    }


@router.get(
    "/assignments/{assignment_id}/evaluation",
    response=EvaluationOut,
    summary="My evaluation of an assigned idea (authors hidden in blind review)",
)
def get_evaluation(request, assignment_id: int):
    user = api_actor(request)
    assignment = access.own_assignment_for_user(user=user, pk=assignment_id)
    require(
        user,
        "challenges.evaluate_idea",
        assignment.idea,
        _("You can see and score this idea only while the review phase is open."),
    )
    return _evaluation_out(user, assignment)


@router.put(
    "/assignments/{assignment_id}/evaluation",
    response=EvaluationOut,
    summary="Save my scores as a draft, or submit them (`submit: true`)",
)
def put_evaluation(request, assignment_id: int, payload: EvaluationIn):
    user = api_actor(request)
    assignment = access.own_assignment_for_user(user=user, pk=assignment_id)
    scores = {}
    for given in payload.scores:
        scores[given.criterion_id] = ScoreInput(value=given.value, comment=given.comment)
    evaluation_save(
        actor=user,
        assignment=assignment,
        scores=scores,
        comment=payload.comment,
        submit=payload.submit,
    )
    return _evaluation_out(user, assignment)


# --- results --------------------------------------------------------------------------------


def _challenge_for_results(request, challenge_id: int) -> Challenge:
    return access.challenge_for_user(
        user=api_actor(request),
        pk=challenge_id,
        perm="challenges.view_evaluation_results",
        message=_(
            "Only the challenge's managers and the organisation's decision makers can see results."
        ),
    )


@router.get(
    "/challenges/{challenge_id}/results",
    response=ResultsOut,
    summary="Weighted scores, ranks, spread and agreement (managers and decision makers)",
)
def get_results(request, challenge_id: int):
    challenge = _challenge_for_results(request, challenge_id)
    results = evaluation_results(challenge=challenge)
    return {
        "challenge_id": challenge.pk,
        "criteria": results.criteria,
        "ideas": [
            {
                "idea_id": row.idea.pk,
                "title": row.idea.title,
                "status": row.idea.status,
                "score": row.score,
                "rank": row.rank,
                "evaluations_submitted": row.submitted,
                "evaluators_assigned": row.assigned,
                "criteria": [
                    {
                        "criterion_id": cell.criterion.pk,
                        "n": cell.summary.n,
                        "mean": cell.summary.mean,
                        "sd": cell.summary.sd,
                        "min": cell.summary.min,
                        "max": cell.summary.max,
                    }
                    for cell in row.cells
                    if cell.summary is not None
                ],
                "ledger_sequence": row.ledger_sequence,
            }
            for row in results.rows
        ],
        "agreement": {"alpha": results.overall.alpha, "level": results.overall.level},
        "agreement_by_criterion": [
            {
                "criterion_id": criterion.pk,
                "name": criterion.name,
                "agreement": {"alpha": agreement.alpha, "level": agreement.level},
                "mean": summary.mean if summary else None,
                "sd": summary.sd if summary else None,
            }
            for criterion, agreement, summary in results.per_criterion
        ],
    }


# --- pairwise -------------------------------------------------------------------------------


def _brief(idea: Idea) -> dict:
    return {
        "id": idea.pk,
        "title": idea.title,
        "summary": idea.summary,
        "description": idea.description,
    }


@router.get(
    "/challenges/{challenge_id}/pairwise/next",
    response=PairOut,
    summary="The next two ideas for me to compare (`pair` is null when none are left)",
)
def pairwise_next(request, challenge_id: int):
    user = api_actor(request)
    challenge = access.challenge_for_user(
        user=user,
        pk=challenge_id,
        perm="challenges.compare_ideas",
        message=_("Comparing ideas is open during the review phase of challenges that invite it."),
    )
    pair = pairwise.next_pair(user=user, challenge=challenge)
    return {"pair": [_brief(pair[0]), _brief(pair[1])] if pair else None}


@router.post(
    "/challenges/{challenge_id}/pairwise",
    response={201: ComparisonOut},
    summary="Record my choice between two ideas (or a tie)",
)
def pairwise_post(request, challenge_id: int, payload: ComparisonIn):
    user = api_actor(request)
    challenge = access.challenge_for_user(user=user, pk=challenge_id)
    winner, loser = access.ideas_for_user(user=user, pks=[payload.winner_id, payload.loser_id])
    comparison = pairwise_record(
        actor=user, challenge=challenge, winner=winner, loser=loser, tie=payload.tie
    )
    return Status(
        201,
        {
            "id": comparison.pk,
            "winner_id": comparison.winner_id,
            "loser_id": comparison.loser_id,
            "tie": comparison.is_tie,
        },
    )


@router.get(
    "/challenges/{challenge_id}/pairwise/ranking",
    response=RankingOut,
    summary="Ideas ranked by a Bradley-Terry model of the comparisons",
)
def pairwise_ranking(request, challenge_id: int):
    challenge = _challenge_for_results(request, challenge_id)
    ranking = pairwise.pairwise_ranking(challenge=challenge)
    return {
        "comparisons": ranking.comparisons,
        "people": ranking.people,
        "groups": ranking.groups,
        "connected": ranking.groups <= 1,
        "uncompared": ranking.uncompared,
        "ideas": [
            {
                "idea_id": row.idea.pk,
                "title": row.idea.title,
                "rank": row.rank,
                "score": row.score,
                "comparisons": row.comparisons,
                "wins": row.wins,
            }
            for row in ranking.rows
        ],
    }
