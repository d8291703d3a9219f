import pytest
import rules
from django.core import mail
from django.db import DatabaseError, transaction
from django.test import override_settings
from django.urls import reverse
from django_tasks import task_backends

from civiclab.core.models import Notification
from civiclab.core.notifications import (
    emails_withheld,
    inbox,
    notification_mark_read,
    notifications_mark_all_read,
    notify,
    register_read_check,
    send_notification_emails,
    unread_count,
    unregister_read_check,
)
from civiclab.organisations.models import Organisation
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
DUMMY_BACKEND = "django_tasks.backends.dummy.DummyBackend"


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
    # The body stays on the notifications page: e-mails carry the title and a link only.
    assert "It is under review." not in message.body
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


# The notifications page


def test_the_page_needs_a_sign_in(client):
    response = client.get(reverse("notifications"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_page_lists_only_my_notifications_unread_first(client):
    alice, bob = UserFactory(), UserFactory()
    notify(recipients=[alice], verb="t.a", title="Old news", email=False)
    read = notify(recipients=[alice], verb="t.b", title="Read news", email=False)[0]
    notify(recipients=[bob], verb="t.c", title="Bob's news", email=False)
    notification_mark_read(user=alice, notification_id=read.pk)
    client.force_login(alice)
    response = client.get(reverse("notifications"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Old news" in text and "Read news" in text
    assert "Bob's news" not in text
    assert text.index("Old news") < text.index("Read news")
    assert "1 unread notification" in text


def test_marking_one_read_and_opening_it(client):
    alice = UserFactory()
    notification = notify(recipients=[alice], verb="t.a", title="Hi", url="/ledger/", email=False)[
        0
    ]
    client.force_login(alice)
    url = reverse("notification_read", kwargs={"pk": notification.pk})
    response = client.post(url, {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/ledger/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_an_outside_address_is_never_followed(client):
    alice = UserFactory()
    notification = notify(
        recipients=[alice], verb="t.a", title="Hi", url="https://evil.example/", email=False
    )[0]
    client.force_login(alice)
    response = client.post(
        reverse("notification_read", kwargs={"pk": notification.pk}), {"open": "1"}
    )
    assert response["Location"] == reverse("notifications")


def test_nobody_marks_someone_elses_notification(client):
    alice, bob = UserFactory(), UserFactory()
    theirs = notify(recipients=[bob], verb="t.a", title="x", email=False)[0]
    client.force_login(alice)
    response = client.post(reverse("notification_read", kwargs={"pk": theirs.pk}))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(client):
    alice = UserFactory()
    for n in range(3):
        notify(recipients=[alice], verb="t.a", title=f"n{n}", email=False)
    client.force_login(alice)
    response = client.post(reverse("notification_read_all"))
    assert response.status_code == 302
    assert unread_count(alice) == 0


def test_marking_needs_post(client):
    alice = UserFactory()
    client.force_login(alice)
    assert client.get(reverse("notification_read_all")).status_code == 405


def test_the_page_is_paginated(client, django_assert_max_num_queries):
    alice = UserFactory()
    for n in range(25):
        notify(recipients=[alice], verb="t.a", title=f"Item {n:02d}", email=False)
    client.force_login(alice)
    with django_assert_max_num_queries(8):
        first = client.get(reverse("notifications")).content.decode()
    second = client.get(reverse("notifications") + "?page=2").content.decode()
    assert "Item 24" in first and "Item 04" not in first
    assert "Item 04" in second


def test_the_header_links_to_the_page(client):
    client.force_login(UserFactory())
    assert reverse("notifications") in client.get(reverse("home")).content.decode()


# E-mails leave through the task queue


@pytest.fixture
def queue():
    """A task backend that keeps what is enqueued without running it: the worker is away."""
    with override_settings(TASKS={"default": {"BACKEND": DUMMY_BACKEND}}):
        backend = task_backends["default"]
        backend.clear()
        yield backend


def test_the_committed_change_only_enqueues_the_emails(queue, django_capture_on_commit_callbacks):
    alice, bob, no_address = UserFactory(), UserFactory(), UserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(recipients=[alice, bob, no_address], verb="tests.hello", title="Hi")
    assert mail.outbox == []
    [queued] = queue.results
    assert queued.task.module_path == "civiclab.core.notifications.send_notification_emails"
    assert queued.args == [[created[0].pk, created[1].pk]]

    assert send_notification_emails.call(*queued.args) == {"sent": 2, "failed": 0, "withheld": 0}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.email, bob.email])


def test_a_rolled_back_change_enqueues_and_sends_nothing(queue, django_capture_on_commit_callbacks):
    alice = UserFactory()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(recipients=[alice], verb="tests.hello", title="Hi")
        raise RuntimeError("the service failed after notifying")
    assert callbacks == []
    assert queue.results == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_the_task_mails_nobody_who_left_since(django_capture_on_commit_callbacks, queue):
    stays, leaves = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[stays, leaves], verb="tests.hello", title="Hi")
    leaves.is_active = False
    leaves.save()
    [queued] = queue.results
    assert send_notification_emails.call(*queued.args) == {"sent": 1, "failed": 0, "withheld": 0}
    assert [m.to for m in mail.outbox] == [[stays.email]]


def test_a_mail_server_that_is_down_is_logged_without_the_address(monkeypatch, caplog):
    alice, bob = UserFactory(), UserFactory()
    ids = [
        n.pk for n in notify(recipients=[alice, bob], verb="tests.hello", title="Hi", email=False)
    ]

    def refuse(message, *args, **kwargs):
        raise ConnectionRefusedError(f"cannot deliver to {message.to[0]}")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    assert send_notification_emails.call(ids) == {"sent": 0, "failed": 2, "withheld": 0}
    assert "Could not send a tests.hello notification e-mail." in caplog.text
    assert alice.email not in caplog.text and bob.email not in caplog.text
    # Not marked as e-mailed: a retry tries again.
    assert not Notification.objects.filter(pk__in=ids, emailed_at__isnull=False).exists()


def test_a_queue_that_cannot_be_reached_does_not_break_the_committed_change(
    queue, monkeypatch, django_capture_on_commit_callbacks
):
    def unreachable(*args, **kwargs):
        raise DatabaseError("the task table is locked")

    monkeypatch.setattr(type(queue), "enqueue", unreachable)
    alice = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[alice], verb="tests.hello", title="Hi")
    assert Notification.objects.filter(recipient=alice).exists()


def test_emails_can_be_withheld_for_a_block(queue, django_capture_on_commit_callbacks):
    alice = UserFactory()
    with django_capture_on_commit_callbacks(execute=True), emails_withheld():
        notify(recipients=[alice], verb="tests.hello", title="Hi")
    notify_later = notify(recipients=[alice], verb="tests.hello", title="Again", email=False)
    assert queue.results == []
    assert Notification.objects.filter(recipient=alice).count() == 1 + len(notify_later)


# Who may still read what a notification is about


@pytest.fixture
def readable_by_staff():
    """Organisations as notification subjects, readable by Django staff accounts only."""
    register_read_check(Organisation, "tests.read_organisation")
    rules.add_perm("tests.read_organisation", rules.is_staff)
    yield Organisation
    rules.remove_perm("tests.read_organisation")
    unregister_read_check(Organisation)


def test_only_readers_of_the_subject_are_notified(readable_by_staff):
    organisation = OrganisationFactory()
    reader, outsider = UserFactory(is_staff=True), UserFactory()
    created = notify(
        recipients=[reader, outsider], verb="t.a", title="x", about=organisation, email=False
    )
    assert [n.recipient for n in created] == [reader]
    assert created[0].subject == organisation


def test_a_reader_who_loses_access_no_longer_sees_it(readable_by_staff):
    organisation = OrganisationFactory()
    reader = UserFactory(is_staff=True)
    notify(recipients=[reader], verb="t.a", title="x", about=organisation, email=False)
    assert unread_count(reader) == 1
    reader.is_staff = False
    reader.save()
    assert unread_count(reader) == 0 and list(inbox(reader)) == []
    reader.is_staff = True
    reader.save()
    assert unread_count(reader) == 1  # the row was kept


def test_a_deleted_subject_takes_its_notifications_off_the_page(readable_by_staff):
    organisation = OrganisationFactory()
    reader = UserFactory(is_staff=True)
    [notification] = notify(
        recipients=[reader], verb="t.a", title="x", about=organisation, email=False
    )
    Notification.objects.filter(pk=notification.pk).update(subject_id=organisation.pk + 1000)
    assert list(inbox(reader)) == []
    assert send_notification_emails.call([notification.pk])["withheld"] == 1


def test_a_subject_without_a_read_check_is_refused():
    with pytest.raises(LookupError):
        notify(recipients=[UserFactory()], verb="t.a", title="x", about=OrganisationFactory())
