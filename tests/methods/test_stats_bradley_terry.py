"""Bradley-Terry strengths by the MM algorithm, against simulation and a Newton reference."""

import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civiclab.methods.stats import Comparison, bradley_terry


def simulate(strengths: dict[str, float], comparisons: int, seed: int) -> list[tuple[str, str]]:
    """Random pairs, each won with the Bradley-Terry probability of the true strengths."""
    rng = random.Random(seed)
    items = list(strengths)
    outcomes = []
    for _ in range(comparisons):
        a, b = rng.sample(items, 2)
        p_a = 1 / (1 + math.exp(strengths[b] - strengths[a]))
        outcomes.append((a, b) if rng.random() < p_a else (b, a))
    return outcomes


@pytest.mark.parametrize("seed", range(5))
def test_simulated_comparisons_recover_the_order_of_the_true_strengths(seed):
    truth = {"bins": 1.5, "benches": 0.75, "lights": 0.0, "murals": -0.75, "fountains": -1.5}
    result = bradley_terry(simulate(truth, 1500, seed), list(truth))
    assert result.converged
    assert result.ranking == list(truth)
    for item, strength in truth.items():
        assert result.strengths[item] == pytest.approx(strength, abs=0.3)


def test_an_unbeaten_idea_is_first_with_a_finite_score_and_a_winless_one_last():
    result = bradley_terry([("a", "b"), ("a", "c"), ("b", "c"), ("a", "b")], ["a", "b", "c"])
    assert result.ranking == ["a", "b", "c"]
    assert all(math.isfinite(s) for s in result.strengths.values())
    assert 50 < result.scores["a"] < 100
    assert 0 < result.scores["c"] < 50


def test_strengths_are_centred_and_scores_are_the_chance_of_beating_an_average_idea():
    result = bradley_terry(simulate({"x": 1, "y": 0, "z": -2}, 300, 1), ["x", "y", "z"])
    assert sum(result.strengths.values()) == pytest.approx(0.0, abs=1e-12)
    for item, strength in result.strengths.items():
        assert result.scores[item] == pytest.approx(100 / (1 + math.exp(-strength)))


def test_ties_count_half_a_win_each():
    ties = [Comparison("a", "b", tie=True), Comparison("b", "a", tie=True)]
    result = bradley_terry(ties, ["a", "b"])
    assert result.strengths["a"] == pytest.approx(result.strengths["b"])
    one_win_one_loss = bradley_terry([("a", "b"), ("b", "a")], ["a", "b"])
    assert result.strengths == pytest.approx(one_win_one_loss.strengths)


def test_equal_strengths_keep_the_order_items_were_given():
    assert bradley_terry([], ["c", "a", "b"]).ranking == ["c", "a", "b"]


def test_disconnected_groups_are_reported_and_ranked_within_themselves():
    comparisons = [("a", "b"), ("a", "b"), ("b", "c"), ("x", "y"), ("x", "y")]
    result = bradley_terry(comparisons, ["a", "b", "c", "x", "y", "lonely"])
    assert result.components == [["a", "b", "c"], ["x", "y"], ["lonely"]]
    assert result.strengths["a"] > result.strengths["b"] > result.strengths["c"]
    assert result.strengths["x"] > result.strengths["y"]
    # Never compared: the prior alone places it, at the centre of the uncompared scale (0 before
    # centring), so between the strongest and the weakest.
    assert result.strengths["c"] < result.strengths["lonely"] < result.strengths["a"]


def test_a_larger_prior_pulls_strengths_together():
    data = [("a", "b")] * 3
    weak_prior = bradley_terry(data, ["a", "b"], prior=0.1)
    strong_prior = bradley_terry(data, ["a", "b"], prior=5)
    spread = lambda r: r.strengths["a"] - r.strengths["b"]  # noqa: E731
    assert spread(weak_prior) > spread(strong_prior) > 0


def test_iteration_limit_is_reported_rather_than_hidden():
    result = bradley_terry(
        simulate({"a": 3, "b": 0, "c": -3}, 50, 2), ["a", "b", "c"], max_iterations=2
    )
    assert not result.converged
    assert result.iterations == 2


def test_bad_input_is_refused_clearly():
    with pytest.raises(ValueError, match="unknown item 'z'"):
        bradley_terry([("a", "z")], ["a", "b"])
    with pytest.raises(ValueError, match="itself"):
        bradley_terry([("a", "a")], ["a", "b"])
    with pytest.raises(ValueError, match="listed twice"):
        bradley_terry([], ["a", "a"])
    with pytest.raises(ValueError, match="prior must be positive"):
        bradley_terry([], ["a"], prior=0)


# -- against an independent maximiser of the same objective -----------------------------------


def newton_log_strengths(comparisons, items, prior):
    """Maximise the penalised log-likelihood by Newton's method; return centred log-strengths.

    l(theta) = sum over comparisons of [wins_i * theta_i - log(e^theta_i + e^theta_j)]
             + sum over items of prior * [theta_i - 2 log(1 + e^theta_i)]
    (the prior being `prior` wins and losses against a reference item with theta = 0;
    a tie is half a win for each side).
    """
    index = {item: i for i, item in enumerate(items)}
    size = len(items)
    wins = np.zeros(size)
    games = np.zeros((size, size))
    for c in comparisons:
        i, j = index[c.winner], index[c.loser]
        games[i, j] += 1
        games[j, i] += 1
        wins[i] += 0.5 if c.tie else 1.0
        wins[j] += 0.5 if c.tie else 0.0
    theta = np.zeros(size)
    for _ in range(100):
        p = 1 / (1 + np.exp(theta[None, :] - theta[:, None]))  # p[i, j]: i beats j
        sigma = 1 / (1 + np.exp(-theta))
        gradient = wins + prior - (games * p).sum(axis=1) - 2 * prior * sigma
        curvature = games * p * p.T
        hessian = curvature - np.diag(curvature.sum(axis=1) + 2 * prior * sigma * (1 - sigma))
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.max(np.abs(step)) < 1e-13:
            break
    return theta - theta.mean()


comparison_lists = st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, 4), st.booleans())
    .filter(lambda t: t[0] != t[1])
    .map(lambda t: Comparison(f"idea-{t[0]}", f"idea-{t[1]}", tie=t[2])),
    max_size=30,
)


@settings(max_examples=80, deadline=None)
@given(comparison_lists, st.sampled_from([0.1, 0.5, 2.0]))
def test_mm_estimates_equal_newtons_maximum_of_the_same_objective(comparisons, prior):
    items = [f"idea-{i}" for i in range(5)]
    result = bradley_terry(comparisons, items, prior=prior, tolerance=1e-13, max_iterations=200_000)
    assert result.converged
    expected = newton_log_strengths(comparisons, items, prior)
    for i, item in enumerate(items):
        assert result.strengths[item] == pytest.approx(expected[i], abs=1e-6)
