"""API endpoints for one evaluation: `/assignments/{id}/evaluation` (read, save or submit)."""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from civiclab.challenges import access
from civiclab.challenges.models import EvaluatorAssignment
from civiclab.challenges.selectors.evaluation import (
    criteria_of,
    evaluation_scores,
    scorecard_of,
)
from civiclab.challenges.services.evaluation import (
    ScoreInput,
    evaluation_save,
)
from civiclab.core.access import require
from civiclab.core.api import api_actor
from civiclab.core.limits import SHORT_TEXT, TEXT

from .scorecards import CriterionOut

router = Router(tags=["evaluation"])


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
    comment: str = Field("", max_length=SHORT_TEXT)


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
    comment: str = Field("", max_length=TEXT)
    submit: bool = False


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
