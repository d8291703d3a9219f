import re

import pytest
from django.core import mail
from django.urls import reverse

from civiclab.core.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NEW = "a brand new passphrase to remember"


def test_password_reset_email_flow_sets_a_new_password(client, user):
    response = client.post(reverse("accounts:password_reset"), {"email": "ADA@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "civiclab" in mail.outbox[0].subject
    link = re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+/)", mail.outbox[0].body)
    # The link redirects to a set-password URL that keeps the token out of the page.
    form_url = client.get(link.group(1))["Location"]
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert AuditEvent.objects.filter(action="accounts.password_reset", actor=user).exists()
    assert client.get(response["Location"]).status_code == 200


def test_password_reset_link_works_once(client, user):
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    path = re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+/)", mail.outbox[0].body)
    form_url = client.get(path.group(1))["Location"]
    client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    response = client.get(path.group(1), follow=True)
    assert "This link does not work" in response.content.decode()


def test_password_reset_for_an_unknown_address_looks_the_same(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "no@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_password_reset_is_not_sent_to_deleted_accounts(client, db):
    UserFactory(email="gone@example.org", is_anonymised=True, is_active=False)
    client.post(reverse("accounts:password_reset"), {"email": "gone@example.org"})
    assert mail.outbox == []


def test_password_reset_rejects_a_weak_new_password(client, user):
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    path = re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+/)", mail.outbox[0].body)
    form_url = client.get(path.group(1))["Location"]
    response = client.post(form_url, {"new_password1": "password", "new_password2": "password"})
    assert response.status_code == 200
    assert response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_bogus_reset_link_is_explained(client, db):
    response = client.get("/accounts/password-reset/MQ/bad-token/")
    assert response.status_code == 200
    assert "This link does not work" in response.content.decode()


def test_password_change_keeps_the_person_signed_in(signed_in, user):
    response = signed_in.post(
        reverse("accounts:password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response["Location"] == reverse("accounts:profile")
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert signed_in.get(reverse("accounts:profile")).status_code == 200
    assert AuditEvent.objects.filter(action="accounts.password_changed").exists()


def test_password_change_needs_the_old_password(signed_in, user):
    response = signed_in.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)
