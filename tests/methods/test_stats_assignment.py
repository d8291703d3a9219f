"""Balanced evaluator assignment: coverage, conflicts of interest, balance, determinism."""

from collections import Counter
from itertools import combinations, product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civiclab.methods.stats import InfeasibleAssignment, balanced_assignment


def loads(assignment, evaluators):
    counts = Counter(e for people in assignment.values() for e in people)
    return [counts[e] for e in evaluators]


def test_every_idea_gets_its_evaluators_and_the_work_is_shared_evenly():
    ideas = [f"idea-{i}" for i in range(10)]
    evaluators = ["ana", "ben", "cai", "dee"]
    assignment = balanced_assignment(ideas, evaluators, per_idea=2)
    assert list(assignment) == ideas
    assert all(len(set(people)) == 2 for people in assignment.values())
    assert sorted(loads(assignment, evaluators)) == [5, 5, 5, 5]


def test_nobody_evaluates_an_idea_they_wrote_or_co_wrote():
    conflicts = [("bike-lanes", "ana"), ("bike-lanes", "ben"), ("bins", "cai")]
    assignment = balanced_assignment(
        ["bike-lanes", "bins", "benches"], ["ana", "ben", "cai", "dee"], 2, conflicts
    )
    assert assignment["bike-lanes"] == ["cai", "dee"]
    assert "cai" not in assignment["bins"]


def test_evaluators_are_listed_in_the_order_given():
    assignment = balanced_assignment(["x"], ["zoe", "amy", "kim"], 3)
    assert assignment["x"] == ["zoe", "amy", "kim"]


def test_the_same_seed_gives_the_same_assignment():
    ideas, evaluators = list(range(30)), list("abcdefg")
    conflicts = [(i, evaluators[i % 7]) for i in range(30)]
    first = balanced_assignment(ideas, evaluators, 3, conflicts, seed=7)
    assert balanced_assignment(ideas, evaluators, 3, conflicts, seed=7) == first


def test_an_idea_without_enough_eligible_evaluators_is_named_in_the_error():
    with pytest.raises(InfeasibleAssignment, match="'solo'") as raised:
        balanced_assignment(["solo", "fine"], ["ana", "ben"], 2, [("solo", "ana")])
    assert raised.value.ideas == ["solo"]
    with pytest.raises(InfeasibleAssignment):
        balanced_assignment(["x"], ["ana"], 2)


def test_bad_input_is_refused_clearly():
    with pytest.raises(ValueError, match="at least one"):
        balanced_assignment(["x"], ["ana"], 0)
    with pytest.raises(ValueError, match="idea must be listed once"):
        balanced_assignment(["x", "x"], ["ana"], 1)
    with pytest.raises(ValueError, match="evaluator must be listed once"):
        balanced_assignment(["x"], ["ana", "ana"], 1)


def test_no_ideas_means_no_work():
    assert balanced_assignment([], ["ana"], 1) == {}


@st.composite
def instances(draw, max_ideas=12, max_evaluators=6):
    ideas = list(range(draw(st.integers(0, max_ideas))))
    evaluators = [f"e{j}" for j in range(draw(st.integers(1, max_evaluators)))]
    per_idea = draw(st.integers(1, len(evaluators)))
    conflicts = draw(
        st.lists(st.tuples(st.sampled_from(ideas), st.sampled_from(evaluators)), max_size=10)
        if ideas
        else st.just([])
    )
    return ideas, evaluators, per_idea, conflicts, draw(st.integers(0, 1000))


def feasible(ideas, evaluators, per_idea, conflicts):
    barred = set(conflicts)
    return all(sum((i, e) not in barred for e in evaluators) >= per_idea for i in ideas)


@settings(max_examples=200, deadline=None)
@given(instances())
def test_assignments_cover_every_idea_and_respect_every_conflict(instance):
    ideas, evaluators, per_idea, conflicts, seed = instance
    if not feasible(ideas, evaluators, per_idea, conflicts):
        with pytest.raises(InfeasibleAssignment):
            balanced_assignment(ideas, evaluators, per_idea, conflicts, seed=seed)
        return
    assignment = balanced_assignment(ideas, evaluators, per_idea, conflicts, seed=seed)
    assert set(assignment) == set(ideas)
    for idea, people in assignment.items():
        assert len(people) == len(set(people)) == per_idea
        assert not {(idea, e) for e in people} & set(conflicts)
    if not conflicts:
        spread = loads(assignment, evaluators)
        assert max(spread, default=0) - min(spread, default=0) <= 1


@settings(max_examples=200, deadline=None)
@given(instances(max_ideas=4, max_evaluators=4))
def test_loads_are_as_even_as_any_assignment_could_make_them(instance):
    """Against every possible assignment: the heaviest load is as light, and the lightest as
    heavy, as conflicts allow; so the spread is the smallest possible (<= 1 where feasible)."""
    ideas, evaluators, per_idea, conflicts, seed = instance
    if not feasible(ideas, evaluators, per_idea, conflicts):
        return
    barred = set(conflicts)
    choices = [
        [c for c in combinations(evaluators, per_idea) if not {(i, e) for e in c} & barred]
        for i in ideas
    ]
    possible = [
        loads(dict(zip(ideas, pick, strict=True)), evaluators) for pick in product(*choices)
    ]
    ours = loads(balanced_assignment(ideas, evaluators, per_idea, conflicts, seed=seed), evaluators)
    assert max(ours) == min(max(p) for p in possible)
    assert min(ours) == max(min(p) for p in possible)
    assert max(ours) - min(ours) == min(max(p) - min(p) for p in possible)
