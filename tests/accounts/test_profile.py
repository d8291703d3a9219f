import re

import pytest
from django.core import mail
from django.urls import reverse

from civiclab.core import page_sections
from civiclab.core.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_profile_needs_sign_in(client, db):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_profile_shows_name_address_and_links(signed_in, user):
    html = signed_in.get(reverse("accounts:profile")).content.decode()
    assert "Ada Lovelace" in html
    assert "ada@example.org" in html
    for name in ["profile_edit", "email_change", "password_change", "tokens", "export", "delete"]:
        assert reverse(f"accounts:{name}") in html


def test_change_name(signed_in, user):
    response = signed_in.post(reverse("accounts:profile_edit"), {"display_name": " Ada King "})
    assert response["Location"] == reverse("accounts:profile")
    user.refresh_from_db()
    assert user.display_name == "Ada King"
    assert AuditEvent.objects.filter(action="accounts.profile_updated").exists()


def test_change_name_refuses_blank_and_overlong(signed_in, user):
    for value in ["", "   ", "x" * 121]:
        response = signed_in.post(reverse("accounts:profile_edit"), {"display_name": value})
        assert response.status_code == 200
        assert response.context["form"].errors["display_name"]
    user.refresh_from_db()
    assert user.display_name == "Ada Lovelace"


def test_change_email_waits_for_confirmation_of_the_new_address(signed_in, user, on_commit):
    with on_commit():
        response = signed_in.post(
            reverse("accounts:email_change"),
            {"new_email": "Ada.New@example.org", "current_password": DEFAULT_PASSWORD},
        )
    assert response["Location"] == reverse("accounts:profile")
    user.refresh_from_db()
    assert user.email == "ada@example.org"
    assert mail.outbox[0].to == ["ada.new@example.org"]

    link = re.search(r"http://[^/]+(/accounts/confirm/\S+/)", mail.outbox[0].body).group(1)
    with on_commit():
        signed_in.get(link)
    user.refresh_from_db()
    assert user.email == "ada.new@example.org"
    assert user.email_confirmed_at is not None
    assert mail.outbox[-1].to == ["ada@example.org"]  # the old address is told
    assert AuditEvent.objects.filter(action="accounts.email_changed").exists()
    assert signed_in.get(link).status_code == 400  # used


def test_change_email_needs_the_password(signed_in, user):
    response = signed_in.post(
        reverse("accounts:email_change"),
        {"new_email": "new@example.org", "current_password": "wrong"},
    )
    assert response.context["form"].errors["current_password"] == ["Your password is not right."]
    assert mail.outbox == []


def test_change_email_to_the_same_or_an_invalid_address_is_refused(signed_in, user):
    for value in ["ADA@example.org", "not an address", ""]:
        response = signed_in.post(
            reverse("accounts:email_change"),
            {"new_email": value, "current_password": DEFAULT_PASSWORD},
        )
        assert response.context["form"].errors["new_email"]


def test_change_email_to_a_taken_address_does_not_reveal_it(signed_in, user, on_commit):
    UserFactory(email="taken@example.org")
    with on_commit():
        response = signed_in.post(
            reverse("accounts:email_change"),
            {"new_email": "taken@example.org", "current_password": DEFAULT_PASSWORD},
        )
    assert response["Location"] == reverse("accounts:profile")
    assert "already has an account" in mail.outbox[0].body
    user.refresh_from_db()
    assert user.email == "ada@example.org"


def test_confirming_an_address_taken_meanwhile_is_refused(signed_in, user, on_commit):
    with on_commit():
        signed_in.post(
            reverse("accounts:email_change"),
            {"new_email": "race@example.org", "current_password": DEFAULT_PASSWORD},
        )
    UserFactory(email="race@example.org")
    link = re.search(r"http://[^/]+(/accounts/confirm/\S+/)", mail.outbox[0].body).group(1)
    response = signed_in.get(link)
    assert response.status_code == 400
    assert "used by another account" in response.content.decode()


def test_profile_sections_registered_by_other_apps_are_shown(signed_in, user, monkeypatch):
    monkeypatch.setattr(page_sections, "_sections", {})
    page_sections.register(
        page_sections.PROFILE,
        "accounts/tests_section.html",
        get_context=lambda request, u: {"greeting": "Hi"},
    )
    from django.template import engines

    template = engines["django"].from_string("<h2>{{ greeting }} {{ profile_user.pk }}</h2>")
    monkeypatch.setattr(
        "civiclab.core.page_sections.render_to_string",
        lambda name, context, request=None: template.render(context, request),
    )
    html = signed_in.get(reverse("accounts:profile")).content.decode()
    assert f"<h2>Hi {user.pk}</h2>" in html
