"""Exact query counts on the pages people open most: a challenge, an idea, the idea list and
the evaluation results.

Each count is the second visit of a signed-in person, once the caches a live site keeps warm
(list counts, roles) are filled. A change in a count is a decision: when a page needs one more
query, raise the number here in the same commit and say why; when it needs fewer, lower it.
The counts do not depend on the number of rows shown (see the tests beside each page).

Every page for a signed-in person counts their unread notifications once, for the number on
the Notifications link (`core.context_processors.notifications`); visitors' pages do not.
"""

import pytest
from django.urls import reverse

from civiclab.challenges.models import IdeaStatus, PhaseKind
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory, TagFactory
from tests.challenges.test_evaluation_support import (
    assign,
    evaluators,
    scorecard_with_criteria,
    submit,
)
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge():
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    tags = [TagFactory(organisation=challenge.organisation) for _ in range(2)]
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    people = evaluators(challenge.organisation, 2)
    ideas = IdeaFactory.create_batch(
        6, challenge=challenge, status=IdeaStatus.UNDER_REVIEW, tags=tags
    )
    for index, idea in enumerate(ideas):
        for person in people:
            submit(assign(idea, person), {impact: 1 + index % 5, cost: 2})
    return challenge


def second_visit(client, url, django_assert_num_queries, queries):
    assert client.get(url).status_code == 200
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    return response


def test_the_challenge_page_for_its_innovation_lead(client, challenge, django_assert_num_queries):
    client.force_login(member(challenge.organisation, Role.INNOVATION_LEAD))
    second_visit(client, challenge.get_absolute_url(), django_assert_num_queries, 12)


def test_the_challenge_page_for_a_visitor(client, challenge, django_assert_num_queries):
    second_visit(client, challenge.get_absolute_url(), django_assert_num_queries, 5)


def test_the_idea_page_for_a_signed_in_citizen(client, challenge, django_assert_num_queries):
    idea = challenge.ideas.first()
    client.force_login(UserFactory())
    second_visit(client, idea.get_absolute_url(), django_assert_num_queries, 19)


def test_the_idea_page_for_its_innovation_lead(client, challenge, django_assert_num_queries):
    idea = challenge.ideas.first()
    client.force_login(member(challenge.organisation, Role.INNOVATION_LEAD))
    second_visit(client, idea.get_absolute_url(), django_assert_num_queries, 21)


def test_the_idea_list_of_a_challenge(client, challenge, django_assert_num_queries):
    url = reverse(
        "challenges:idea_list",
        kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
    )
    client.force_login(UserFactory())
    response = second_visit(client, url + "?sort=supported", django_assert_num_queries, 11)
    assert len(response.context["page_obj"].object_list) == 6


def test_the_evaluation_results(client, challenge, django_assert_num_queries):
    url = reverse(
        "challenges:evaluation_results",
        kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
    )
    client.force_login(member(challenge.organisation, Role.INNOVATION_LEAD))
    second_visit(client, url, django_assert_num_queries, 14)
