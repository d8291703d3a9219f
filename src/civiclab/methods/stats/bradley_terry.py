"""Ranking ideas from pairwise comparisons with the Bradley-Terry model.

Model (Bradley and Terry 1952): item ``i`` has a strength ``gamma_i > 0`` and beats item ``j``
with probability ``gamma_i / (gamma_i + gamma_j)``. Strengths are estimated by maximum
likelihood with the MM algorithm of Hunter, D. R. (2004) "MM algorithms for generalized
Bradley-Terry models", *The Annals of Statistics* 32(1), 384-406, equation (3):

    gamma_i <- W_i / sum_j (n_ij / (gamma_i + gamma_j))

where ``W_i`` is the number of wins of ``i`` and ``n_ij`` the number of comparisons of ``i``
with ``j``. The minorising function separates the parameters, so all items are updated at once.

Ties count as half a win for each side (the "half-point" convention of chess scoring), which
keeps the same update with fractional ``W_i`` and ``n_ij``.

Prior. Maximum likelihood gives an item that never lost an infinite strength, and one that
never won zero. So every item also gets `prior` virtual wins and `prior` virtual losses
against a fixed reference item of strength 1 (0.5 of each by default, together one virtual
comparison). This is a maximum a posteriori estimate under a prior that pulls every log-strength
towards 0; the update becomes

    gamma_i <- (W_i + prior) / (sum_j n_ij / (gamma_i + gamma_j) + 2 * prior / (gamma_i + 1))

and the estimates are finite and unique. The reference item also anchors the scale, so no
renormalisation between steps is needed. The likelihood does not change when every log-strength
moves by the same amount; only the prior does, and with much data and a small prior MM creeps
along that direction. So each MM step is followed by the common shift that maximises the
objective exactly (a one-dimensional root: the mean of ``1 / (1 + exp(-theta_i))`` is 1/2).
Neither step lowers the objective, so the iteration keeps MM's monotone ascent.

Disconnected comparison graphs: items in different connected components were never compared,
directly or through others, so the data cannot say which group is stronger; only the prior
links them, and it places each group's strengths around the same centre. Results list the
components so that a caller can say so (rank within a component, or show them apart).

Reported strengths are log-strengths ``theta_i = ln gamma_i`` shifted so that their mean is 0,
and scores on 0-100: ``100 / (1 + exp(-theta_i))``, the estimated chance in 100 that the item
beats an item of average strength.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Comparison:
    """One pairwise judgement: `winner` was preferred to `loser`, or a tie if `tie` is true."""

    winner: Hashable
    loser: Hashable
    tie: bool = False


@dataclass(frozen=True)
class BradleyTerryResult:
    """Estimated strengths, best first in `ranking` (equal strengths keep input order)."""

    strengths: dict[Hashable, float]
    """Log-strength per item, centred so the mean is 0."""
    scores: dict[Hashable, float]
    """Chance in 100 of beating an item of average strength."""
    ranking: list[Hashable]
    components: list[list[Hashable]]
    """Groups of items linked by comparisons, largest first; singletons for uncompared items."""
    iterations: int
    converged: bool


def bradley_terry(
    comparisons: Iterable[Comparison | tuple[Hashable, Hashable]],
    items: Sequence[Hashable],
    *,
    prior: float = 0.5,
    tolerance: float = 1e-10,
    max_iterations: int = 10_000,
) -> BradleyTerryResult:
    """Fit Bradley-Terry strengths of `items` to `comparisons` by Hunter's MM algorithm.

    A comparison is a `Comparison` or a ``(winner, loser)`` pair. Iteration stops when no
    log-strength moves by more than `tolerance`; `converged` says whether that happened
    within `max_iterations`.
    """
    if not prior > 0:
        raise ValueError("prior must be positive, or strengths of unbeaten items are infinite")
    index = _index_items(items)
    first, second, games, wins = _tally(comparisons, index)
    gamma = np.ones(len(items))
    iterations, converged = 0, False
    while iterations < max_iterations:
        iterations += 1
        updated = _best_shift(_mm_step(gamma, first, second, games, wins, prior))
        change = float(np.max(np.abs(np.log(updated) - np.log(gamma)), initial=0.0))
        gamma = updated
        if change <= tolerance:
            converged = True
            break
    return _result(items, np.log(gamma), first, second, iterations, converged)


def _index_items(items: Sequence[Hashable]) -> dict[Hashable, int]:
    index: dict[Hashable, int] = {}
    for item in items:
        if item in index:
            raise ValueError(f"item {item!r} is listed twice")
        index[item] = len(index)
    return index


def _tally(
    comparisons: Iterable[Comparison | tuple[Hashable, Hashable]], index: dict[Hashable, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per unordered pair (first < second) the number of comparisons; per item its wins."""
    games: dict[tuple[int, int], float] = {}
    wins = np.zeros(len(index))
    for comparison in comparisons:
        if not isinstance(comparison, Comparison):
            comparison = Comparison(*comparison)
        try:
            i, j = index[comparison.winner], index[comparison.loser]
        except KeyError as error:
            raise ValueError(f"comparison names an unknown item {error.args[0]!r}") from None
        if i == j:
            raise ValueError(f"item {comparison.winner!r} cannot be compared with itself")
        pair = (min(i, j), max(i, j))
        games[pair] = games.get(pair, 0.0) + 1.0
        if comparison.tie:
            wins[i] += 0.5
            wins[j] += 0.5
        else:
            wins[i] += 1.0
    pairs = sorted(games)
    first = np.array([p[0] for p in pairs], dtype=np.int64)
    second = np.array([p[1] for p in pairs], dtype=np.int64)
    return first, second, np.array([games[p] for p in pairs]), wins


