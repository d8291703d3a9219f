"""Pairwise comparison: which pair comes next, what may be recorded, the page without
JavaScript, the rate limit, and the Bradley-Terry ranking."""

import random

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from civiclab.challenges.models import (
    CoAuthor,
    CoAuthorStatus,
    IdeaStatus,
    PairwiseComparison,
    PhaseKind,
)
from civiclab.challenges.selectors.pairwise import next_pair, pairwise_ranking
from civiclab.challenges.services.pairwise import pairwise_record
from civiclab.core.ratelimit import RateLimited
from civiclab.methods import stats
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.challenges.test_evaluation_support import scorecard_with_criteria
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def challenge():
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    scorecard_with_criteria(challenge, pairwise=True)
    return challenge


def compare_url(challenge, suffix=""):
    return reverse(
        f"challenges:pairwise{suffix}",
        kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
    )


def record(voter, winner, loser, tie=False):
    return PairwiseComparison.objects.create(
        challenge=winner.challenge, voter=voter, winner=winner, loser=loser, is_tie=tie
    )


def pair_ids(pair):
    return frozenset(idea.pk for idea in pair)


# --- which pair -----------------------------------------------------------------------------


def test_never_your_own_idea_as_author_or_invited_co_author(challenge):
    person = UserFactory()
    mine = IdeaFactory(challenge=challenge, author=person)
    cowritten = IdeaFactory(challenge=challenge)
    CoAuthor.objects.create(idea=cowritten, user=person, status=CoAuthorStatus.INVITED)
    others = IdeaFactory.create_batch(3, challenge=challenge)
    for seed in range(20):
        pair = next_pair(user=person, challenge=challenge, rng=random.Random(seed))
        assert pair_ids(pair) <= {idea.pk for idea in others}
    assert mine and cowritten


def test_never_the_same_pair_twice_for_one_person_and_none_when_done(challenge):
    person = UserFactory()
    IdeaFactory.create_batch(4, challenge=challenge)
    seen = set()
    for _ in range(6):  # four ideas make six pairs
        pair = next_pair(user=person, challenge=challenge)
        assert pair is not None
        assert pair_ids(pair) not in seen
        seen.add(pair_ids(pair))
        pairwise_record(actor=person, challenge=challenge, winner=pair[0], loser=pair[1])
    assert next_pair(user=person, challenge=challenge) is None


def test_the_least_compared_pair_comes_first(challenge):
    a, b, c = IdeaFactory.create_batch(3, challenge=challenge)
    others = UserFactory.create_batch(2)
    record(others[0], a, b)
    record(others[1], a, b)
    record(others[0], a, c)
    # b-c was never compared: it is the most informative pair.
    for seed in range(10):
        pair = next_pair(user=UserFactory(), challenge=challenge, rng=random.Random(seed))
        assert pair_ids(pair) == {b.pk, c.pk}


def test_hidden_merged_and_decided_ideas_are_not_compared(challenge):
    a, b = IdeaFactory.create_batch(2, challenge=challenge)
    IdeaFactory(challenge=challenge, is_hidden=True)
    IdeaFactory(challenge=challenge, status=IdeaStatus.MERGED)
    IdeaFactory(challenge=challenge, status=IdeaStatus.DECLINED)
    for seed in range(10):
        pair = next_pair(user=UserFactory(), challenge=challenge, rng=random.Random(seed))
        assert pair_ids(pair) == {a.pk, b.pk}


# --- recording ------------------------------------------------------------------------------


def test_recording_refuses_own_ideas_repeats_and_closed_phases(challenge):
    person = UserFactory()
    mine = IdeaFactory(challenge=challenge, author=person)
    a, b = IdeaFactory.create_batch(2, challenge=challenge)
    with pytest.raises(ValidationError):
        pairwise_record(actor=person, challenge=challenge, winner=mine, loser=a)
    pairwise_record(actor=person, challenge=challenge, winner=a, loser=b)
    with pytest.raises(ValidationError):
        pairwise_record(actor=person, challenge=challenge, winner=b, loser=a, tie=True)
    submission = ChallengeFactory(organisation=challenge.organisation)
    scorecard_with_criteria(submission, pairwise=True)
    x, y = IdeaFactory.create_batch(2, challenge=submission)
    with pytest.raises(PermissionDenied):
        pairwise_record(actor=person, challenge=submission, winner=x, loser=y)
    assert PairwiseComparison.objects.count() == 1


def test_ideas_of_another_challenge_cannot_be_compared(challenge):
    a = IdeaFactory(challenge=challenge)
    elsewhere = IdeaFactory()
    with pytest.raises(ValidationError):
        pairwise_record(actor=UserFactory(), challenge=challenge, winner=a, loser=elsewhere)


