"""Supports and the author's follow of a new idea: counts stay exact, limits hold."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from civiclab.challenges.models import Idea, Support
from civiclab.challenges.services import participation as services
from civiclab.challenges.services.ideas import idea_create
from civiclab.core.ratelimit import RateLimited
from civiclab.discussion.models import Follow
from tests.challenges.factories import ChallengeFactory, IdeaFactory, during
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def count_of(idea) -> int:
    return Idea.objects.get(pk=idea.pk).support_count


# Supports ----------------------------------------------------------------------------------


def test_supporting_twice_counts_once():
    idea, citizen = IdeaFactory(), UserFactory()
    first = services.support_add(actor=citizen, idea=idea)
    second = services.support_add(actor=citizen, idea=idea)
    assert first.count == second.count == 1 and second.supported
    assert Support.objects.filter(idea=idea).count() == 1
    assert count_of(idea) == 1


def test_withdrawing_a_support_and_withdrawing_again():
    idea, citizen = IdeaFactory(), UserFactory()
    services.support_add(actor=citizen, idea=idea)
    state = services.support_remove(actor=citizen, idea=idea)
    again = services.support_remove(actor=citizen, idea=idea)
    assert (state.count, state.supported) == (0, False)
    assert again.count == 0 and count_of(idea) == 0


def test_the_count_matches_the_rows_after_many_people_come_and_go():
    idea = IdeaFactory()
    people = [UserFactory() for _ in range(6)]
    for person in people:
        services.support_add(actor=person, idea=idea)
    for person in people[:2]:
        services.support_remove(actor=person, idea=idea)
    services.support_add(actor=people[0], idea=idea)
    assert count_of(idea) == Support.objects.filter(idea=idea).count() == 5


def test_authors_cannot_support_their_own_idea():
    idea = IdeaFactory()
    with pytest.raises(PermissionDenied):
        services.support_add(actor=idea.author, idea=idea)
    assert count_of(idea) == 0


def test_a_supporter_who_becomes_a_coauthor_no_longer_supports_their_own_idea():
    from civiclab.challenges.services.ideas import coauthor_respond

    idea, supporter, other = IdeaFactory(), UserFactory(), UserFactory()
    services.support_add(actor=supporter, idea=idea)
    services.support_add(actor=other, idea=idea)
    idea.coauthors.create(user=supporter, status="invited")
    coauthor_respond(actor=supporter, idea=idea, accept=True)
    assert not Support.objects.filter(idea=idea, user=supporter).exists()
    assert count_of(idea) == Support.objects.filter(idea=idea).count() == 1


def test_declining_a_coauthor_invitation_keeps_the_support():
    from civiclab.challenges.services.ideas import coauthor_respond

    idea, supporter = IdeaFactory(), UserFactory()
    services.support_add(actor=supporter, idea=idea)
    idea.coauthors.create(user=supporter, status="invited")
    coauthor_respond(actor=supporter, idea=idea, accept=False)
    assert count_of(idea) == 1


def test_supports_close_with_the_review_phase():
    idea = IdeaFactory()
    with during(idea.challenge, "selection"), pytest.raises(PermissionDenied):
        services.support_add(actor=UserFactory(), idea=idea)


@override_settings(CHALLENGES_SUPPORT_RATE=(3, 60))
def test_support_clicks_are_rate_limited_per_person():
    idea, citizen = IdeaFactory(), UserFactory()
    services.support_add(actor=citizen, idea=idea)
    services.support_remove(actor=citizen, idea=idea)
    services.support_add(actor=citizen, idea=idea)
    with pytest.raises(RateLimited) as limited:
        services.support_remove(actor=citizen, idea=idea)
    assert "wait" in limited.value.message and limited.value.retry_after >= 1
    assert count_of(idea) == 1  # the refused click changed nothing
    services.support_add(actor=UserFactory(), idea=idea)  # someone else is not limited


# Comments ----------------------------------------------------------------------------------


# Following ---------------------------------------------------------------------------------


def test_the_author_follows_the_idea_they_submit():
    author = UserFactory()
    idea = idea_create(
        actor=author,
        challenge=ChallengeFactory(),
        title="Benches",
        summary="A summary.",
        description="More benches.",
    )
    assert Follow.objects.filter(idea=idea, user=author).count() == 1


def test_an_idea_written_without_the_service_has_no_follow():
    """Following is written by the submitting service, not by a signal on every save."""
    idea = IdeaFactory()
    assert not Follow.objects.filter(idea=idea).exists()
