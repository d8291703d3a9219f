"""Retried comment POSTs, from a form or from an API client, publish one comment."""

import re

import pytest

from civiclab.challenges.models import Idea
from civiclab.discussion.models import Comment
from tests.challenges.factories import IdeaFactory
from tests.discussion.pages import discussion_url
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


def form_token(html: str) -> str:
    found = re.search(r'name="form_token" value="([^"]+)"', html)
    assert found, "the comment form carries a one-time token"
    return found.group(1)


def test_retried_comment_post_creates_one_comment(client):
    idea = IdeaFactory()
    client.force_login(UserFactory())
    token = form_token(client.get(idea.get_absolute_url()).content.decode())
    sent = {"body": "Shade matters most in July.", "form_token": token}
    first = client.post(discussion_url("comment_add", idea), sent)
    again = client.post(discussion_url("comment_add", idea), sent)
    comment = Comment.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] and again["Location"].endswith(
        f"#comment-{comment.pk}"
    )
    assert Idea.objects.get(pk=idea.pk).comment_count == 1


def test_api_retry_with_the_same_idempotency_key_creates_one_comment(client):
    idea = IdeaFactory()
    client.force_login(UserFactory())
    url = f"{API}/ideas/{idea.pk}/comments"
    sent = {"body": "Benches need backs."}
    headers = {"Idempotency-Key": "4f1c2a9e-retry"}
    first = client.post(url, sent, content_type="application/json", headers=headers)
    again = client.post(url, sent, content_type="application/json", headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] == Comment.objects.get().pk
    other = client.post(
        url, sent, content_type="application/json", headers={"Idempotency-Key": "k2"}
    )
    assert other.status_code == 201 and Comment.objects.count() == 2
    # Without a key every request adds a comment.
    client.post(url, sent, content_type="application/json")
    assert Comment.objects.count() == 3


def test_the_same_idempotency_key_for_another_object_is_refused(client):
    idea, other_idea = IdeaFactory(), IdeaFactory()
    client.force_login(UserFactory())
    headers = {"Idempotency-Key": "one-key-only"}
    sent = {"body": "Hello"}
    client.post(
        f"{API}/ideas/{idea.pk}/comments", sent, content_type="application/json", headers=headers
    )
    refused = client.post(
        f"{API}/ideas/{other_idea.pk}/comments",
        sent,
        content_type="application/json",
        headers=headers,
    )
    assert refused.status_code == 422 and Comment.objects.count() == 1


def test_an_overlong_idempotency_key_is_refused(client):
    idea = IdeaFactory()
    client.force_login(UserFactory())
    refused = client.post(
        f"{API}/ideas/{idea.pk}/comments",
        {"body": "Hello"},
        content_type="application/json",
        headers={"Idempotency-Key": "x" * 65},
    )
    assert refused.status_code == 422 and not Comment.objects.exists()
