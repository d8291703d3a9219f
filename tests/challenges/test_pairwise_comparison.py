"""Pairwise comparison: which pair comes next, what may be recorded, the page without
JavaScript, the rate limit, and the Bradley-Terry ranking."""

import random
import re
from unittest import mock

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
from civiclab.challenges.selectors.pairwise import next_pair, pair_token, pairwise_ranking
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


def offered_and_recorded(person, challenge, winner, loser, tie=False):
    """Record a choice with the token the platform gives when it offers this pair."""
    token = pair_token(user=person, challenge=challenge, pair=(winner, loser))
    return pairwise_record(
        actor=person, challenge=challenge, winner=winner, loser=loser, pair_token=token, tie=tie
    )


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
        offered_and_recorded(person, challenge, pair[0], pair[1])
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
        offered_and_recorded(person, challenge, mine, a)
    offered_and_recorded(person, challenge, a, b)
    with pytest.raises(ValidationError):
        offered_and_recorded(person, challenge, b, a, tie=True)
    submission = ChallengeFactory(organisation=challenge.organisation)
    scorecard_with_criteria(submission, pairwise=True)
    x, y = IdeaFactory.create_batch(2, challenge=submission)
    with pytest.raises(PermissionDenied):
        offered_and_recorded(person, submission, x, y)
    assert PairwiseComparison.objects.count() == 1


def test_a_pair_that_was_not_offered_cannot_be_recorded(challenge):
    # Forging pairs would let someone set a favourite against the weakest ideas again and
    # again; only the pair the platform chose, for this person, counts.
    favourite, weak, other = IdeaFactory.create_batch(3, challenge=challenge)
    person, someone_else = UserFactory(), UserFactory()
    offered = pair_token(user=person, challenge=challenge, pair=(favourite, other))
    attempts = [
        (person, favourite, weak, offered),  # a different pair than the one offered
        (someone_else, favourite, other, offered),  # another person's pair
        (person, favourite, other, offered + "x"),  # a tampered token
        (person, favourite, other, ""),
    ]
    for actor, winner, loser, token in attempts:
        with pytest.raises(ValidationError, match="not offered to you"):
            pairwise_record(
                actor=actor, challenge=challenge, winner=winner, loser=loser, pair_token=token
            )
    assert not PairwiseComparison.objects.exists()
    # Either order of the offered pair may win.
    pairwise_record(
        actor=person, challenge=challenge, winner=other, loser=favourite, pair_token=offered
    )
    assert PairwiseComparison.objects.get().winner == other


def test_an_offered_pair_expires_after_a_day(challenge):
    from django.core import signing

    a, b = IdeaFactory.create_batch(2, challenge=challenge)
    person = UserFactory()
    token = pair_token(user=person, challenge=challenge, pair=(a, b))
    one_day_later = signing.time.time() + 24 * 3600 + 1
    with (
        mock.patch("django.core.signing.time.time", return_value=one_day_later),
        pytest.raises(ValidationError, match="offered too long ago"),
    ):
        pairwise_record(actor=person, challenge=challenge, winner=a, loser=b, pair_token=token)


def test_ideas_of_another_challenge_cannot_be_compared(challenge):
    a = IdeaFactory(challenge=challenge)
    elsewhere = IdeaFactory()
    with pytest.raises(ValidationError):
        offered_and_recorded(UserFactory(), challenge, a, elsewhere)


def test_comparisons_are_rate_limited_per_person(challenge, settings):
    settings.CHALLENGES_PAIRWISE_RATE = (3, 60)
    person = UserFactory()
    ideas = IdeaFactory.create_batch(4, challenge=challenge)
    pairs = [(ideas[0], ideas[1]), (ideas[0], ideas[2]), (ideas[0], ideas[3]), (ideas[1], ideas[2])]
    for winner, loser in pairs[:3]:
        offered_and_recorded(person, challenge, winner, loser)
    with pytest.raises(RateLimited):
        offered_and_recorded(person, challenge, pairs[3][0], pairs[3][1])
    # Somebody else is not held back.
    offered_and_recorded(UserFactory(), challenge, ideas[2], ideas[3])


# --- the page, without JavaScript -----------------------------------------------------------


def test_the_compare_page_works_with_plain_form_posts(client, challenge):
    a, b = IdeaFactory.create_batch(2, challenge=challenge)
    person = UserFactory()
    client.force_login(person)
    page = client.get(compare_url(challenge)).content.decode()
    assert a.title in page and b.title in page
    assert 'name="choice" value="first"' in page and 'value="tie"' in page
    token = re.search(r'name="pair_token" value="([^"]+)"', page).group(1)
    first, second = (int(pk) for pk in re.findall(r'name="(?:first|second)" value="(\d+)"', page))
    response = client.post(
        compare_url(challenge),
        {"first": first, "second": second, "choice": "second", "pair_token": token},
    )
    assert response.status_code == 302
    comparison = PairwiseComparison.objects.get()
    assert (comparison.winner_id, comparison.loser_id, comparison.is_tie) == (second, first, False)
    page = client.get(compare_url(challenge)).content.decode()
    assert "You have compared every pair" in page


def test_a_tie_is_recorded_and_a_repeat_is_a_clear_error(client, challenge):
    a, b = IdeaFactory.create_batch(2, challenge=challenge)
    person = UserFactory()
    client.force_login(person)
    token = pair_token(user=person, challenge=challenge, pair=(a, b))
    data = {"first": a.pk, "second": b.pk, "choice": "tie", "pair_token": token}
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
    assert "2 comparisons by 1 person." in page


def test_the_ranking_page_is_for_managers_and_decision_makers(client, challenge):
    client.force_login(UserFactory())
    assert client.get(compare_url(challenge, "_ranking")).status_code == 403
