"""Krippendorff's alpha, the reliability of scores given by several raters.

Implemented from Krippendorff, K. (2011) "Computing Krippendorff's Alpha-Reliability",
University of Pennsylvania, Annenberg School for Communication, departmental paper 43
(https://repository.upenn.edu/asc_papers/43), via its coincidence-matrix formulation:

1. keep the units (ideas) with at least two values, ``m_u`` values in unit ``u``;
2. coincidences ``o_ck = sum_u (number of ordered pairs of values c, k from different raters
   in u) / (m_u - 1)``; ``n_c = sum_k o_ck``; ``n = sum_c n_c`` (the pairable values);
3. ``alpha = 1 - (n - 1) * sum_ck o_ck d2(c, k) / sum_ck n_c n_k d2(c, k)``, that is
   ``1 - D_o / D_e``, observed over expected disagreement;

with the difference functions ``d2`` of the paper for each level of measurement:

- nominal: 0 if ``c == k`` else 1;
- ordinal: ``(sum_{g from c to k} n_g - (n_c + n_k) / 2) ** 2`` over the ranked values;
- interval: ``(c - k) ** 2``;
- ratio: ``((c - k) / (c + k)) ** 2`` (values must not be negative).

Alpha is 1 for perfect agreement, 0 when agreement is what chance would give, and below 0 for
systematic disagreement. It is undefined when fewer than two values can be paired or when every
pairable value is the same (no variation, so no expected disagreement); both raise
`AlphaUndefined`, a ValueError.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Literal, TypeAlias

Level: TypeAlias = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")
_Distance: TypeAlias = Callable[[Hashable, Hashable], float]


class AlphaUndefined(ValueError):
    """The data cannot tell agreement from chance, so alpha has no value."""


def krippendorff_alpha(
    data: Sequence[Sequence[Hashable | None]], level: Level = "interval"
) -> float:
    """Krippendorff's alpha of reliability data given as units x raters, None for missing.

    Row ``u`` holds the values the raters gave unit ``u``; every row may have its own length.
    Values must be numbers for the ordinal, interval and ratio levels (ordinal only needs them
    to be orderable), and any hashable value for nominal.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    units = _pairable_units(data, level)
    coincidences = _coincidences(units)
    totals: dict[Hashable, float] = {}
    for (c, _k), o in coincidences.items():
        totals[c] = totals.get(c, 0.0) + o
    n = math.fsum(totals.values())
    if n < 2:
        raise AlphaUndefined("alpha needs at least two values given to the same unit")
    if len(totals) < 2:
        raise AlphaUndefined("every value given is the same, so there is no variation to agree on")
    distance = _difference_function(level, totals)
    observed = math.fsum(o * distance(c, k) for (c, k), o in coincidences.items())
    values = list(totals)
    expected = math.fsum(
        totals[c] * totals[k] * distance(c, k) for c in values for k in values if c != k
    )
    return 1.0 - (n - 1) * observed / expected


def reliability_data(
    ratings: Iterable[tuple[Hashable, Hashable, Hashable]],
) -> list[list[Hashable | None]]:
    """Units x raters rows from ``(unit, rater, value)`` triples, None where a rater is silent.

    Units and raters keep the order in which they first appear. Raises ValueError when a
    rater gives the same unit two values.
    """
    rows: dict[Hashable, dict[Hashable, Hashable]] = {}
    raters: dict[Hashable, None] = {}
    for unit, rater, value in ratings:
        given = rows.setdefault(unit, {})
        if rater in given:
            raise ValueError(f"rater {rater!r} rated unit {unit!r} twice")
        given[rater] = value
        raters.setdefault(rater, None)
    return [[given.get(rater) for rater in raters] for given in rows.values()]


def _pairable_units(
    data: Sequence[Sequence[Hashable | None]], level: Level
) -> list[list[Hashable]]:
    units = []
    for row in data:
        values = [value for value in row if value is not None]
        for value in values:
            _check_value(value, level)
        if len(values) >= 2:
            units.append(values)
    return units


def _check_value(value: Hashable, level: Level) -> None:
    if level == "nominal":
        if isinstance(value, float) and math.isnan(value):
            raise ValueError("use None, not NaN, for a missing value")
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{level} data must be numbers, not {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{level} data must be finite numbers (None for missing), not {value!r}")
    if level == "ratio" and value < 0:
        raise ValueError(f"ratio data cannot be negative: {value!r}")


def _coincidences(units: list[list[Hashable]]) -> dict[tuple[Hashable, Hashable], float]:
    """The coincidence matrix o_ck as a sparse mapping (Krippendorff 2011, section C)."""
    matrix: dict[tuple[Hashable, Hashable], float] = {}
    for values in units:
        counts = Counter(values)
        share = 1.0 / (len(values) - 1)
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_c - 1) if c == k else n_c * n_k
                if pairs:
                    matrix[(c, k)] = matrix.get((c, k), 0.0) + pairs * share
    return matrix


def _difference_function(level: Level, totals: dict[Hashable, float]) -> _Distance:
    if level == "nominal":
        return lambda c, k: 0.0 if c == k else 1.0
    if level == "interval":
        return lambda c, k: (_number(c) - _number(k)) ** 2
    if level == "ratio":
        return _ratio_distance
    return _ordinal_distance(totals)


def _ratio_distance(c: Hashable, k: Hashable) -> float:
    if c == k:
        return 0.0  # also covers c == k == 0, where the ratio is 0/0
    x, y = _number(c), _number(k)
    return ((x - y) / (x + y)) ** 2


def _ordinal_distance(totals: dict[Hashable, float]) -> _Distance:
    """d2(c, k) = (n_c/2 + n_g for every g strictly between c and k + n_k/2) squared."""
    ranked = sorted(totals, key=_number)
    # cumulative[i] = sum of n_g for the values ranked below position i
    cumulative = [0.0]
    for value in ranked:
        cumulative.append(cumulative[-1] + totals[value])
    position = {value: i for i, value in enumerate(ranked)}

    def distance(c: Hashable, k: Hashable) -> float:
        low, high = sorted((position[c], position[k]))
        between = cumulative[high + 1] - cumulative[low]
        return (between - (totals[c] + totals[k]) / 2) ** 2

    return distance


def _number(value: Hashable) -> float:
    assert isinstance(value, int | float)
    return float(value)
