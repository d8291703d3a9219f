"""Two copies of one comment POST sent at the same moment publish one comment.

Runs on PostgreSQL, where requests really run in parallel; SQLite serialises writers.
"""

import pytest
from django.db import connection

from civiclab.challenges.models import Idea
from civiclab.discussion.models import Comment
from civiclab.discussion.services.comments import comment_add
from tests.challenges.factories import IdeaFactory
from tests.challenges.test_participation_concurrency import run_together
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL for parallel writers"
    ),
]


def test_parallel_retries_with_one_key_publish_one_comment():
    idea, person = IdeaFactory(), UserFactory()
    published: list[int] = []

    def send():
        comment = comment_add(actor=person, target=idea, body="Twice?", idempotency_key="k-1")
        published.append(comment.pk)

    errors = run_together([send] * 4)
    assert errors == []
    assert Comment.objects.filter(idea=idea).count() == 1
    assert set(published) == {Comment.objects.get(idea=idea).pk}
    assert Idea.objects.get(pk=idea.pk).comment_count == 1
