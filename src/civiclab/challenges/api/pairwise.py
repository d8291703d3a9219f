"""API endpoints for pairwise comparison: the next pair, recording a choice and the ranking
(`/challenges/{id}/pairwise...`).
"""

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from civiclab.challenges import access
from civiclab.challenges.models import Idea
from civiclab.challenges.selectors import pairwise
from civiclab.challenges.services.pairwise import pairwise_record
from civiclab.core.api import api_actor

from .results import challenge_for_results

router = Router(tags=["evaluation"])


class IdeaBrief(Schema):
    id: int
    title: str
    summary: str
    description: str


class PairOut(Schema):
    pair: list[IdeaBrief] | None
    pair_token: str | None = Field(
        None,
        description="Send back with the choice: only the pair offered to you can be recorded.",
    )


class ComparisonIn(Schema):
    winner_id: int
    loser_id: int
    pair_token: str = Field(
        ..., max_length=500, description="The `pair_token` that came with this pair."
    )
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
    if pair is None:
        return {"pair": None, "pair_token": None}
    return {
        "pair": [_brief(pair[0]), _brief(pair[1])],
        "pair_token": pairwise.pair_token(user=user, challenge=challenge, pair=pair),
    }


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
        actor=user,
        challenge=challenge,
        winner=winner,
        loser=loser,
        pair_token=payload.pair_token,
        tie=payload.tie,
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
    challenge = challenge_for_results(request, challenge_id)
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