def _mm_step(
    gamma: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
    games: np.ndarray,
    wins: np.ndarray,
    prior: float,
) -> np.ndarray:
    """One MM update (Hunter 2004, eq. 3) with the virtual comparisons of the prior."""
    per_pair = games / (gamma[first] + gamma[second])
    size = len(gamma)
    denominator = (
        np.bincount(first, weights=per_pair, minlength=size)
        + np.bincount(second, weights=per_pair, minlength=size)
        + 2.0 * prior / (gamma + 1.0)
    )
    return (wins + prior) / denominator


def _best_shift(gamma: np.ndarray) -> np.ndarray:
    """Scale all strengths by the common factor that maximises the prior's term.

    In log-strengths: find c with sum_i sigmoid(theta_i + c) = n / 2 by Newton's method,
    safeguarded by bisection on [-max theta, -min theta] where the sum crosses n / 2.
    """
    if len(gamma) == 0:
        return gamma
    theta = np.log(gamma)
    low, high = -float(theta.max()), -float(theta.min())
    shift = min(max(0.0, low), high)
    half = len(theta) / 2
    for _ in range(100):
        sigma = 1.0 / (1.0 + np.exp(-(theta + shift)))
        excess = float(sigma.sum()) - half
        if excess > 0:
            high = shift
        else:
            low = shift
        slope = float((sigma * (1.0 - sigma)).sum())
        step = excess / slope if slope > 0 else 0.0
        candidate = shift - step
        if not low <= candidate <= high:
            candidate = (low + high) / 2
        if abs(candidate - shift) < 1e-15 * max(1.0, abs(shift)) or high - low < 1e-15:
            shift = candidate
            break
        shift = candidate
    return np.asarray(gamma * math.exp(shift))


def _result(
    items: Sequence[Hashable],
    theta: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
    iterations: int,
    converged: bool,
) -> BradleyTerryResult:
    centred = theta - theta.mean() if len(theta) else theta
    strengths = {item: float(centred[i]) for i, item in enumerate(items)}
    scores = {item: 100.0 / (1.0 + math.exp(-strengths[item])) for item in items}
    order = sorted(range(len(items)), key=lambda i: (-centred[i], i))
    return BradleyTerryResult(
        strengths=strengths,
        scores=scores,
        ranking=[items[i] for i in order],
        components=_components(items, first, second),
        iterations=iterations,
        converged=converged,
    )


def _components(
    items: Sequence[Hashable], first: np.ndarray, second: np.ndarray
) -> list[list[Hashable]]:
    """Connected components of the comparison graph, by union-find."""
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(first.tolist(), second.tolist(), strict=True):
        parent[root(i)] = root(j)
    groups: dict[int, list[Hashable]] = {}
    for i, item in enumerate(items):
        groups.setdefault(root(i), []).append(item)
    return sorted(groups.values(), key=len, reverse=True)
