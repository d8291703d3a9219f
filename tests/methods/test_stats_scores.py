"""Weighted scorecard results: normalisation, weights, missing scores, spread and ranking."""

import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civiclab.methods.stats import Criterion, Score, criterion_summaries, weighted_scores

IMPACT = Criterion("impact", weight=2, scale_min=1, scale_max=5)
COST = Criterion("cost", weight=1, scale_min=0, scale_max=10, lower_is_better=True)


def by_idea(results):
    return {result.idea: result for result in results}


def test_the_score_is_the_weighted_mean_of_normalised_criterion_means():
    scores = [
        Score("bins", "ana", "impact", 5),
        Score("bins", "ben", "impact", 4),
        Score("bins", "ana", "cost", 2),
        Score("bins", "ben", "cost", 4),
    ]
    (result,) = weighted_scores(scores, [IMPACT, COST])
    # impact: mean 4.5 on 1-5 -> 0.875; cost: mean 3 on 0-10, lower is better -> 0.7
    assert result.score == pytest.approx(100 * (2 * 0.875 + 1 * 0.7) / 3)
    assert result.evaluators == 2
    assert result.rank == 1


def test_per_criterion_summary_gives_mean_and_spread_on_the_criterion_scale():
    scores = [Score("bins", who, "impact", v) for who, v in [("a", 1), ("b", 4), ("c", 4)]]
    (result,) = weighted_scores(scores, [IMPACT, COST])
    impact = result.criteria["impact"]
    assert (impact.n, impact.mean, impact.min, impact.max) == (3, 3.0, 1, 4)
    assert impact.sd == pytest.approx(statistics.stdev([1, 4, 4]))
    assert impact.normalised_mean == pytest.approx(50.0)
    assert "cost" not in result.criteria


def test_a_single_score_has_no_spread():
    (result,) = weighted_scores([Score("bins", "a", "cost", 10)], [IMPACT, COST])
    assert result.criteria["cost"].sd is None
    assert result.score == 0.0  # the highest cost is the worst


def test_a_criterion_nobody_scored_leaves_the_other_weights_renormalised():
    (result,) = weighted_scores([Score("bins", "a", "impact", 5)], [IMPACT, COST])
    assert result.score == 100.0


def test_an_evaluator_who_skipped_a_criterion_still_counts_on_the_others():
    scores = [
        Score("bins", "ana", "impact", 5),
        Score("bins", "ana", "cost", 0),
        Score("bins", "ben", "impact", 1),  # ben skipped cost
    ]
    (result,) = weighted_scores(scores, [IMPACT, COST])
    assert result.criteria["impact"].n == 2
    assert result.criteria["cost"].n == 1
    assert result.score == pytest.approx(100 * (2 * 0.5 + 1 * 1.0) / 3)


def test_results_are_best_first_with_shared_ranks_and_unscored_ideas_last():
    scores = [
        Score("low", "a", "impact", 2),
        Score("high", "a", "impact", 5),
        Score("tie-1", "a", "impact", 3),
        Score("tie-2", "a", "impact", 3),
    ]
    results = weighted_scores(scores, [IMPACT], ideas=["unscored", "low"])
    assert [(r.idea, r.rank) for r in results] == [
        ("high", 1),
        ("tie-1", 2),
        ("tie-2", 2),
        ("low", 4),
        ("unscored", None),
    ]
    assert results[-1].score is None
    assert results[-1].evaluators == 0


def test_criteria_of_weight_zero_do_not_move_the_score():
    ignored = Criterion("colour", weight=0, scale_min=0, scale_max=1)
    scores = [Score("x", "a", "impact", 3), Score("x", "a", "colour", 1)]
    assert weighted_scores(scores, [IMPACT, ignored])[0].score == pytest.approx(50.0)
    only_ignored = weighted_scores([Score("x", "a", "colour", 1)], [IMPACT, ignored])
    assert only_ignored[0].score is None


