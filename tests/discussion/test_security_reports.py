"""Reports that hide: only confirmed accounts old enough count, and one per network."""

from datetime import timedelta

import pytest
from django.utils import timezone

from civiclab.challenges.models import Idea
from civiclab.core.ratelimit import network_key
from civiclab.discussion.models import Flag
from civiclab.discussion.services import moderation
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.discussion.pages import discussion_url
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def established(**fields):
    """A confirmed account that joined a month ago."""
    return UserFactory(date_joined=timezone.now() - timedelta(days=30), **fields)


def report_from(client, idea, person, address):
    client.force_login(person)
    response = client.post(discussion_url("flag", idea), {"reason": "spam"}, REMOTE_ADDR=address)
    assert response.status_code == 302
    return response


def test_three_throwaway_accounts_cannot_hide_an_idea(client):
    idea = IdeaFactory(challenge=ChallengeFactory(flags_to_hide=3))
    for number in range(3):
        report_from(client, idea, UserFactory(), f"198.51.{number}.7")
    idea.refresh_from_db()
    assert not idea.is_hidden
    # The reports still wait for a moderator.
    assert Flag.objects.filter(idea=idea, resolution=Flag.Resolution.OPEN).count() == 3


def test_unconfirmed_accounts_do_not_count_towards_hiding():
    idea = IdeaFactory(challenge=ChallengeFactory(flags_to_hide=1))
    reporter = established()
    Flag.objects.create(item=idea, reporter=reporter, reason="spam", network="n1")
    type(reporter).objects.filter(pk=reporter.pk).update(email_confirmed_at=None)
    assert moderation.counted_reports(idea) == 0


def test_reports_from_one_network_count_once_towards_hiding(client):
    idea = IdeaFactory(challenge=ChallengeFactory(flags_to_hide=2))
    report_from(client, idea, established(), "203.0.113.5")
    report_from(client, idea, established(), "203.0.113.77")
    assert not Idea.objects.get(pk=idea.pk).is_hidden
    assert Flag.objects.filter(idea=idea).values("network").distinct().count() == 1
    report_from(client, idea, established(), "192.0.2.9")
    assert Idea.objects.get(pk=idea.pk).is_hidden


def test_a_network_is_an_ipv4_24_or_an_ipv6_48_and_never_the_address():
    assert network_key("203.0.113.5") == network_key("203.0.113.250")
    assert network_key("203.0.113.5") != network_key("203.0.114.5")
    assert network_key("2001:db8:1:2::1") == network_key("2001:db8:1:ffff::9")
    assert network_key("2001:db8:1::1") != network_key("2001:db8:2::1")
    assert "203.0.113" not in network_key("203.0.113.5")
    assert network_key("not an address") == ""


def test_auto_hidden_idea_says_hidden_until_a_moderator_reviews(client):
    idea = IdeaFactory(challenge=ChallengeFactory(flags_to_hide=2))
    report_from(client, idea, established(), "198.51.100.1")
    report_from(client, idea, established(), "192.0.2.1")
    idea.refresh_from_db()
    assert idea.is_hidden
    client.force_login(idea.author)
    html = client.get(idea.get_absolute_url()).content.decode()
    assert "Hidden until a moderator reviews the reports" in html
    assert "Hidden by moderators" not in html
