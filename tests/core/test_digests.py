"""Daily and weekly digests: one e-mail per person and period, titles and links only, access
asked again at send time, and nothing sent twice."""

from datetime import UTC, datetime, timedelta

import pytest
import rules
import time_machine
from django.core import mail

from civiclab.core.digests import digests_send, period_start, send_daily_digests
from civiclab.core.models import Delivery, Notification, NotificationDigest, NotificationPreference
from civiclab.core.notifications import notify, register_read_check, unregister_read_check
from civiclab.organisations.models import Organisation
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
STATUS = "challenges.idea_status_changed"
COMMENT = "challenges.comment_added"
# A Wednesday.
MORNING = datetime(2026, 11, 4, 8, 0, tzinfo=UTC)


def prefer(user, verb, delivery):
    NotificationPreference.objects.create(user=user, kind=verb, delivery=delivery)


def made(user, title, verb=STATUS, at=MORNING - timedelta(hours=10), **kwargs):
    with time_machine.travel(at, tick=False):
        [notification] = notify(
            recipients=[user],
            verb=verb,
            title=title,
            body="Confidential reasons.",
            url=f"/{title}/",
            **kwargs,
        )
    return notification


def test_the_period_is_the_day_or_the_iso_week():
    assert str(period_start(Delivery.DAILY, MORNING)) == "2026-11-04"
    assert str(period_start(Delivery.WEEKLY, MORNING)) == "2026-11-02"  # its Monday


