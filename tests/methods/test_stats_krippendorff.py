"""Krippendorff's alpha against the paper's worked example and a pairwise reference."""

import math
from itertools import permutations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civiclab.methods.stats import LEVELS, AlphaUndefined, krippendorff_alpha, reliability_data

N = None
# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", the example with four
# observers, twelve units and missing values. Rows here are observers, as printed in the paper.
PAPER_OBSERVERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
PAPER_UNITS = [list(unit) for unit in zip(*PAPER_OBSERVERS, strict=True)]


@pytest.mark.parametrize(
    ("level", "expected"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_the_worked_example_of_the_paper_gives_its_published_values(level, expected):
    assert krippendorff_alpha(PAPER_UNITS, level) == pytest.approx(expected, abs=5e-4)


@pytest.mark.parametrize("level", LEVELS)
def test_perfect_agreement_is_one(level):
    units = [[1, 1, 1], [2, 2, N], [3, 3, 3], [5, N, 5]]
    assert krippendorff_alpha(units, level) == 1.0


def test_systematic_disagreement_is_below_zero():
    assert krippendorff_alpha([[1, 5], [5, 1], [1, 5], [5, 1]], "interval") < 0


def test_nominal_data_may_be_any_labels():
    units = [["yes", "yes"], ["no", "no"], ["yes", "no"], ["maybe", "maybe"]]
    assert 0 < krippendorff_alpha(units, "nominal") < 1


def test_units_with_a_single_value_do_not_count():
    with_lonely_unit = [*PAPER_UNITS, [N, 4, N, N]]
    assert krippendorff_alpha(with_lonely_unit, "interval") == krippendorff_alpha(
        PAPER_UNITS, "interval"
    )


def test_alpha_is_undefined_without_two_values_for_one_unit():
    with pytest.raises(AlphaUndefined, match="at least two values"):
        krippendorff_alpha([[1, N], [N, 2], [3]], "interval")
    with pytest.raises(AlphaUndefined):
        krippendorff_alpha([], "nominal")


def test_alpha_is_undefined_when_everybody_gives_the_same_value():
    with pytest.raises(AlphaUndefined, match="no variation"):
        krippendorff_alpha([[3, 3], [3, 3, N]], "ordinal")


def test_alpha_undefined_is_a_value_error_for_callers_that_catch_those():
    assert issubclass(AlphaUndefined, ValueError)


def test_bad_input_is_refused_clearly():
    with pytest.raises(ValueError, match="level must be one of"):
        krippendorff_alpha(PAPER_UNITS, "cardinal")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must be numbers"):
        krippendorff_alpha([["a", "b"]], "interval")
    with pytest.raises(ValueError, match="None, not NaN"):
        krippendorff_alpha([[1.0, math.nan]], "nominal")
    with pytest.raises(ValueError, match="finite"):
        krippendorff_alpha([[1.0, math.nan]], "interval")
    with pytest.raises(ValueError, match="cannot be negative"):
        krippendorff_alpha([[1, -1], [2, 2]], "ratio")


def values_given(row):
    return sorted(value for value in row if value is not None)


def test_scores_as_idea_evaluator_value_triples_become_reliability_data():
    triples = [
        (unit, observer, value)
        for unit, values in enumerate(PAPER_UNITS)
        for observer, value in enumerate(values)
        if value is not None
    ]
    rows = reliability_data(triples)
    assert all(len(row) == 4 for row in rows)
    assert [values_given(row) for row in rows] == [values_given(unit) for unit in PAPER_UNITS]
    assert values_given(reliability_data(reversed(triples))[0]) == [3]  # unit 12 is seen first
    assert krippendorff_alpha(rows, "nominal") == krippendorff_alpha(PAPER_UNITS, "nominal")


def test_a_rater_scoring_a_unit_twice_is_refused():
    with pytest.raises(ValueError, match="twice"):
        reliability_data([("idea", "ana", 3), ("idea", "ana", 4)])


# -- against the pairwise-disagreement formulation ---------------------------------------------


def reference_alpha(units, level):
    """alpha = 1 - D_o / D_e from disagreements between every pair of pairable values.

    D_o averages, unit by unit, the differences between values given to the same unit by
    different raters, each unit weighted by 1 / (m_u - 1); D_e averages the differences between
    all pairs of pairable values, whatever their unit.
    """
    pairable = [[v for v in unit if v is not None] for unit in units]
    pairable = [values for values in pairable if len(values) >= 2]
    everything = [v for values in pairable for v in values]
    n = len(everything)
    if n < 2:
        return None
    frequency = {v: everything.count(v) for v in everything}

    def delta(c, k):
        if c == k:
            return 0.0
        if level == "nominal":
            return 1.0
        if level == "interval":
            return float(c - k) ** 2
        if level == "ratio":
            return ((c - k) / (c + k)) ** 2
        low, high = min(c, k), max(c, k)
        between = sum(f for v, f in frequency.items() if low <= v <= high)
        return (between - (frequency[c] + frequency[k]) / 2) ** 2

    observed = (
        sum(
            sum(delta(a, b) for a, b in permutations(values, 2)) / (len(values) - 1)
            for values in pairable
        )
        / n
    )
    expected = sum(delta(a, b) for a, b in permutations(everything, 2)) / (n * (n - 1))
    return None if expected == 0 else 1 - observed / expected


unit_rows = st.lists(
    st.lists(st.one_of(st.none(), st.integers(0, 5)), min_size=1, max_size=5),
    min_size=0,
    max_size=10,
)


@settings(max_examples=200, deadline=None)
@given(unit_rows, st.sampled_from(LEVELS))
def test_alpha_equals_the_pairwise_disagreement_formulation(units, level):
    expected = reference_alpha(units, level)
    if expected is None:
        with pytest.raises(AlphaUndefined):
            krippendorff_alpha(units, level)
    else:
        assert krippendorff_alpha(units, level) == pytest.approx(expected, rel=1e-9, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(unit_rows, st.sampled_from(LEVELS))
def test_alpha_is_at_most_one(units, level):
    try:
        alpha = krippendorff_alpha(units, level)
    except AlphaUndefined:
        return
    assert alpha <= 1.0 + 1e-12
