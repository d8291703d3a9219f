import re
import time

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from civiclab.accounts import confirmation
from civiclab.core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unconfirmed(db):
    return UserFactory(email="new@example.org", email_confirmed_at=None)


def link_for(user, email=None):
    token = confirmation.make_token(user, email or user.email)
    return reverse("accounts:confirm_email", kwargs={"token": token})


def test_valid_link_confirms_the_address(client, unconfirmed):
    response = client.get(link_for(unconfirmed))
    assert response.status_code == 200
    unconfirmed.refresh_from_db()
    assert unconfirmed.email_confirmed_at is not None
    assert AuditEvent.objects.filter(action="accounts.email_confirmed").count() == 1


def test_signed_in_owner_goes_back_to_the_profile(client, unconfirmed):
    client.force_login(unconfirmed)
    response = client.get(link_for(unconfirmed))
    assert response["Location"] == reverse("accounts:profile")


def test_link_in_the_sign_up_email_works(client, on_commit):
    with on_commit():
        client.post(
            reverse("accounts:signup"),
            {
                "display_name": "Kim",
                "email": "kim@example.org",
                "password1": "an unusual passphrase here",
                "password2": "an unusual passphrase here",
            },
        )
    path = re.search(r"http://[^/]+(/accounts/confirm/\S+/)", mail.outbox[0].body).group(1)
    assert client.get(path).status_code == 302
    assert client.get(reverse("accounts:profile")).context["user"].email_confirmed


def test_expired_link_is_refused(client, unconfirmed):
    path = link_for(unconfirmed)
    later = time.time() + confirmation.max_age() + 60
    with time_machine.travel(later):
        response = client.get(path)
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    unconfirmed.refresh_from_db()
    assert unconfirmed.email_confirmed_at is None


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "x" + token,
        lambda token: "nonsense",
        lambda token: token.split(":")[0],
    ],
)
def test_tampered_link_is_refused(client, unconfirmed, mangle):
    token = confirmation.make_token(unconfirmed, unconfirmed.email)
    response = client.get(reverse("accounts:confirm_email", kwargs={"token": mangle(token)}))
    assert response.status_code == 400
    unconfirmed.refresh_from_db()
    assert unconfirmed.email_confirmed_at is None


def test_link_for_another_address_signed_with_another_key_is_refused(client, unconfirmed):
    from django.core import signing

    forged = signing.dumps({"u": unconfirmed.pk, "e": "evil@example.org", "f": "x"}, salt="other")
    response = client.get(reverse("accounts:confirm_email", kwargs={"token": forged}))
    assert response.status_code == 400
    unconfirmed.refresh_from_db()
    assert unconfirmed.email == "new@example.org"


def test_a_link_works_once(client, unconfirmed):
    path = link_for(unconfirmed)
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 400


def test_resend_sends_a_new_link_once_a_minute(client, unconfirmed, on_commit):
    client.force_login(unconfirmed)
    url = reverse("accounts:resend_confirmation")
    with on_commit():
        assert client.post(url)["Location"] == reverse("accounts:profile")
        client.post(url)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.org"]
    assert "/accounts/confirm/" in mail.outbox[0].body


def test_resend_needs_post_and_a_signed_in_person(client, unconfirmed):
    url = reverse("accounts:resend_confirmation")
    assert client.post(url).status_code == 302  # to login
    client.force_login(unconfirmed)
    assert client.get(url).status_code == 405


def test_profile_of_an_unconfirmed_person_offers_to_resend(client, unconfirmed):
    client.force_login(unconfirmed)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "Confirm your e-mail address" in html
    assert reverse("accounts:resend_confirmation") in html