def test_challenge_wide_summaries_show_how_each_criterion_was_used():
    scores = [
        Score("bins", "ana", "impact", 5),
        Score("benches", "ana", "impact", 3),
        Score("benches", "ben", "impact", 4),
    ]
    summaries = criterion_summaries(scores, [IMPACT, COST])
    impact = summaries["impact"]
    assert impact is not None
    assert (impact.n, impact.mean, impact.min, impact.max) == (3, 4.0, 3, 5)
    assert impact.sd == pytest.approx(1.0)
    assert summaries["cost"] is None


def test_bad_scores_are_refused_clearly():
    with pytest.raises(ValueError, match="unknown criterion 'beauty'"):
        weighted_scores([Score("x", "a", "beauty", 3)], [IMPACT])
    with pytest.raises(ValueError, match="outside its scale 1-5"):
        weighted_scores([Score("x", "a", "impact", 6)], [IMPACT])
    with pytest.raises(ValueError, match="twice"):
        weighted_scores([Score("x", "a", "impact", 3), Score("x", "a", "impact", 4)], [IMPACT])
    with pytest.raises(ValueError, match="appears twice"):
        weighted_scores([], [IMPACT, IMPACT])


@pytest.mark.parametrize(
    ("weight", "low", "high", "message"),
    [
        (-1, 0, 1, "weight"),
        (float("nan"), 0, 1, "weight"),
        (1, 5, 5, "below"),
        (1, 0, float("inf"), "finite"),
    ],
)
def test_bad_criteria_are_refused_clearly(weight, low, high, message):
    with pytest.raises(ValueError, match=message):
        Criterion("c", weight=weight, scale_min=low, scale_max=high)


# -- properties -------------------------------------------------------------------------------

CRITERIA = [
    IMPACT,
    COST,
    Criterion("feasibility", weight=0.5, scale_min=0, scale_max=100),
]
score_lists = st.lists(
    st.tuples(
        st.sampled_from(["x", "y", "z"]),
        st.sampled_from(["ana", "ben", "cai"]),
        st.sampled_from(CRITERIA),
        st.floats(0, 1),
    ),
    unique_by=lambda t: (t[0], t[1], t[2].key),
    max_size=27,
).map(
    lambda rows: [
        Score(idea, who, c.key, c.scale_min + f * (c.scale_max - c.scale_min))
        for idea, who, c, f in rows
    ]
)


def reference_score(scores, idea):
    """Mean per criterion, normalised, then the weighted mean over criteria that have scores."""
    total = weights = 0.0
    for criterion in CRITERIA:
        values = [s.value for s in scores if s.idea == idea and s.criterion == criterion.key]
        if values:
            fraction = (sum(values) / len(values) - criterion.scale_min) / (
                criterion.scale_max - criterion.scale_min
            )
            if criterion.lower_is_better:
                fraction = 1 - fraction
            total += criterion.weight * fraction
            weights += criterion.weight
    return 100 * total / weights


@settings(max_examples=150, deadline=None)
@given(score_lists)
def test_scores_match_a_reference_computation_and_stay_within_0_to_100(scores):
    results = weighted_scores(scores, CRITERIA)
    assert {r.idea for r in results} == {s.idea for s in scores}
    for result in results:
        assert result.score == pytest.approx(reference_score(scores, result.idea), abs=1e-9)
        assert -1e-9 <= result.score <= 100 + 1e-9
    ordered = [r.score for r in results]
    assert ordered == sorted(ordered, reverse=True)


@settings(max_examples=50, deadline=None)
@given(score_lists, st.floats(0.1, 10))
def test_scaling_every_weight_by_the_same_factor_changes_nothing(scores, factor):
    scaled = [
        Criterion(c.key, c.weight * factor, c.scale_min, c.scale_max, c.lower_is_better)
        for c in CRITERIA
    ]
    original = {r.idea: r.score for r in weighted_scores(scores, CRITERIA)}
    rescaled = {r.idea: r.score for r in weighted_scores(scores, scaled)}
    assert rescaled == pytest.approx(original)
