"""Assigning ideas to evaluators: every idea gets the same number of evaluators, nobody scores an
idea they have a conflict of interest with (they wrote or co-wrote it), and the work is spread
as evenly as the conflicts allow.

Method. A greedy pass gives each idea, in a seeded random order, the eligible evaluators with
the lightest load so far. A repair pass then moves work along alternating paths: from an
evaluator with load L, through an idea they hold, to another eligible evaluator, and so on,
until an evaluator with load at most L - 2 is reached; shifting each idea on the path one step
lowers L by one and raises the far end by one, leaving everyone in between unchanged. When no
such path exists the assignment minimises the sum of squared loads: this is the optimality
condition for a minimum convex-cost flow (no negative-cost cycle in the residual graph;
Ahuja, Magnanti and Orlin (1993) *Network Flows*, section 14), and the loads of a
minimum-square-sum flow are lexicographically optimal (Fujishige (1980) "Lexicographically
optimal base of a polymatroid with respect to a weight vector", *Mathematics of Operations
Research* 5(2)), so the heaviest load is as small and the lightest as large as possible. In
particular max - min <= 1 whenever the conflicts allow it.

The result depends only on the inputs and `seed`.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Hashable, Iterable, Sequence


class InfeasibleAssignment(ValueError):
    """Some idea has fewer eligible evaluators than it needs."""

    def __init__(self, message: str, ideas: list[Hashable]) -> None:
        super().__init__(message)
        self.ideas = ideas


def balanced_assignment(
    ideas: Sequence[Hashable],
    evaluators: Sequence[Hashable],
    per_idea: int,
    conflicts: Iterable[tuple[Hashable, Hashable]] = (),
    *,
    seed: int = 0,
) -> dict[Hashable, list[Hashable]]:
    """Map every idea to `per_idea` distinct evaluators, none in conflict with it.

    `conflicts` holds ``(idea, evaluator)`` pairs that must never be assigned. Evaluators of
    each idea are listed in the order of `evaluators`. Raises `InfeasibleAssignment` (a
    ValueError) naming the ideas that have fewer than `per_idea` eligible evaluators.
    """
    if per_idea < 1:
        raise ValueError("each idea needs at least one evaluator")
    _check_unique(ideas, "idea")
    _check_unique(evaluators, "evaluator")
    eligible = _eligible(ideas, evaluators, conflicts, seed)
    short = [idea for idea, people in zip(ideas, eligible, strict=True) if len(people) < per_idea]
    if short:
        shown = ", ".join(repr(idea) for idea in short[:10])
        more = f" and {len(short) - 10} more" if len(short) > 10 else ""
        raise InfeasibleAssignment(
            f"{len(short)} idea(s) have fewer than {per_idea} evaluators without a conflict of "
            f"interest: {shown}{more}",
            short,
        )
    held = _greedy(eligible, len(evaluators), per_idea, seed)
    _repair(held, eligible, len(evaluators))
    return {
        idea: [evaluators[e] for e in sorted(holders)]
        for idea, holders in zip(ideas, held, strict=True)
    }


def _check_unique(values: Sequence[Hashable], what: str) -> None:
    if len(set(values)) != len(values):
        raise ValueError(f"each {what} must be listed once")


def _eligible(
    ideas: Sequence[Hashable],
    evaluators: Sequence[Hashable],
    conflicts: Iterable[tuple[Hashable, Hashable]],
    seed: int,
) -> list[list[int]]:
    """Per idea, the evaluator numbers without a conflict, in a seeded random order."""
    barred: dict[Hashable, set[Hashable]] = {}
    for idea, evaluator in conflicts:
        barred.setdefault(idea, set()).add(evaluator)
    order = list(range(len(evaluators)))
    random.Random(seed).shuffle(order)
    return [[e for e in order if evaluators[e] not in barred.get(idea, ())] for idea in ideas]


def _greedy(
    eligible: list[list[int]], evaluator_count: int, per_idea: int, seed: int
) -> list[set[int]]:
    """Give each idea, in seeded random order, its least-loaded eligible evaluators."""
    load = [0] * evaluator_count
    held: list[set[int]] = [set() for _ in eligible]
    idea_order = list(range(len(eligible)))
    random.Random(seed + 1).shuffle(idea_order)
    for i in idea_order:
        # sorted() is stable, so equal loads keep the seeded order of `eligible`.
        for e in sorted(eligible[i], key=load.__getitem__)[:per_idea]:
            held[i].add(e)
            load[e] += 1
    return held


def _repair(held: list[set[int]], eligible: list[list[int]], evaluator_count: int) -> None:
    """Shift work along alternating paths until no evaluator can pass one to a lighter one."""
    ideas_of: list[list[int]] = [[] for _ in range(evaluator_count)]
    for i, holders in enumerate(held):
        for e in holders:
            ideas_of[e].append(i)
    while True:
        load = [len(ideas) for ideas in ideas_of]
        for start in sorted(range(evaluator_count), key=lambda e: -load[e]):
            path = _lighter_path(start, load, ideas_of, held, eligible)
            if path:
                _shift(path, ideas_of, held)
                break
        else:
            return


def _lighter_path(
    start: int,
    load: list[int],
    ideas_of: list[list[int]],
    held: list[set[int]],
    eligible: list[list[int]],
) -> list[tuple[int, int, int]]:
    """Breadth-first search for moves (idea, from, to) ending at a load <= load[start] - 2."""
    came_from: dict[int, tuple[int, int, int] | None] = {start: None}
    seen_ideas: set[int] = set()
    queue = deque([start])
    while queue:
        evaluator = queue.popleft()
        for idea in ideas_of[evaluator]:
            if idea in seen_ideas:
                continue
            seen_ideas.add(idea)
            for other in eligible[idea]:
                if other in came_from or other in held[idea]:
                    continue
                came_from[other] = (idea, evaluator, other)
                if load[other] <= load[start] - 2:
                    return _unwind(came_from, other)
                queue.append(other)
    return []


def _unwind(
    came_from: dict[int, tuple[int, int, int] | None], end: int
) -> list[tuple[int, int, int]]:
    path = []
    step = came_from[end]
    while step is not None:
        path.append(step)
        step = came_from[step[1]]
    return path


def _shift(
    path: list[tuple[int, int, int]], ideas_of: list[list[int]], held: list[set[int]]
) -> None:
    for idea, source, target in path:
        held[idea].remove(source)
        held[idea].add(target)
        ideas_of[source].remove(idea)
        ideas_of[target].append(idea)
