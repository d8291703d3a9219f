"""Reads for pairwise comparison: the next pair to show someone, and the ranking.

Which pair to show. Each judgement tells most when it links ideas the model knows least about,
so the next pair is the least-compared pair of ideas (over everybody's comparisons), among the
ideas compared least so far; a person never gets a pair they already judged (in either order)
and never their own idea (as author or co-author). Ties between equally good pairs are broken
at random so that people do not all see the same pair.

The ranking fits a Bradley-Terry model (`civiclab.methods.stats.bradley_terry`) to everyone's
comparisons of the ideas still in the running.
"""

import random
from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from typing import cast

from django.core import signing
from django.db.models import Q, QuerySet

from civiclab.accounts.models import User
from civiclab.challenges.models import (
    Challenge,
    CoAuthorStatus,
    Idea,
    IdeaStatus,
    PairwiseComparison,
)
from civiclab.methods import stats

# Ideas that can be compared: those still in the running, visible to everyone.
COMPARABLE_STATUSES = (IdeaStatus.SUBMITTED, IdeaStatus.UNDER_REVIEW, IdeaStatus.SHORTLISTED)


# The pair is chosen among this many least-compared ideas, so the choice stays cheap with
# thousands of ideas.
POOL_SIZE = 40


def comparable_ideas(challenge: Challenge) -> QuerySet[Idea]:
    return Idea.objects.filter(challenge=challenge, status__in=COMPARABLE_STATUSES, is_hidden=False)


def own_idea_ids(*, user: User, challenge: Challenge) -> set[int]:
    """Ideas of the challenge that `user` wrote or was invited to co-write."""
    return set(
        Idea.objects.filter(challenge=challenge)
        .filter(
            Q(author=user)
            | Q(
                coauthors__user=user,
                coauthors__status__in=[CoAuthorStatus.INVITED, CoAuthorStatus.ACCEPTED],
            )
        )
        .values_list("pk", flat=True)
    )


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def next_pair(
    *, user: User, challenge: Challenge, rng: random.Random | None = None
) -> tuple[Idea, Idea] | None:
    """The next two ideas for `user` to compare, or None when nothing is left."""
    rng = rng or random.Random()
    own = own_idea_ids(user=user, challenge=challenge)
    candidates = [
        pk for pk in comparable_ideas(challenge).values_list("pk", flat=True) if pk not in own
    ]
    if len(candidates) < 2:
        return None
    pair_counts: Counter[tuple[int, int]] = Counter()
    idea_counts: Counter[int] = Counter()
    done: set[tuple[int, int]] = set()
    for winner, loser, voter in PairwiseComparison.objects.filter(challenge=challenge).values_list(
        "winner_id", "loser_id", "voter_id"
    ):
        pair = _pair(winner, loser)
        pair_counts[pair] += 1
        idea_counts[winner] += 1
        idea_counts[loser] += 1
        if voter == user.pk:
            done.add(pair)
    rng.shuffle(candidates)
    candidates.sort(key=lambda pk: idea_counts[pk])
    best = _least_compared_pair(candidates[:POOL_SIZE], pair_counts, idea_counts, done)
    if best is None and len(candidates) > POOL_SIZE:
        best = _least_compared_pair(candidates, pair_counts, idea_counts, done)
    if best is None:
        return None
    ideas = Idea.objects.in_bulk(list(best))
    first, second = best if rng.random() < 0.5 else best[::-1]
    return ideas[first], ideas[second]


# How long an offered pair may be answered: long enough to read two ideas at leisure.
PAIR_TOKEN_MAX_AGE = 24 * 3600
_PAIR_SALT = "civiclab.challenges.pairwise.pair"


def pair_token(*, user: User, challenge: Challenge, pair: tuple[Idea, Idea]) -> str:
    """A signed note of the pair offered to `user`, which recording a choice must return.

    Without it anyone could send any two ideas' ids and steer the ranking by comparing a
    favourite against the weakest ideas over and over with new pairs; with it, only the pair
    the selection above chose counts.
    """
    low, high = _pair(pair[0].pk, pair[1].pk)
    return signing.dumps([user.pk, challenge.pk, low, high], salt=_PAIR_SALT, compress=True)


def pair_was_offered(
    *, user: User, challenge: Challenge, ideas: tuple[int, int], token: str
) -> bool:
    """Whether `token` is one `pair_token` gave `user` for these two ideas, not expired."""
    try:
        signed = signing.loads(token, salt=_PAIR_SALT, max_age=PAIR_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return False
    return signed == [user.pk, challenge.pk, *_pair(*ideas)]


def _least_compared_pair(
    pool: list[int],
    pair_counts: Counter[tuple[int, int]],
    idea_counts: Counter[int],
    done: set[tuple[int, int]],
) -> tuple[int, int] | None:
    best: tuple[int, int] | None = None
    best_key: tuple[int, int] | None = None
    for a, b in combinations(pool, 2):
        pair = _pair(a, b)
        if pair in done:
            continue
        key = (pair_counts[pair], idea_counts[a] + idea_counts[b])
        if best_key is None or key < best_key:
            best, best_key = pair, key
    return best


@dataclass
class RankedIdea:
    idea: Idea
    rank: int
    score: float
    comparisons: int
    wins: float


@dataclass
class PairwiseRanking:
    rows: list[RankedIdea]
    comparisons: int
    people: int
    groups: int
    """Connected groups among compared ideas; more than one means the ranking between groups
    rests on no data."""
    uncompared: int


def pairwise_ranking(*, challenge: Challenge) -> PairwiseRanking:
    ideas = {idea.pk: idea for idea in comparable_ideas(challenge).only("pk", "title", "status")}
    rows = list(
        PairwiseComparison.objects.filter(
            challenge=challenge, winner_id__in=list(ideas), loser_id__in=list(ideas)
        ).values_list("winner_id", "loser_id", "is_tie", "voter_id")
    )
    comparisons = [stats.Comparison(w, lo, tie) for w, lo, tie, _v in rows]
    counts: Counter[int] = Counter()
    wins: dict[int, float] = {}
    for w, lo, tie, _v in rows:
        counts[w] += 1
        counts[lo] += 1
        wins[w] = wins.get(w, 0.0) + (0.5 if tie else 1.0)
        wins[lo] = wins.get(lo, 0.0) + (0.5 if tie else 0.0)
    compared = [pk for pk in ideas if counts[pk]]
    if not compared:
        return PairwiseRanking(rows=[], comparisons=0, people=0, groups=0, uncompared=len(ideas))
    result = stats.bradley_terry(comparisons, compared)
    ranked = []
    for position, key in enumerate(result.ranking, start=1):
        pk = cast(int, key)  # the items given were idea ids
        ranked.append(
            RankedIdea(
                idea=ideas[pk],
                rank=position,
                score=result.scores[pk],
                comparisons=counts[pk],
                wins=wins.get(pk, 0.0),
            )
        )
    return PairwiseRanking(
        rows=ranked,
        comparisons=len(rows),
        people=len({v for *_rest, v in rows}),
        groups=len(result.components),
        uncompared=len(ideas) - len(compared),
    )
