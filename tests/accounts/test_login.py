import logging

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory

User = get_user_model()
URL = reverse("accounts:login")
pytestmark = pytest.mark.django_db


def attempt(client, email, password, ip="203.0.113.5", forwarded=None, **data):
    meta = {"REMOTE_ADDR": ip}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(URL, {"email": email, "password": password, **data}, **meta)


def test_login_page_uses_the_right_autocomplete(client):
    html = client.get(URL).content.decode()
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html


def test_login_signs_in_and_rotates_the_session_key(client, user):
    client.get(URL)
    client.session.save()
    before = client.session.session_key
    response = attempt(client, "ADA@example.org", DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.session_key != before


def test_wrong_password_gets_a_clear_message(client, user):
    response = attempt(client, user.email, "not the password")
    assert response.status_code == 200
    assert "The e-mail address or password is not right" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_address_gets_the_same_message(client, db):
    response = attempt(client, "nobody@example.org", "whatever it is")
    assert "The e-mail address or password is not right" in response.content.decode()


def test_empty_form_asks_for_both_fields(client, db):
    response = client.post(URL, {})
    errors = response.context["form"].errors
    assert errors["email"] == ["Enter your e-mail address."]
    assert errors["password"] == ["Enter your password."]


def test_failed_login_logs_neither_address_nor_password(client, user, caplog):
    with caplog.at_level(logging.DEBUG):
        attempt(client, user.email, "secret guess 123")
    text = caplog.text + " ".join(str(r.__dict__) for r in caplog.records)
    assert "Login failed" in caplog.text
    assert user.email not in text
    assert "secret guess 123" not in text


@pytest.mark.parametrize(
    "next_url,expected",
    [
        ("/accounts/profile/", "/accounts/profile/"),
        ("https://evil.example/steal", reverse("home")),
        ("//evil.example/steal", reverse("home")),
    ],
)
def test_next_is_honoured_only_for_same_host_urls(client, user, next_url, expected):
    response = attempt(client, user.email, DEFAULT_PASSWORD, next=next_url)
    assert response["Location"] == expected


def test_deleted_and_inactive_accounts_cannot_sign_in(client, db):
    UserFactory(email="gone@example.org", is_anonymised=True)
    UserFactory(email="off@example.org", is_active=False)
    for email in ["gone@example.org", "off@example.org"]:
        response = attempt(client, email, DEFAULT_PASSWORD)
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session


def test_logout_by_get_is_refused(signed_in):
    response = signed_in.get(reverse("accounts:logout"))
    assert response.status_code == 405
    assert "_auth_user_id" in signed_in.session


def test_logout_by_post_signs_out(signed_in):
    response = signed_in.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in signed_in.session


@override_settings(LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT=3, LOGIN_FAILURES_PER_CLIENT=100)
def test_too_many_failures_for_one_account_from_one_client_answers_429(client, user):
    for _ in range(3):
        assert attempt(client, user.email, "wrong guess").status_code == 200
    response = attempt(client, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts, try again in 15 minutes." in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT=3, LOGIN_FAILURES_PER_CLIENT=100)
def test_throttled_attempt_does_not_check_the_password(client, user, monkeypatch):
    for _ in range(3):
        attempt(client, user.email, "wrong guess")
    calls = []
    monkeypatch.setattr("civiclab.accounts.forms.authenticate", lambda *a, **k: calls.append(1))
    assert attempt(client, user.email, "another guess").status_code == 429
    assert calls == []


@override_settings(LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT=3, LOGIN_FAILURES_PER_CLIENT=100)
def test_victim_on_their_own_client_is_not_locked_out(client, user):
    from django.test import Client

    for _ in range(5):
        attempt(client, user.email, "attacker guess", ip="198.51.100.66")
    victim = Client()
    response = attempt(victim, user.email, DEFAULT_PASSWORD, ip="203.0.113.10")
    assert response.status_code == 302
    assert victim.session["_auth_user_id"] == str(user.pk)


@override_settings(LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT=100, LOGIN_FAILURES_PER_CLIENT=4)
def test_too_many_failures_from_one_client_across_accounts_answers_429(client, user):
    for n in range(4):
        attempt(client, f"guess{n}@example.org", "wrong guess")
    response = attempt(client, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    other_client = attempt(client, user.email, DEFAULT_PASSWORD, ip="192.0.2.200")
    assert other_client.status_code == 302


@override_settings(LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT=3, LOGIN_FAILURES_PER_CLIENT=100)
def test_success_clears_the_account_counter(client, user):
    from django.test import Client

    for _ in range(2):
        attempt(client, user.email, "typo")
    assert attempt(client, user.email, DEFAULT_PASSWORD).status_code == 302
    fresh = Client()
    for _ in range(2):
        assert attempt(fresh, user.email, "typo").status_code == 200
    assert attempt(fresh, user.email, DEFAULT_PASSWORD).status_code == 302


@override_settings(
    LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT=2, LOGIN_FAILURES_PER_CLIENT=100, TRUSTED_PROXY_COUNT=1
)
def test_behind_a_proxy_clients_are_told_apart_by_forwarded_for(client, user):
    from django.test import Client

    for _ in range(2):
        attempt(client, user.email, "guess", ip="10.0.0.1", forwarded="198.51.100.66")
    throttled = attempt(
        client, user.email, DEFAULT_PASSWORD, ip="10.0.0.1", forwarded="198.51.100.66"
    )
    assert throttled.status_code == 429
    victim = attempt(Client(), user.email, DEFAULT_PASSWORD, ip="10.0.0.1", forwarded="203.0.113.7")
    assert victim.status_code == 302
