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


# Every login path is throttled the same way, and nobody can lock the owner out.


def admin_attempt(client, email, password, ip="203.0.113.5"):
    """Sign in the way the administration sends people: its sign-in page leads to the
    site's, which takes the password (and the code, with two-step sign-in on)."""
    start = client.get(reverse("admin:login"), {"next": "/admin/"}, REMOTE_ADDR=ip)
    assert start.status_code == 302
    return client.post(start["Location"], {"email": email, "password": password}, REMOTE_ADDR=ip)


def test_admin_login_is_the_site_sign_in(client):
    response = client.post(
        reverse("admin:login") + "?next=/admin/",
        {"username": "root@example.org", "password": "anything"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=%2Fadmin%2F"
    assert "_auth_user_id" not in client.session


def test_admin_login_does_not_send_anyone_off_the_site(client):
    response = client.get(reverse("admin:login"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("accounts:login") + "?next=%2Fadmin%2F"


@override_settings(LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT=5, LOGIN_FAILURES_PER_CLIENT=100)
def test_admin_login_is_throttled(client):
    admin = User.objects.create_superuser(
        email="root@example.org", password="admin pass phrase", display_name="Root"
    )
    statuses = [admin_attempt(client, admin.email, f"guess {n}").status_code for n in range(40)]
    assert statuses[:5] == [200] * 5
    assert set(statuses[5:]) == {429}
    throttled = admin_attempt(client, admin.email, "admin pass phrase")
    assert throttled.status_code == 429
    assert "Too many attempts" in throttled.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT=3, LOGIN_FAILURES_PER_CLIENT=100)
def test_admin_and_site_sign_in_share_one_count(client):
    admin = User.objects.create_superuser(
        email="root@example.org", password="admin pass phrase", display_name="Root"
    )
    for _ in range(2):
        attempt(client, admin.email, "guess")
    admin_attempt(client, admin.email, "guess")
    assert attempt(client, admin.email, "admin pass phrase").status_code == 429
    assert admin_attempt(client, admin.email, "admin pass phrase").status_code == 429


def test_admin_login_still_signs_a_platform_admin_in(client):
    admin = User.objects.create_superuser(
        email="root@example.org", password="admin pass phrase", display_name="Root"
    )
    response = admin_attempt(client, admin.email, "admin pass phrase")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.session["_auth_user_id"] == str(admin.pk)
    assert client.get("/admin/").status_code == 200


def test_admin_login_refuses_a_person_who_is_not_staff(client, user):
    admin_attempt(client, user.email, DEFAULT_PASSWORD)
    assert client.get("/admin/").status_code == 302
    assert client.get(reverse("admin:login"), {"next": "/admin/"}).status_code == 403


@override_settings(
    LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT=5,
    LOGIN_FAILURES_PER_CLIENT=30,
    LOGIN_ACCOUNT_FAILURES_BEFORE_DELAY=10,
    LOGIN_ACCOUNT_MAX_DELAY_SECONDS=900,
)
def test_wrong_passwords_from_elsewhere_do_not_lock_out_the_owner(client, user):
    from django.test import Client

    # Hundreds of guesses at the account from many clients, each until it is held back.
    for n in range(60):
        attacker = Client()
        for _ in range(6):
            attempt(attacker, user.email, "attacker guess", ip=f"198.51.100.{n}")
    owner = Client()
    response = attempt(owner, user.email, DEFAULT_PASSWORD, ip="203.0.113.10")
    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(user.pk)


@override_settings(
    LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT=100,
    LOGIN_FAILURES_PER_CLIENT=100,
    LOGIN_ACCOUNT_FAILURES_BEFORE_DELAY=3,
    LOGIN_ACCOUNT_MAX_DELAY_SECONDS=60,
)
def test_guesses_spread_over_many_clients_meet_a_growing_delay(client, user):
    import time_machine
    from django.test import Client

    with time_machine.travel("2026-03-02 10:00:00Z", tick=False) as traveller:
        for n in range(3):
            assert attempt(Client(), user.email, "guess", ip=f"198.51.100.{n}").status_code == 200
        # Past the free failures, each client waits after its own failure: 1 s, then 2 s ...
        second = Client()
        assert attempt(second, user.email, "guess", ip="198.51.100.50").status_code == 200
        assert attempt(second, user.email, "guess", ip="198.51.100.50").status_code == 429
        traveller.shift(3)
        assert attempt(second, user.email, "guess", ip="198.51.100.50").status_code == 200
        refused = attempt(second, user.email, "guess", ip="198.51.100.50")
        assert refused.status_code == 429
        assert "try again in 2 seconds" in refused.content.decode()
        # A client that has not just failed goes straight through: the owner signs in.
        owner = attempt(Client(), user.email, DEFAULT_PASSWORD, ip="203.0.113.10")
        assert owner.status_code == 302


def test_account_delay_doubles_up_to_the_maximum(settings):
    from civiclab.accounts import throttle

    settings.LOGIN_ACCOUNT_FAILURES_BEFORE_DELAY = 10
    settings.LOGIN_ACCOUNT_MAX_DELAY_SECONDS = 900
    delays = [throttle.account_delay(n) for n in (0, 10, 11, 12, 13, 20, 21, 1000)]
    assert delays == [0, 0, 1, 2, 4, 512, 900, 900]


@override_settings(LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT=3, LOGIN_FAILURES_PER_CLIENT=100)
@pytest.mark.parametrize(
    ("name", "field", "extra"),
    [
        ("accounts:password_change", "old_password", {"new_password1": "x" * 12}),
        ("accounts:email_change", "current_password", {"new_email": "new@example.org"}),
        ("accounts:delete", "current_password", {}),
    ],
)
def test_a_signed_in_session_cannot_guess_the_password_on_other_forms(
    signed_in_long_ago, user, name, field, extra
):
    url = reverse(name)
    for n in range(3):
        response = signed_in_long_ago.post(url, {field: f"guess {n}", **extra})
        assert "not right" in response.content.decode() or "incorrect" in response.content.decode()
    response = signed_in_long_ago.post(url, {field: DEFAULT_PASSWORD, **extra})
    assert "Too many attempts" in response.content.decode()
    user.refresh_from_db()
    assert user.is_active
