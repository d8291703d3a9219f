"""Trending: recent supports weigh more, halving every 48 hours, nothing after 7 days."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from civiclab.challenges.models import Idea, Support
from civiclab.challenges.services import trending
from civiclab.challenges.services.participation import support_add, support_remove
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def every_account_trends(settings):
    """These tests are about the decay; accounts of any age count here (see the last test)."""
    settings.TRUSTED_ACCOUNT_AGE_DAYS = 0


def support(idea, *, age=timedelta(0), now=None):
    joined = (now or timezone.now()) - age - timedelta(days=365)
    row = Support.objects.create(idea=idea, user=UserFactory(date_joined=joined))
    # created_at is set automatically; move it back in time without signals.
    Support.objects.filter(pk=row.pk).update(created_at=(now or timezone.now()) - age)
    return row


def test_weight_halves_every_48_hours_and_stops_after_a_week():
    now = timezone.now()
    assert trending.support_weight(supported_at=now, at=now) == 1.0
    assert trending.support_weight(supported_at=now - timedelta(hours=48), at=now) == 0.5
    assert trending.support_weight(supported_at=now - timedelta(hours=96), at=now) == pytest.approx(
        0.25
    )
    assert trending.support_weight(supported_at=now - timedelta(days=8), at=now) == 0.0


def test_refresh_orders_recent_support_above_old_support():
    now = timezone.now()
    challenge = ChallengeFactory()
    old_favourite = IdeaFactory(challenge=challenge, title="Old favourite")
    rising = IdeaFactory(challenge=challenge, title="Rising")
    forgotten = IdeaFactory(challenge=challenge, title="Forgotten", trending_score=3.0)
    for _ in range(3):
        support(old_favourite, age=timedelta(days=5), now=now)
    for _ in range(2):
        support(rising, age=timedelta(hours=2), now=now)
    support(forgotten, age=timedelta(days=10), now=now)

    trending.trending_refresh(now=now)

    scores = dict(Idea.objects.values_list("title", "trending_score"))
    assert scores["Old favourite"] == pytest.approx(3 * 2 ** (-120 / 48))
    assert scores["Rising"] == pytest.approx(2 * 2 ** (-2 / 48))
    assert scores["Forgotten"] == 0.0
    ordered = list(
        Idea.objects.filter(challenge=challenge)
        .order_by("-trending_score", "-id")
        .values_list("title", flat=True)
    )
    assert ordered == ["Rising", "Old favourite", "Forgotten"]


def test_a_refresh_writes_only_what_changed():
    now = timezone.now()
    idea = IdeaFactory()
    support(idea, age=timedelta(hours=1), now=now)
    assert trending.trending_refresh(now=now) == 1
    assert trending.trending_refresh(now=now) == 0


def test_supporting_raises_the_score_at_once_and_withdrawing_lowers_it():
    idea = IdeaFactory()
    other = IdeaFactory(challenge=idea.challenge)
    citizen = UserFactory()
    trending.trending_refresh()
    support_add(actor=citizen, idea=idea)
    idea.refresh_from_db()
    assert idea.trending_score == pytest.approx(1.0, rel=1e-3)
    other.refresh_from_db()
    assert other.trending_score == 0.0
    support_remove(actor=citizen, idea=idea)
    idea.refresh_from_db()
    assert idea.trending_score == pytest.approx(0.0, abs=1e-6)


def test_increment_is_on_the_scale_of_the_last_refresh():
    # A refresh two days ago: a support now weighs 2 on that scale (1 now = 2 then).
    now = timezone.now()
    trending.trending_refresh(now=now - timedelta(hours=48))
    idea = IdeaFactory()
    support_add(actor=UserFactory(), idea=idea)
    idea.refresh_from_db()
    assert idea.trending_score == pytest.approx(2.0, rel=1e-3)


def test_support_rows_written_outside_the_services_wait_for_the_refresh():
    # No receiver writes scores: a row from a fixture, a merge or a bulk write moves nothing
    # until the next refresh counts it.
    idea = IdeaFactory()
    trending.trending_refresh()
    row = Support.objects.create(idea=idea, user=UserFactory())
    idea.refresh_from_db()
    assert idea.trending_score == 0.0
    trending.trending_refresh()
    idea.refresh_from_db()
    assert idea.trending_score == pytest.approx(1.0, rel=1e-3)
    row.delete()
    idea.refresh_from_db()
    assert idea.trending_score == pytest.approx(1.0, rel=1e-3)


def test_refresh_for_one_challenge_only():
    now = timezone.now()
    first, second = IdeaFactory(), IdeaFactory()
    support(first, now=now)
    support(second, now=now)
    Idea.objects.update(trending_score=0.0)
    trending.trending_refresh(now=now, challenge_id=first.challenge_id)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.trending_score > 0
    assert second.trending_score == 0


def test_command_and_task(capsys):
    idea = IdeaFactory()
    support(idea, age=timedelta(hours=1))
    Idea.objects.update(trending_score=0.0)
    call_command("refresh_trending")
    assert "1 ideas changed" in capsys.readouterr().out
    idea.refresh_from_db()
    assert idea.trending_score > 0
    Idea.objects.update(trending_score=0.0)
    result = trending.refresh_trending.enqueue()
    assert result.return_value == 1


def test_command_rejects_an_unknown_challenge():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no challenge with id 999999"):
        call_command("refresh_trending", "--challenge", "999999")


def test_supports_from_new_accounts_do_not_push_an_idea_up_trending(settings):
    settings.TRUSTED_ACCOUNT_AGE_DAYS = 7
    challenge = ChallengeFactory()
    pushed = IdeaFactory(challenge=challenge, title="Pushed")
    liked = IdeaFactory(challenge=challenge, title="Liked")
    for _ in range(3):
        support_add(actor=UserFactory(), idea=pushed)
    established = UserFactory(date_joined=timezone.now() - timedelta(days=30))
    support_add(actor=established, idea=liked)
    scores = dict(Idea.objects.values_list("title", "trending_score"))
    assert scores["Pushed"] == 0.0 and scores["Liked"] > 0
    # The supports still count; they only do not trend, after a refresh either.
    assert Idea.objects.get(pk=pushed.pk).support_count == 3
    trending.trending_refresh()
    scores = dict(Idea.objects.values_list("title", "trending_score"))
    assert scores["Pushed"] == 0.0 and scores["Liked"] > 0
