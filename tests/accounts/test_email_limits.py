"""Forms that send e-mail are limited per address and per client, and so is sign-up."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from civiclab.accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.EMAIL_FORMS_PER_ADDRESS = 3
    settings.EMAIL_FORMS_PER_CLIENT = 6
    settings.EMAIL_FORMS_WINDOW_SECONDS = 3600
    settings.SIGNUPS_PER_CLIENT = 4


def reset(email, ip="203.0.113.5"):
    return Client().post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=ip)


def signup(email, ip="203.0.113.5", name="Someone"):
    return Client().post(
        reverse("accounts:signup"),
        {
            "display_name": name,
            "email": email,
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
        REMOTE_ADDR=ip,
    )


def test_password_reset_form_is_rate_limited_per_address(user):
    # From many clients, so only the per-address limit can stop them.
    statuses = [reset(user.email, ip=f"198.51.100.{n}").status_code for n in range(6)]
    assert statuses == [302, 302, 302, 429, 429, 429]
    assert len(mail.outbox) == 3
    refused = reset(user.email.upper(), ip="198.51.100.99")
    assert refused.status_code == 429
    assert "try again in 60 minutes" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    # Another address is not affected.
    other = UserFactory(email="grace@example.org")
    assert reset(other.email, ip="198.51.100.1").status_code == 302


def test_password_reset_limit_does_not_reveal_whether_an_address_has_an_account(user):
    known = [reset(user.email, ip=f"198.51.100.{n}").status_code for n in range(4)]
    unknown = [reset("nobody@example.org", ip=f"198.51.100.{n}").status_code for n in range(4)]
    assert known == unknown == [302, 302, 302, 429]


def test_password_reset_form_is_rate_limited_per_client(db):
    statuses = [reset(f"person{n}@example.org").status_code for n in range(8)]
    assert statuses == [302] * 6 + [429, 429]
    assert reset("someone@example.org", ip="192.0.2.7").status_code == 302


def test_someone_tried_to_register_emails_are_rate_limited_per_address(user, on_commit):
    with on_commit():
        statuses = [signup(user.email, ip=f"198.51.100.{n}").status_code for n in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3
    assert all(message.to == [user.email] for message in mail.outbox)


def test_account_creation_is_rate_limited_per_client(db):
    statuses = [signup(f"new{n}@example.org").status_code for n in range(6)]
    assert statuses == [302] * 4 + [429, 429]
    assert User.objects.count() == 4
    assert signup("elsewhere@example.org", ip="192.0.2.7").status_code == 302


def test_confirmation_resend_is_rate_limited_per_address(db, settings):
    settings.EMAIL_FORMS_PER_ADDRESS = 2
    person = UserFactory(email="new@example.org", email_confirmed_at=None)
    for n in range(3):
        browser = Client()
        browser.force_login(person)
        response = browser.post(
            reverse("accounts:resend_confirmation"), REMOTE_ADDR=f"198.51.100.{n}"
        )
        if n < 2:
            assert response.status_code == 302
        else:
            assert response.status_code == 429


def test_email_change_is_rate_limited_per_address(db):
    target = "wanted@example.org"
    statuses = []
    for n in range(4):
        person = UserFactory()
        browser = Client()
        browser.force_login(person)
        statuses.append(
            browser.post(
                reverse("accounts:email_change"),
                {"new_email": target, "current_password": DEFAULT_PASSWORD},
                REMOTE_ADDR=f"198.51.100.{n}",
            ).status_code
        )
    assert statuses == [302, 302, 302, 429]


def test_spoofed_x_forwarded_for_does_not_evade_the_client_limit(db, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    statuses = [
        Client()
        .post(
            reverse("accounts:password_reset"),
            {"email": f"person{n}@example.org"},
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
        .status_code
        for n in range(7)
    ]
    assert statuses[-1] == 429
