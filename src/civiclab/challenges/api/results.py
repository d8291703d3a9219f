"""API endpoint for a challenge's evaluation results: `/challenges/{id}/results`."""

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from civiclab.challenges import access
from civiclab.challenges.models import Challenge
from civiclab.challenges.selectors.evaluation import evaluation_results
from civiclab.core.api import api_actor

from .scorecards import CriterionOut

router = Router(tags=["evaluation"])


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
    unranked_reason: str = Field(
        "",
        description="Why a scored idea has no rank (hidden or merged); empty for ranked ideas.",
    )


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


def challenge_for_results(request, challenge_id: int) -> Challenge:
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
    challenge = challenge_for_results(request, challenge_id)
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
                "unranked_reason": row.unranked_reason,
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
