"""Weighted scorecard results: a 0-100 score per idea and per-criterion means and spread.

Each score is first put on a common 0-1 footing with min-max normalisation on its criterion's
scale, ``(value - min) / (max - min)``, reversed (``1 - x``) for criteria where lower is better
(cost, risk). Per idea and criterion we take the mean over the evaluators who scored it; the
idea's result is the weighted mean of those criterion means, times 100 (a simple additive
weighting, the weighted-sum model of multi-criteria decision analysis: UK Department for
Communities and Local Government (2009) *Multi-criteria analysis: a manual*, chapter 6).

Missing scores: when an evaluator skips a criterion, that criterion's mean uses the evaluators
who did score it; when nobody scored a criterion for an idea, the weights of the criteria that
were scored are renormalised to sum to one. Averaging per criterion first (rather than per
evaluator first) keeps the result reproducible from the published per-criterion means and
weights alone.

Spread is the sample standard deviation (n - 1 in the denominator), reported only when at least
two evaluators scored the criterion.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Criterion:
    """A scorecard criterion: scores run from `scale_min` to `scale_max`."""

    key: Hashable
    weight: float
    scale_min: float
    scale_max: float
    lower_is_better: bool = False

    def __post_init__(self) -> None:
        if not math.isfinite(self.weight) or self.weight < 0:
            raise ValueError(f"criterion {self.key!r}: weight must be a finite number >= 0")
        if not (math.isfinite(self.scale_min) and math.isfinite(self.scale_max)):
            raise ValueError(f"criterion {self.key!r}: scale bounds must be finite")
        if self.scale_min >= self.scale_max:
            raise ValueError(f"criterion {self.key!r}: scale_min must be below scale_max")

    def normalise(self, value: float) -> float:
        """A score on this criterion's scale as a fraction 0-1 where 1 is best."""
        fraction = (value - self.scale_min) / (self.scale_max - self.scale_min)
        return 1.0 - fraction if self.lower_is_better else fraction


@dataclass(frozen=True)
class Score:
    """One evaluator's score of one idea on one criterion."""

    idea: Hashable
    evaluator: Hashable
    criterion: Hashable
    value: float


@dataclass(frozen=True)
class CriterionSummary:
    """How one idea fared on one criterion, on the criterion's own scale."""

    criterion: Hashable
    n: int
    mean: float
    sd: float | None
    min: float
    max: float
    normalised_mean: float
    """The mean as 0-100 where 100 is best (reversed for lower-is-better criteria)."""


@dataclass(frozen=True)
class IdeaResult:
    """An idea's weighted score (0-100, None when it has no scores) and its details."""

    idea: Hashable
    score: float | None
    rank: int | None
    evaluators: int
    criteria: dict[Hashable, CriterionSummary] = field(default_factory=dict)


def weighted_scores(
    scores: Iterable[Score],
    criteria: Sequence[Criterion],
    ideas: Iterable[Hashable] = (),
) -> list[IdeaResult]:
    """Score every idea; best first, unscored ideas last, equal scores in first-seen order.

    `ideas` lists ideas to include even if nobody scored them yet. Ranks are competition ranks
    ("1, 2, 2, 4"). Raises ValueError for an unknown criterion, a value off its scale, or the
    same evaluator scoring the same idea and criterion twice.
    """
    by_key = _criteria_by_key(criteria)
    values = _collect(scores, by_key, ideas)
    results = [_idea_result(idea, per_criterion, by_key) for idea, per_criterion in values.items()]
    return _ranked(results)


def criterion_summaries(
    scores: Iterable[Score], criteria: Sequence[Criterion]
) -> dict[Hashable, CriterionSummary | None]:
    """Mean and spread of every criterion over all ideas, for a challenge-wide view.

    Shows how evaluators used each criterion (a criterion everybody scores 5 does not
    discriminate). None for a criterion nobody scored. Same validation as `weighted_scores`.
    """
    by_key = _criteria_by_key(criteria)
    values: dict[Hashable, list[float]] = {key: [] for key in by_key}
    for per_criterion in _collect(scores, by_key, ()).values():
        for key, by_evaluator in per_criterion.items():
            values[key].extend(by_evaluator.values())
    return {key: _summary(by_key[key], v) if v else None for key, v in values.items()}


def _criteria_by_key(criteria: Sequence[Criterion]) -> dict[Hashable, Criterion]:
    by_key: dict[Hashable, Criterion] = {}
    for criterion in criteria:
        if criterion.key in by_key:
            raise ValueError(f"criterion {criterion.key!r} appears twice")
        by_key[criterion.key] = criterion
    return by_key


def _collect(
    scores: Iterable[Score], by_key: dict[Hashable, Criterion], ideas: Iterable[Hashable]
) -> dict[Hashable, dict[Hashable, dict[Hashable, float]]]:
    """idea -> criterion -> evaluator -> value, in first-seen order."""
    values: dict[Hashable, dict[Hashable, dict[Hashable, float]]] = {idea: {} for idea in ideas}
    for score in scores:
        criterion = by_key.get(score.criterion)
        if criterion is None:
            raise ValueError(f"score for unknown criterion {score.criterion!r}")
        if not (criterion.scale_min <= score.value <= criterion.scale_max):
            raise ValueError(
                f"score {score.value!r} for criterion {score.criterion!r} is outside its scale "
                f"{criterion.scale_min:g}-{criterion.scale_max:g}"
            )
        by_evaluator = values.setdefault(score.idea, {}).setdefault(score.criterion, {})
        if score.evaluator in by_evaluator:
            raise ValueError(
                f"evaluator {score.evaluator!r} scored idea {score.idea!r} "
                f"on criterion {score.criterion!r} twice"
            )
        by_evaluator[score.evaluator] = score.value
    return values


def _idea_result(
    idea: Hashable,
    per_criterion: dict[Hashable, dict[Hashable, float]],
    by_key: dict[Hashable, Criterion],
) -> IdeaResult:
    summaries = {
        key: _summary(by_key[key], list(by_evaluator.values()))
        for key, by_evaluator in per_criterion.items()
    }
    weight = math.fsum(by_key[key].weight for key in summaries)
    score = None
    if weight > 0:
        score = (
            math.fsum(by_key[key].weight * s.normalised_mean for key, s in summaries.items())
            / weight
        )
    evaluators = {
        evaluator for by_evaluator in per_criterion.values() for evaluator in by_evaluator
    }
    return IdeaResult(
        idea=idea, score=score, rank=None, evaluators=len(evaluators), criteria=summaries
    )


def _summary(criterion: Criterion, values: list[float]) -> CriterionSummary:
    mean = statistics.fmean(values)
    return CriterionSummary(
        criterion=criterion.key,
        n=len(values),
        mean=mean,
        sd=statistics.stdev(values) if len(values) > 1 else None,
        min=min(values),
        max=max(values),
        normalised_mean=100.0 * criterion.normalise(mean),
    )


def _ranked(results: list[IdeaResult]) -> list[IdeaResult]:
    scored = sorted((r for r in results if r.score is not None), key=lambda r: -_score(r))
    unscored = [r for r in results if r.score is None]
    ranked: list[IdeaResult] = []
    for position, result in enumerate(scored, start=1):
        # Scores equal up to rounding share a rank.
        tied = ranked and math.isclose(_score(ranked[-1]), _score(result), abs_tol=1e-9)
        rank = ranked[-1].rank if tied else position
        ranked.append(
            IdeaResult(result.idea, result.score, rank, result.evaluators, result.criteria)
        )
    return ranked + unscored


def _score(result: IdeaResult) -> float:
    assert result.score is not None
    return result.score
