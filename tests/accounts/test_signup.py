import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from civiclab.core.models import AuditEvent
from tests.factories import UserFactory

User = get_user_model()
URL = reverse("accounts:signup")
GOOD = {
    "display_name": "Grace Hopper",
    "email": "Grace@Example.org",
    "password1": "a rather long and unusual passphrase",
    "password2": "a rather long and unusual passphrase",
}

pytestmark = pytest.mark.django_db


def post(client, on_commit, **changes):
    with on_commit():
        return client.post(URL, {**GOOD, **changes})


def test_signup_page_allows_pasting_and_asks_for_a_new_password(client):
    html = client.get(URL).content.decode()
    assert 'autocomplete="new-password"' in html
    assert "onpaste" not in html
    assert 'autocomplete="off"' not in html


def test_signup_creates_an_unconfirmed_account_and_sends_a_link(client, on_commit):
    response = post(client, on_commit)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:check_email")
    user = User.objects.get()
    assert user.email == "grace@example.org"
    assert user.display_name == "Grace Hopper"
    assert user.email_confirmed_at is None
    assert user.check_password(GOOD["password1"])
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["grace@example.org"]
    assert "/accounts/confirm/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="accounts.signed_up", actor=user).exists()


def test_check_email_page_names_the_address(client, on_commit):
    response = client.get(post(client, on_commit)["Location"])
    assert "grace@example.org" in response.content.decode()


def test_empty_form_explains_every_missing_field(client, on_commit):
    response = post(client, on_commit, display_name="", email="", password1="", password2="")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter your name." in html
    assert "Enter your e-mail address." in html
    assert "Enter a password." in html
    assert response.context["form"].errors
    assert not User.objects.exists()
    assert mail.outbox == []


def test_title_starts_with_error_when_the_form_has_errors(client, on_commit):
    response = post(client, on_commit, email="")
    assert "<title>Error:" in response.content.decode()


def test_short_password_is_refused(client, on_commit):
    response = post(client, on_commit, password1="short1", password2="short1")
    assert "password1" in response.context["form"].errors
    assert "at least 8 characters" in response.content.decode()
    assert not User.objects.exists()


def test_common_password_is_refused(client, on_commit):
    response = post(client, on_commit, password1="password123", password2="password123")
    assert "too common" in response.context["form"].errors["password1"][0]
    assert not User.objects.exists()


def test_no_composition_rules_a_long_lowercase_passphrase_is_fine(client, on_commit):
    post(client, on_commit, password1="plain lowercase words", password2="plain lowercase words")
    assert User.objects.exists()


def test_mismatched_passwords_are_refused(client, on_commit):
    response = post(client, on_commit, password2="something else entirely")
    assert response.context["form"].errors["password2"] == [
        "The passwords you entered do not match."
    ]
    assert not User.objects.exists()


@pytest.mark.parametrize("email", ["not-an-address", "a@", "@example.org", "a b@example.org"])
def test_invalid_email_is_refused(client, on_commit, email):
    response = post(client, on_commit, email=email)
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not User.objects.exists()


def test_name_of_only_spaces_is_refused(client, on_commit):
    response = post(client, on_commit, display_name="   ")
    assert response.context["form"].errors["display_name"] == ["Enter your name."]


def test_existing_address_is_not_revealed_and_its_owner_is_told(client, on_commit):
    owner = UserFactory(email="grace@example.org")
    response = post(client, on_commit)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:check_email")
    assert User.objects.count() == 1
    owner.refresh_from_db()
    assert not owner.check_password(GOOD["password1"])
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["grace@example.org"]
    assert "already has an account" in mail.outbox[0].body
    assert "/accounts/confirm/" not in mail.outbox[0].body


def test_signed_in_people_are_sent_to_their_profile(client, on_commit, signed_in):
    assert signed_in.get(URL)["Location"] == reverse("accounts:profile")


def test_a_mail_server_failure_does_not_break_sign_up(client, on_commit, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("refused grace@example.org")

    monkeypatch.setattr("civiclab.accounts.emails.send_mail", broken)
    response = post(client, on_commit)
    assert response.status_code == 302
    assert User.objects.filter(email="grace@example.org").exists()
    assert "Could not send the confirm_email e-mail." in caplog.text
    assert "grace@example.org" not in caplog.text


def test_signup_does_not_sign_in(client, on_commit):
    # Signing in is for people who proved the address: until the link is followed, the
    # account is not used by this browser.
    post(client, on_commit)
    assert User.objects.filter(email="grace@example.org").exists()
    assert "_auth_user_id" not in client.session
    assert not client.get(reverse("accounts:profile")).wsgi_request.user.is_authenticated


def _signup_answer(client, on_commit):
    response = post(client, on_commit)
    page = client.get(response["Location"])
    return {
        "status": response.status_code,
        "location": response["Location"],
        "cookies": sorted(response.cookies),
        "signed in": "_auth_user_id" in client.session,
        "page": page.content.decode().replace(page.wsgi_request.META.get("CSRF_COOKIE", ""), ""),
    }


def test_signup_response_is_the_same_for_new_and_taken_address(on_commit):
    from django.test import Client

    new = _signup_answer(Client(), on_commit)
    User.objects.filter(email="grace@example.org").update(email_confirmed_at=timezone.now())
    taken = _signup_answer(Client(), on_commit)
    assert User.objects.count() == 1
    assert new == taken
    assert new["signed in"] is False


def test_the_link_opened_in_the_same_browser_confirms_and_signs_in(client, on_commit):
    with on_commit():
        client.post(f"{URL}?next=/organisations/", GOOD)
    link = confirmation_link(mail.outbox[-1].body)
    response = client.get(link)
    user = User.objects.get(email="grace@example.org")
    assert user.email_confirmed
    assert client.session["_auth_user_id"] == str(user.pk)
    assert response["Location"] == "/organisations/"


def test_the_link_opened_elsewhere_confirms_but_asks_to_sign_in(client, on_commit):
    from django.test import Client

    post(client, on_commit)
    other_browser = Client()
    response = other_browser.get(confirmation_link(mail.outbox[-1].body))
    assert response.status_code == 200
    assert User.objects.get(email="grace@example.org").email_confirmed
    assert "_auth_user_id" not in other_browser.session
    assert reverse("accounts:login") in response.content.decode()


def test_signup_ignores_a_next_address_on_another_site(client, on_commit):
    with on_commit():
        client.post(f"{URL}?next=https://evil.example/", GOOD)
    response = client.get(confirmation_link(mail.outbox[-1].body))
    assert response["Location"] == reverse("accounts:profile")


def confirmation_link(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm/[^\s]+/)", body)
    assert match, body
    return match.group(1)