def test_a_daily_digest_lists_titles_and_links_in_one_email(django_capture_on_commit_callbacks):
    alice = UserFactory()
    prefer(alice, STATUS, Delivery.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        made(alice, "first")
        made(alice, "second")
    assert mail.outbox == []  # nothing straight away
    assert digests_send(Delivery.DAILY, at=MORNING) == {"sent": 1, "failed": 0, "already_sent": 0}
    [message] = mail.outbox
    assert message.to == [alice.email]
    assert "daily digest, 2 notifications" in message.subject
    assert "- first" in message.body and "/first/" in message.body
    assert "- second" in message.body and "/second/" in message.body
    assert "Confidential reasons." not in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [digest] = NotificationDigest.objects.filter(recipient=alice)
    assert digest.sent_at is not None and digest.notifications.count() == 2


def test_a_retried_or_doubled_run_sends_nothing_twice():
    alice = UserFactory()
    prefer(alice, STATUS, Delivery.DAILY)
    made(alice, "first")
    assert digests_send(Delivery.DAILY, at=MORNING)["sent"] == 1
    assert digests_send(Delivery.DAILY, at=MORNING)["sent"] == 0
    assert digests_send(Delivery.DAILY, at=MORNING + timedelta(hours=3))["sent"] == 0
    assert len(mail.outbox) == 1


def test_a_second_run_the_same_day_waits_for_the_next_day_for_what_came_since():
    alice = UserFactory()
    prefer(alice, STATUS, Delivery.DAILY)
    made(alice, "first")
    digests_send(Delivery.DAILY, at=MORNING)
    made(alice, "later", at=MORNING + timedelta(hours=1))
    assert digests_send(Delivery.DAILY, at=MORNING + timedelta(hours=2)) == {
        "sent": 0,
        "failed": 0,
        "already_sent": 1,
    }
    assert digests_send(Delivery.DAILY, at=MORNING + timedelta(days=1))["sent"] == 1
    assert "- later" in mail.outbox[-1].body and "- first" not in mail.outbox[-1].body


def test_each_digest_has_only_the_kinds_chosen_for_it_and_nothing_read_or_already_sent():
    alice = UserFactory()
    prefer(alice, STATUS, Delivery.DAILY)
    prefer(alice, COMMENT, Delivery.WEEKLY)
    made(alice, "status")
    made(alice, "comment", verb=COMMENT)
    read = made(alice, "read already")
    Notification.objects.filter(pk=read.pk).update(read_at=MORNING)
    digests_send(Delivery.DAILY, at=MORNING)
    digests_send(Delivery.WEEKLY, at=MORNING)
    daily, weekly = mail.outbox
    assert "- status" in daily.body and "comment" not in daily.body
    assert "- comment" in weekly.body and "- status" not in weekly.body
    assert "read already" not in daily.body + weekly.body
    # The weekly digest goes once per ISO week: the next day's run has nothing to send.
    made(alice, "comment2", verb=COMMENT, at=MORNING + timedelta(hours=1))
    assert digests_send(Delivery.WEEKLY, at=MORNING + timedelta(days=1))["sent"] == 0
    assert digests_send(Delivery.WEEKLY, at=MORNING + timedelta(days=5))["sent"] == 1
    assert "- comment2" in mail.outbox[-1].body


def test_people_who_chose_an_immediate_email_or_none_get_no_digest():
    alice, bob = UserFactory(), UserFactory()
    prefer(bob, STATUS, Delivery.IN_APP)
    made(alice, "immediate", email=False)
    made(bob, "on the site")
    assert digests_send(Delivery.DAILY, at=MORNING)["sent"] == 0
    assert mail.outbox == []


@pytest.fixture
def readable_by_staff():
    register_read_check(Organisation, "tests.read_organisation")
    rules.add_perm("tests.read_organisation", rules.is_staff)
    yield
    rules.remove_perm("tests.read_organisation")
    unregister_read_check(Organisation)


def test_the_digest_asks_again_whether_each_item_may_be_read(readable_by_staff):
    reader = UserFactory(is_staff=True)
    prefer(reader, STATUS, Delivery.DAILY)
    made(reader, "about the organisation", about=OrganisationFactory())
    made(reader, "about nothing")
    reader.is_staff = False
    reader.save()
    assert digests_send(Delivery.DAILY, at=MORNING)["sent"] == 1
    [message] = mail.outbox
    assert "- about nothing" in message.body
    assert "about the organisation" not in message.body


def test_a_person_who_may_read_none_of_it_gets_no_digest(readable_by_staff):
    reader = UserFactory(is_staff=True)
    prefer(reader, STATUS, Delivery.DAILY)
    made(reader, "about the organisation", about=OrganisationFactory())
    reader.is_staff = False
    reader.save()
    assert digests_send(Delivery.DAILY, at=MORNING)["sent"] == 0
    assert not NotificationDigest.objects.exists()


def test_deactivated_accounts_get_no_digest():
    alice = UserFactory()
    prefer(alice, STATUS, Delivery.DAILY)
    made(alice, "first")
    alice.is_active = False
    alice.save()
    assert digests_send(Delivery.DAILY, at=MORNING)["sent"] == 0


def test_a_refused_digest_is_tried_again_by_the_next_run(monkeypatch):
    alice = UserFactory()
    prefer(alice, STATUS, Delivery.DAILY)
    made(alice, "first")

    def refuse(message, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    with monkeypatch.context() as patched:
        patched.setattr("django.core.mail.EmailMessage.send", refuse)
        assert digests_send(Delivery.DAILY, at=MORNING)["failed"] == 1
    assert not NotificationDigest.objects.exists()
    assert digests_send(Delivery.DAILY, at=MORNING + timedelta(hours=1))["sent"] == 1
    assert "- first" in mail.outbox[0].body


def test_old_notifications_are_left_on_the_site():
    alice = UserFactory()
    prefer(alice, STATUS, Delivery.DAILY)
    made(alice, "ancient", at=MORNING - timedelta(days=5))
    assert digests_send(Delivery.DAILY, at=MORNING)["sent"] == 0


def test_the_scheduled_task_sends_the_digest_of_now():
    alice = UserFactory()
    prefer(alice, STATUS, Delivery.DAILY)
    made(alice, "first", at=datetime.now(UTC) - timedelta(hours=1))
    assert send_daily_digests.call()["sent"] == 1


def test_notifications_made_while_emails_are_withheld_never_reach_a_digest():
    from civiclab.core.notifications import emails_withheld

    alice = UserFactory()
    prefer(alice, STATUS, Delivery.DAILY)
    with emails_withheld():
        made(alice, "demo history")
    assert digests_send(Delivery.DAILY, at=MORNING)["sent"] == 0
