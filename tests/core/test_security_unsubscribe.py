"""One-click unsubscribe: a signed link that needs no sign-in, changes nothing on GET, and
cannot be forged or turned against another account."""

import pytest
from django.core import signing
from django.urls import reverse

from civiclab.core import unsubscribe
from civiclab.core.models import Delivery, NotificationPreference
from civiclab.core.notifications import preferences_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
STATUS = "challenges.idea_status_changed"
COMMENT = "challenges.comment_added"


def link(user, kind=STATUS):
    token = unsubscribe.make_token(user_id=user.pk, kind=kind, address=user.email)
    return reverse("notification_unsubscribe", kwargs={"token": token})


def test_opening_the_link_shows_a_button_and_changes_nothing(client):
    alice = UserFactory()
    response = client.get(link(alice))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'method="post"' in page and "Stop these e-mails" in page
    assert not NotificationPreference.objects.filter(user=alice).exists()


def test_the_button_stops_that_kind_of_email_and_keeps_it_on_the_site(client):
    alice = UserFactory()
    response = client.post(link(alice))
    assert response.status_code == 200
    assert preferences_of(alice)[STATUS] == Delivery.IN_APP
    assert preferences_of(alice)[COMMENT] == Delivery.IMMEDIATE


def test_a_mail_clients_one_click_post_works_without_session_or_csrf_token():
    from django.test import Client

    alice = UserFactory()
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        link(alice),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert preferences_of(alice)[STATUS] == Delivery.IN_APP


def test_the_digest_link_stops_every_kind_but_leaves_off_kinds_off(client):
    alice = UserFactory()
    NotificationPreference.objects.create(user=alice, kind=COMMENT, delivery=Delivery.OFF)
    client.post(link(alice, kind=unsubscribe.EVERY_KIND))
    chosen = preferences_of(alice)
    assert chosen[COMMENT] == Delivery.OFF
    assert {d for verb, d in chosen.items() if verb != COMMENT} == {Delivery.IN_APP}


def test_a_forged_unsubscribe_token_is_refused(client):
    alice = UserFactory()
    forged = signing.dumps(
        [alice.pk, STATUS, "0" * 16], key="not-the-site-key", salt=unsubscribe.SALT
    )
    response = client.post(reverse("notification_unsubscribe", kwargs={"token": forged}))
    assert response.status_code == 404
    assert "does not work" in response.content.decode()
    assert not NotificationPreference.objects.filter(user=alice).exists()


def test_a_token_edited_to_name_another_account_is_refused(client):
    alice, mallory = UserFactory(), UserFactory()
    token = unsubscribe.make_token(user_id=mallory.pk, kind=STATUS, address=mallory.email)
    _, timestamp, signature = token.split(":")
    # Mallory keeps the timestamp and signature of her own link and swaps in Alice's id and
    # address tag.
    value = [alice.pk, STATUS, unsubscribe._address_tag(alice.email)]
    edited = signing.b64_encode(signing.JSONSerializer().dumps(value)).decode()
    response = client.post(
        reverse("notification_unsubscribe", kwargs={"token": f"{edited}:{timestamp}:{signature}"})
    )
    assert response.status_code == 404
    assert not NotificationPreference.objects.filter(user=alice).exists()
    # Her own link still works for her own account only.
    assert (
        client.post(reverse("notification_unsubscribe", kwargs={"token": token})).status_code == 200
    )
    assert preferences_of(mallory)[STATUS] == Delivery.IN_APP
    assert preferences_of(alice)[STATUS] == Delivery.IMMEDIATE


def test_a_value_signed_for_another_purpose_is_not_an_unsubscribe_token(client):
    alice = UserFactory()
    other = signing.dumps([alice.pk, STATUS, unsubscribe._address_tag(alice.email)])
    response = client.post(reverse("notification_unsubscribe", kwargs={"token": other}))
    assert response.status_code == 404
    assert not NotificationPreference.objects.filter(user=alice).exists()


def test_a_link_sent_to_an_address_the_account_no_longer_has_stops_working(client):
    alice = UserFactory()
    old_link = link(alice)
    alice.email = "new-address@example.org"
    alice.save()
    assert client.post(old_link).status_code == 404
    assert not NotificationPreference.objects.filter(user=alice).exists()


@pytest.mark.parametrize("token", ["x", "a:b:c", "W10:1:abc", "%00", "W1tdXQ:abc"])
def test_garbage_tokens_get_the_clear_page_not_an_error(client, token):
    response = client.get(f"/notifications/unsubscribe/{token}/")
    assert response.status_code == 404
    assert "does not work" in response.content.decode()
