"""A retried idea submission (a double click, a browser resending the POST) creates one idea."""

import re

import pytest

from civiclab.challenges.models import Idea
from tests.challenges.factories import ChallengeFactory
from tests.challenges.test_ideas_pages import NEW, create_url
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def form_token(html: str) -> str:
    found = re.search(r'name="form_token" value="([^"]+)"', html)
    assert found, "the form carries a one-time token"
    return found.group(1)


def test_retried_idea_submission_creates_one_idea(client):
    challenge = ChallengeFactory()
    client.force_login(UserFactory())
    token = form_token(client.get(create_url(challenge)).content.decode())
    first = client.post(create_url(challenge), {**NEW, "confirmed": "1", "form_token": token})
    again = client.post(create_url(challenge), {**NEW, "confirmed": "1", "form_token": token})
    idea = Idea.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == idea.get_absolute_url()


def test_a_retried_submission_does_not_offer_its_own_idea_as_similar(client):
    challenge = ChallengeFactory()
    client.force_login(UserFactory())
    token = form_token(client.get(create_url(challenge)).content.decode())
    client.post(create_url(challenge), {**NEW, "form_token": token})
    again = client.post(create_url(challenge), {**NEW, "form_token": token})
    assert again.status_code == 302 and again["Location"] == Idea.objects.get().get_absolute_url()


def test_a_new_form_submits_a_new_idea(client):
    challenge = ChallengeFactory()
    client.force_login(UserFactory())
    for _ in range(2):
        token = form_token(client.get(create_url(challenge)).content.decode())
        client.post(create_url(challenge), {**NEW, "confirmed": "1", "form_token": token})
    assert Idea.objects.count() == 2


def test_another_persons_token_is_their_own(client):
    challenge = ChallengeFactory()
    client.force_login(UserFactory())
    client.post(create_url(challenge), {**NEW, "confirmed": "1", "form_token": "shared-token-123"})
    client.force_login(UserFactory())
    client.post(create_url(challenge), {**NEW, "confirmed": "1", "form_token": "shared-token-123"})
    assert Idea.objects.count() == 2
