"""Stored figures and decisions stay right when people act on the same idea at the same moment.

Runs on PostgreSQL, where requests really run in parallel; SQLite serialises writers.
"""

import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction

from civiclab.challenges.models import (
    Idea,
    IdeaStatus,
    MergeRecord,
    PhaseKind,
)
from civiclab.challenges.services import evaluation as evaluation_services
from civiclab.challenges.services._internal import idea_score_recompute
from civiclab.challenges.services.merge import idea_merge, merge_undo
from civiclab.challenges.services.selection import idea_select
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.challenges.test_evaluation_support import assign, evaluators, scorecard_with_criteria
from tests.factories import member

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL for parallel writers"
    ),
]


def run_together(actions) -> list[BaseException]:
    """Run each action in its own thread and database connection, all starting at once."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(actions))

    def run(action):
        try:
            barrier.wait()
            action()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def someone_waits_for_a_lock(timeout: float = 10.0) -> bool:
    """True once another connection to this database waits for a lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid() "
                "AND pid IN (SELECT pid FROM pg_stat_activity WHERE datname = current_database())"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.02)
    return False


def test_concurrent_evaluations_leave_the_right_score():
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    people = evaluators(challenge.organisation, 4)
    wrong = []
    for round_ in range(5):
        idea = IdeaFactory(challenge=challenge, status=IdeaStatus.UNDER_REVIEW)
        assignments = [assign(idea, person) for person in people]

        def submit(assignment, value):
            evaluation_services.evaluation_save(
                actor=assignment.evaluator,
                assignment=assignment,
                scores={
                    impact.pk: evaluation_services.ScoreInput(value),
                    cost.pk: evaluation_services.ScoreInput(6 - value),
                },
                submit=True,
            )

        errors = run_together(
            [lambda a=a, v=v: submit(a, v) for a, v in zip(assignments, [5, 1, 4, 2], strict=True)]
        )
        assert errors == []
        stored = Idea.objects.get(pk=idea.pk).score
        right = idea_score_recompute(idea=Idea.objects.get(pk=idea.pk))
        if stored != pytest.approx(right):
            wrong.append((round_, stored, right))
    assert wrong == []


def test_idea_selected_while_being_merged_is_not_merged():
    challenge = ChallengeFactory(phase=PhaseKind.SELECTION)
    source = IdeaFactory(challenge=challenge, status=IdeaStatus.SHORTLISTED)
    target = IdeaFactory(challenge=challenge, status=IdeaStatus.SHORTLISTED)
    moderator = member(challenge.organisation, Role.MODERATOR)
    decider = member(challenge.organisation, Role.DECISION_MAKER)
    selected = threading.Event()

    def select():
        # The decision is written and holds the idea's row until the merge queues behind it.
        with transaction.atomic():
            idea_select(actor=decider, idea=Idea.objects.get(pk=source.pk), reason="Best one")
            selected.set()
            assert someone_waits_for_a_lock()

    def merge():
        # The page loaded both ideas before the decision: they still read "shortlisted".
        assert selected.wait(10)
        idea_merge(actor=moderator, source=source, target=target, reason="Same idea")

    errors = run_together([select, merge])
    assert len(errors) == 1
    assert isinstance(errors[0], PermissionDenied | ValidationError)
    source.refresh_from_db()
    assert source.status == IdeaStatus.SELECTED
    assert source.merged_into_id is None
    assert not MergeRecord.objects.exists()


def test_target_selected_while_being_merged_into_is_refused():
    """Merging into an idea that has just been decided on is refused the same way."""
    challenge = ChallengeFactory(phase=PhaseKind.SELECTION)
    source = IdeaFactory(challenge=challenge, status=IdeaStatus.SHORTLISTED)
    target = IdeaFactory(challenge=challenge, status=IdeaStatus.SHORTLISTED)
    moderator = member(challenge.organisation, Role.MODERATOR)
    decider = member(challenge.organisation, Role.DECISION_MAKER)
    selected = threading.Event()

    def select():
        with transaction.atomic():
            idea_select(actor=decider, idea=Idea.objects.get(pk=target.pk), reason="Best one")
            selected.set()
            assert someone_waits_for_a_lock()

    def merge():
        assert selected.wait(10)
        idea_merge(actor=moderator, source=source, target=target, reason="Same idea")

    errors = run_together([select, merge])
    assert len(errors) == 1
    assert isinstance(errors[0], PermissionDenied | ValidationError)
    assert Idea.objects.get(pk=source.pk).status == IdeaStatus.SHORTLISTED
    assert not MergeRecord.objects.exists()


def test_merge_undone_while_its_target_is_merged_further_is_refused():
    """A chain is undone from its end: an undo that queued behind the next merge is refused."""
    challenge = ChallengeFactory(phase=PhaseKind.SELECTION)
    source, target, final = (
        IdeaFactory(challenge=challenge, status=IdeaStatus.SHORTLISTED) for _ in range(3)
    )
    moderator = member(challenge.organisation, Role.MODERATOR)
    record = idea_merge(actor=moderator, source=source, target=target, reason="Same idea")
    merged = threading.Event()

    def merge_further():
        with transaction.atomic():
            idea_merge(
                actor=moderator,
                source=Idea.objects.get(pk=target.pk),
                target=final,
                reason="Same again",
            )
            merged.set()
            assert someone_waits_for_a_lock()

    def undo():
        assert merged.wait(10)
        merge_undo(actor=moderator, record=record, reason="Not the same after all")

    errors = run_together([merge_further, undo])
    assert len(errors) == 1
    assert isinstance(errors[0], PermissionDenied | ValidationError)
    assert Idea.objects.get(pk=source.pk).status == IdeaStatus.MERGED
    assert MergeRecord.objects.get(pk=record.pk).unmerged_at is None
