"""A refusal by the timetable says which phase closed the action and when, or when it opens;
the page about missing roles is kept for missing roles."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from civiclab.challenges.models import Idea, PhaseKind
from civiclab.challenges.phases import ADD_IDEA, SUPPORT_IDEA, phase_refusal
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory, during
from tests.challenges.test_ideas_pages import NEW, create_url
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

ROLE_PAGE = "does not have the role this page needs"


def test_the_reason_names_the_phase_that_closed_the_action_and_when(organisation):
    organisation.time_zone = "Europe/Amsterdam"
    organisation.save()
    now = timezone.now()
    review_start = datetime(now.year - 1, 3, 12, 16, 0, tzinfo=UTC)
    challenge = ChallengeFactory(organisation=organisation, phase=False)
    challenge.phases.create(
        kind=PhaseKind.SUBMISSION, starts_at=review_start - timedelta(days=30), ends_at=review_start
    )
    challenge.phases.create(
        kind=PhaseKind.REVIEW, starts_at=review_start, ends_at=review_start + timedelta(days=10)
    )
    challenge.phases.create(
        kind=PhaseKind.SELECTION,
        starts_at=review_start + timedelta(days=10),
        ends_at=now + timedelta(days=5),
    )
    year = now.year - 1
    assert phase_refusal(challenge=challenge, feature=ADD_IDEA) == (
        f"Submitting ideas closed when the review phase began on 12 March {year}, 17:00."
    )
    assert phase_refusal(challenge=challenge, feature=SUPPORT_IDEA) == (
        f"Supporting ideas closed when the selection phase began on 22 March {year}, 17:00."
    )


def test_before_the_first_phase_the_reason_says_when_it_opens(organisation):
    starts = timezone.now() + timedelta(days=3)
    challenge = ChallengeFactory(organisation=organisation, phase=False)
    challenge.phases.create(
        kind=PhaseKind.SUBMISSION, starts_at=starts, ends_at=starts + timedelta(days=20)
    )
    reason = phase_refusal(challenge=challenge, feature=ADD_IDEA)
    assert reason.startswith("Submitting ideas opens on ")
    assert reason.endswith(", when the submission phase begins.")


def test_an_open_action_has_no_reason():
    assert phase_refusal(challenge=ChallengeFactory(), feature=ADD_IDEA) == ""


def test_the_idea_form_after_the_deadline_says_so_instead_of_blaming_a_role(client):
    challenge = ChallengeFactory()
    client.force_login(UserFactory())
    with during(challenge, PhaseKind.REVIEW):
        response = client.get(create_url(challenge))
    page = response.content.decode()
    assert response.status_code == 403
    assert "This is closed at the moment" in page
    assert "Submitting ideas closed when the review phase began on" in page
    assert ROLE_PAGE not in page


def test_submitting_just_after_the_deadline_keeps_the_typed_text(client):
    challenge = ChallengeFactory()
    client.force_login(UserFactory())
    with during(challenge, PhaseKind.REVIEW):
        response = client.post(create_url(challenge), NEW)
    page = response.content.decode()
    assert response.status_code == 403
    assert "Submitting ideas closed when the review phase began on" in page
    assert NEW["title"] in page and NEW["summary"] in page  # nothing typed is lost
    assert not Idea.objects.exists()


def test_closed_supports_say_when_they_closed(client):
    idea = IdeaFactory(challenge=ChallengeFactory())
    support_url = reverse("challenges:support_idea", args=[idea.organisation.slug, idea.pk])
    with during(idea.challenge, PhaseKind.SELECTION):
        client.force_login(UserFactory())  # sessions started weeks ago have expired
        page = client.get(idea.get_absolute_url()).content.decode()
        assert "Supporting ideas closed when the selection phase began on" in page
        assert "Support this idea</button>" not in page
        refused = client.post(support_url)
        assert refused.status_code == 403
        assert "Supporting ideas closed when the selection phase began on" in (
            refused.content.decode()
        )
        swapped = client.post(support_url, headers={"HX-Request": "true"})
        assert "Supporting ideas closed" in swapped.content.decode()


def test_the_api_answers_a_closed_phase_with_its_own_code(client):
    idea = IdeaFactory(challenge=ChallengeFactory())
    with during(idea.challenge, PhaseKind.SELECTION):
        client.force_login(UserFactory())
        response = client.post(f"/api/v1/ideas/{idea.pk}/support", content_type="application/json")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "phase_closed"
    assert error["message"].startswith("Supporting ideas closed when the selection phase began")


def test_a_missing_role_still_gets_the_role_page(client):
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    client.force_login(member(challenge.organisation, Role.STAFF))
    url = reverse(
        "challenges:evaluation_results", args=[challenge.organisation.slug, challenge.slug]
    )
    response = client.get(url)
    assert response.status_code == 403
    page = response.content.decode()
    assert ROLE_PAGE in page and "This is closed at the moment" not in page