def test_comparisons_are_rate_limited_per_person(challenge, settings):
    settings.CHALLENGES_PAIRWISE_RATE = (3, 60)
    person = UserFactory()
    ideas = IdeaFactory.create_batch(4, challenge=challenge)
    pairs = [(ideas[0], ideas[1]), (ideas[0], ideas[2]), (ideas[0], ideas[3]), (ideas[1], ideas[2])]
    for winner, loser in pairs[:3]:
        pairwise_record(actor=person, challenge=challenge, winner=winner, loser=loser)
    with pytest.raises(RateLimited):
        pairwise_record(actor=person, challenge=challenge, winner=pairs[3][0], loser=pairs[3][1])
    # Somebody else is not held back.
    pairwise_record(actor=UserFactory(), challenge=challenge, winner=ideas[2], loser=ideas[3])


# --- the page, without JavaScript -----------------------------------------------------------


def test_the_compare_page_works_with_plain_form_posts(client, challenge):
    a, b = IdeaFactory.create_batch(2, challenge=challenge)
    person = UserFactory()
    client.force_login(person)
    page = client.get(compare_url(challenge)).content.decode()
    assert a.title in page and b.title in page
    assert 'name="choice" value="first"' in page and 'value="tie"' in page
    response = client.post(
        compare_url(challenge), {"first": a.pk, "second": b.pk, "choice": "second"}
    )
    assert response.status_code == 302
    comparison = PairwiseComparison.objects.get()
    assert (comparison.winner, comparison.loser, comparison.is_tie) == (b, a, False)
    page = client.get(compare_url(challenge)).content.decode()
    assert "You have compared every pair" in page


def test_a_tie_is_recorded_and_a_repeat_is_a_clear_error(client, challenge):
    a, b = IdeaFactory.create_batch(2, challenge=challenge)
    client.force_login(UserFactory())
    data = {"first": a.pk, "second": b.pk, "choice": "tie"}
    assert client.post(compare_url(challenge), data).status_code == 302
    assert PairwiseComparison.objects.get().is_tie
    response = client.post(compare_url(challenge), data)
    assert response.status_code == 400
    assert "already compared" in response.content.decode()


def test_the_compare_page_is_closed_outside_review(client):
    challenge = ChallengeFactory()
    scorecard_with_criteria(challenge, pairwise=True)
    client.force_login(UserFactory())
    assert client.get(compare_url(challenge)).status_code == 403


# --- ranking --------------------------------------------------------------------------------


def test_the_ranking_is_the_bradley_terry_fit_of_the_comparisons(challenge):
    a, b, c = IdeaFactory.create_batch(3, challenge=challenge)
    voters = UserFactory.create_batch(3)
    record(voters[0], a, b)
    record(voters[1], a, b)
    record(voters[2], b, a)
    record(voters[0], b, c)
    record(voters[1], a, c, tie=True)
    ranking = pairwise_ranking(challenge=challenge)
    reference = stats.bradley_terry(
        [
            stats.Comparison(a.pk, b.pk),
            stats.Comparison(a.pk, b.pk),
            stats.Comparison(b.pk, a.pk),
            stats.Comparison(b.pk, c.pk),
            stats.Comparison(a.pk, c.pk, tie=True),
        ],
        [a.pk, b.pk, c.pk],
    )
    assert [row.idea.pk for row in ranking.rows] == reference.ranking
    for row in ranking.rows:
        assert row.score == pytest.approx(reference.scores[row.idea.pk])
    counts = {row.idea.pk: row.comparisons for row in ranking.rows}
    assert counts == {a.pk: 4, b.pk: 4, c.pk: 2}
    assert (ranking.comparisons, ranking.people, ranking.groups) == (5, 3, 1)


def test_a_disconnected_comparison_graph_is_pointed_out(client, challenge):
    a, b, c, d = IdeaFactory.create_batch(4, challenge=challenge)
    IdeaFactory(challenge=challenge)  # never compared
    voter = UserFactory()
    record(voter, a, b)
    record(voter, c, d)
    ranking = pairwise_ranking(challenge=challenge)
    assert ranking.groups == 2 and ranking.uncompared == 1
    client.force_login(member(challenge.organisation, Role.DECISION_MAKER))
    page = client.get(compare_url(challenge, "_ranking")).content.decode()
    assert 'id="disconnected"' in page
    assert "1 idea has not been compared yet." in page


def test_the_ranking_page_is_for_managers_and_decision_makers(client, challenge):
    client.force_login(UserFactory())
    assert client.get(compare_url(challenge, "_ranking")).status_code == 403
