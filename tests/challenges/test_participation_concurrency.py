"""Support counts stay exact when many people (or one impatient person) click at once.

Runs on PostgreSQL, where requests really run in parallel; SQLite serialises writers.
"""

import threading

import pytest
from django.db import connection, connections

from civiclab.challenges.models import Idea, Support
from civiclab.challenges.services.participation import support_add, support_remove
from tests.challenges.factories import IdeaFactory
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL for parallel writers"
    ),
]


def run_together(actions) -> list[BaseException]:
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


def test_parallel_supports_from_many_people_all_count():
    idea = IdeaFactory()
    people = [UserFactory() for _ in range(8)]
    errors = run_together([lambda p=p: support_add(actor=p, idea=idea) for p in people])
    assert errors == []
    assert Idea.objects.get(pk=idea.pk).support_count == Support.objects.filter(idea=idea).count()
    assert Support.objects.filter(idea=idea).count() == 8


def test_a_double_click_in_parallel_counts_once():
    idea, person = IdeaFactory(), UserFactory()
    errors = run_together([lambda: support_add(actor=person, idea=idea)] * 4)
    assert errors == []
    assert Idea.objects.get(pk=idea.pk).support_count == 1


def test_parallel_withdrawals_never_go_below_the_rows():
    idea, person = IdeaFactory(), UserFactory()
    support_add(actor=person, idea=idea)
    errors = run_together([lambda: support_remove(actor=person, idea=idea)] * 4)
    assert errors == []
    assert Idea.objects.get(pk=idea.pk).support_count == 0
