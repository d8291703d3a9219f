"""Preferences per kind of notification: what notify() and the e-mail task do with them,
the preferences page and the API, and the unread count on the Notifications link."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from civiclab.core.models import Delivery, Notification, NotificationPreference
from civiclab.core.notifications import (
    kinds,
    notification_preferences_set,
    notify,
    preferences_of,
    send_notification_emails,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
STATUS = "challenges.idea_status_changed"
COMMENT = "challenges.comment_added"


def prefer(user, verb, delivery):
    NotificationPreference.objects.create(user=user, kind=verb, delivery=delivery)


def test_every_kind_sent_in_the_source_is_declared_with_a_label():
    import pathlib
    import re

    source = pathlib.Path(__file__).parents[2] / "src" / "civiclab"
    sent = {
        verb
        for path in source.rglob("*.py")
        for verb in re.findall(r'verb="([a-z_]+\.[a-z_]+)"', path.read_text())
    }
    declared = {kind.verb for kind in kinds()}
    assert sent, "no notify() call found: the pattern above no longer matches the source"
    assert sent <= declared, f"declare these with register_kind: {sorted(sent - declared)}"
    assert all(str(kind.label) != kind.verb for kind in kinds())


def test_without_a_choice_each_kind_is_emailed_straight_away(django_capture_on_commit_callbacks):
    alice = UserFactory()
    assert set(preferences_of(alice).values()) == {Delivery.IMMEDIATE}
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[alice], verb=STATUS, title="Your idea moved on")
    assert [m.to for m in mail.outbox] == [[alice.email]]


@pytest.mark.parametrize("delivery", [Delivery.IN_APP, Delivery.DAILY, Delivery.WEEKLY])
def test_on_the_site_only_and_digests_send_no_email_now(
    delivery, django_capture_on_commit_callbacks
):
    alice, bob = UserFactory(), UserFactory()
    prefer(alice, STATUS, delivery)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[alice, bob], verb=STATUS, title="Your idea moved on")
    assert [m.to for m in mail.outbox] == [[bob.email]]
    assert Notification.objects.filter(recipient=alice, emailed_at__isnull=True).count() == 1


def test_off_makes_no_notification_at_all(django_capture_on_commit_callbacks):
    alice, bob = UserFactory(), UserFactory()
    prefer(alice, STATUS, Delivery.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(recipients=[alice, bob], verb=STATUS, title="Your idea moved on")
    assert [n.recipient for n in created] == [bob]
    assert not Notification.objects.filter(recipient=alice).exists()


def test_a_preference_is_for_its_own_kind_only(django_capture_on_commit_callbacks):
    alice = UserFactory()
    prefer(alice, COMMENT, Delivery.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[alice], verb=STATUS, title="Your idea moved on")
    assert len(mail.outbox) == 1


def test_a_choice_made_after_the_notification_is_asked_again_when_the_email_leaves():
    alice = UserFactory()
    [notification] = notify(recipients=[alice], verb=STATUS, title="Hi", email=False)
    prefer(alice, STATUS, Delivery.IN_APP)
    assert send_notification_emails.call([notification.pk])["sent"] == 0
    assert mail.outbox == []


def test_a_retried_email_task_sends_nothing_twice():
    alice = UserFactory()
    [notification] = notify(recipients=[alice], verb=STATUS, title="Hi", email=False)
    assert send_notification_emails.call([notification.pk])["sent"] == 1
    assert send_notification_emails.call([notification.pk])["sent"] == 0
    assert len(mail.outbox) == 1


def test_every_notification_email_carries_the_one_click_unsubscribe_headers():
    alice = UserFactory()
    [notification] = notify(recipients=[alice], verb=STATUS, title="Hi", email=False)
    send_notification_emails.call([notification.pk])
    [message] = mail.outbox
    link = message.extra_headers["List-Unsubscribe"]
    assert link.startswith("<http") and link.endswith(">")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link[1:-1] in message.body
    assert reverse("accounts:notification_preferences") in message.body


def test_setting_an_unknown_kind_or_delivery_writes_nothing():
    alice = UserFactory()
    with pytest.raises(ValidationError) as unknown_kind:
        notification_preferences_set(
            user=alice, deliveries={STATUS: Delivery.DAILY, "tests.nothing": "daily"}
        )
    assert "no kind of notification" in str(unknown_kind.value.message_dict["tests.nothing"])
    with pytest.raises(ValidationError) as unknown_delivery:
        notification_preferences_set(user=alice, deliveries={STATUS: "hourly"})
    assert "not a way" in str(unknown_delivery.value.message_dict[STATUS])
    assert not NotificationPreference.objects.filter(user=alice).exists()


# The page ---------------------------------------------------------------------------------


def test_the_preferences_page_shows_each_kind_with_its_current_choice(client):
    alice = UserFactory()
    prefer(alice, COMMENT, Delivery.WEEKLY)
    client.force_login(alice)
    response = client.get(reverse("accounts:notification_preferences"))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields) == {kind.verb for kind in kinds()}
    assert form[COMMENT].value() == Delivery.WEEKLY
    assert form[STATUS].value() == Delivery.IMMEDIATE


def test_saving_the_preferences_page_records_the_choices(client):
    alice = UserFactory()
    client.force_login(alice)
    data = {kind.verb: Delivery.IMMEDIATE for kind in kinds()} | {COMMENT: Delivery.DAILY}
    response = client.post(reverse("accounts:notification_preferences"), data)
    assert response.status_code == 302
    assert preferences_of(alice)[COMMENT] == Delivery.DAILY


def test_a_choice_that_is_not_offered_gets_a_form_error(client):
    alice = UserFactory()
    client.force_login(alice)
    data = {kind.verb: Delivery.IMMEDIATE for kind in kinds()} | {COMMENT: "hourly"}
    response = client.post(reverse("accounts:notification_preferences"), data)
    assert response.status_code == 200
    assert "Choose how you want to hear of this." in response.content.decode()
    assert response.content.decode().count("<title>Error:") == 1
    assert not NotificationPreference.objects.filter(user=alice).exists()


def test_the_preferences_page_needs_a_signed_in_person(client):
    response = client.get(reverse("accounts:notification_preferences"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_profile_links_to_the_preferences(client):
    client.force_login(UserFactory())
    page = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:notification_preferences") in page


# The unread count on the Notifications link -----------------------------------------------


def test_the_notifications_link_shows_the_unread_count(client):
    alice = UserFactory()
    for title in ("one", "two", "three"):
        notify(recipients=[alice], verb=STATUS, title=title, email=False)
    Notification.objects.filter(recipient=alice, title="one").update(read_at="2026-01-01T00:00Z")
    client.force_login(alice)
    page = client.get(reverse("accounts:profile")).content.decode()
    badge = (
        '<span class="header__count"><span class="visually-hidden">, </span>2'
        '<span class="visually-hidden"> unread</span>'
    )
    assert badge in page


def test_no_count_is_shown_when_everything_is_read(client):
    alice = UserFactory()
    client.force_login(alice)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "header__count" not in page


def test_the_count_costs_one_query_for_a_signed_in_person_and_none_for_a_visitor(
    client, django_assert_num_queries
):
    from django.test import RequestFactory

    from civiclab.core.context_processors import notifications

    alice = UserFactory()
    notify(recipients=[alice], verb=STATUS, title="Hi", email=False)
    request = RequestFactory().get("/")
    request.user = alice
    with django_assert_num_queries(1):
        assert notifications(request)["unread_notifications"] == 1
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert notifications(request) == {}
