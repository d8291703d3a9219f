"""API endpoints for a challenge's scorecard: `/challenges/{id}/scorecard` (read, replace with
its criteria in one write).
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from civiclab.challenges import access
from civiclab.challenges.models import Challenge
from civiclab.challenges.selectors.evaluation import (
    criteria_locked,
    criteria_of,
    scorecard_of,
)
from civiclab.challenges.services.evaluation import (
    CriterionInput,
    scorecard_replace,
)
from civiclab.core.api import api_actor
from civiclab.core.limits import SHORT_TEXT, TEXT

router = Router(tags=["evaluation"])


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
    guidance: str = Field("", max_length=SHORT_TEXT)
    weight: Decimal = Field(Decimal(1), ge=0, le=Decimal("9999.99"), max_digits=6, decimal_places=2)
    scale_min: int = Field(1, ge=-1000, le=1000)
    scale_max: int = Field(5, ge=-1000, le=1000)
    lower_is_better: bool = False


class ScorecardOut(Schema):
    challenge_id: int
    blind: bool
    evaluators_per_idea: int
    guidance: str
    pairwise_enabled: bool
    evaluators_anonymous: bool
    criteria_locked: bool
    criteria: list[CriterionOut]


class ScorecardIn(Schema):
    blind: bool = True
    evaluators_per_idea: int = Field(3, ge=1, le=100)
    guidance: str = Field("", max_length=TEXT)
    pairwise_enabled: bool = False
    evaluators_anonymous: bool = Field(
        False, description="Show evaluators to decision makers as numbers, not names."
    )
    criteria: list[CriterionIn] | None = Field(
        None, description="The full list, in order; leave out to keep the criteria as they are."
    )


def _scorecard_out(challenge: Challenge) -> dict:
    card = scorecard_of(challenge)
    return {
        "challenge_id": challenge.pk,
        "blind": card.blind,
        "evaluators_per_idea": card.evaluators_per_idea,
        "guidance": card.guidance,
        "pairwise_enabled": card.pairwise_enabled,
        "evaluators_anonymous": card.evaluators_anonymous,
        "criteria_locked": criteria_locked(challenge),
        "criteria": criteria_of(challenge),
    }


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
        evaluators_anonymous=payload.evaluators_anonymous,
        criteria=(
            [CriterionInput(**c.dict()) for c in payload.criteria]
            if payload.criteria is not None
            else None
        ),
    )
    return _scorecard_out(challenge)
