import pytest
from django.core import mail

from civiclab.core.models import Notification
from civiclab.core.notifications import (
    inbox,
    notification_mark_read,
    notifications_mark_all_read,
    notify,
    unread_count,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_notify_creates_one_row_per_distinct_recipient(django_capture_on_commit_callbacks):
    alice, bob = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(
            recipients=[alice, bob, alice],
            verb="tests.hello",
            title="Your idea moved on",
            body="It is under review.",
            url="/somewhere/",
        )
    assert len(created) == 2
    assert Notification.objects.filter(recipient=alice).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.email, bob.email])
    message = mail.outbox[0]
    assert "Your idea moved on" in message.subject
    assert "It is under review." in message.body
    assert "http://" in message.body and "/somewhere/" in message.body


def test_emails_wait_for_the_commit(django_capture_on_commit_callbacks):
    alice = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[alice], verb="tests.hello", title="Hi")
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_email_can_be_turned_off(django_capture_on_commit_callbacks):
    alice = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[alice], verb="tests.hello", title="Hi", email=False)
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=alice).exists()


def test_inactive_and_deleted_accounts_are_skipped(django_capture_on_commit_callbacks):
    gone = UserFactory(is_active=False)
    deleted = UserFactory(is_anonymised=True)
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(recipients=[gone, deleted, None], verb="tests.hello", title="Hi")
    assert created == []
    assert mail.outbox == []


def test_inbox_lists_unread_first_and_counts_them():
    alice = UserFactory()
    older, newer = (
        notify(recipients=[alice], verb="t.a", title="older", email=False)[0],
        notify(recipients=[alice], verb="t.b", title="newer", email=False)[0],
    )
    notification_mark_read(user=alice, notification_id=newer.pk)
    assert [n.title for n in inbox(alice)] == ["older", "newer"]
    assert unread_count(alice) == 1
    assert notifications_mark_all_read(user=alice) == 1
    assert unread_count(alice) == 0
    assert older.pk


def test_someone_elses_notification_cannot_be_marked():
    alice, bob = UserFactory(), UserFactory()
    theirs = notify(recipients=[bob], verb="t.a", title="x", email=False)[0]
    with pytest.raises(Notification.DoesNotExist):
        notification_mark_read(user=alice, notification_id=theirs.pk)
