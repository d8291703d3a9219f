import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from civiclab.accounts import services
from tests.factories import UserFactory

User = get_user_model()
pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser(
        email="root@example.org", password="admin pass phrase", display_name="Root"
    )
    client.force_login(admin)
    return client


def test_user_admin_pages_render(admin_client):
    person = UserFactory()
    services.token_create(actor=person, name="script")
    assert admin_client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:accounts_user_add")).status_code == 200
    change = admin_client.get(reverse("admin:accounts_user_change", args=[person.pk]))
    assert change.status_code == 200
    assert "script" in change.content.decode()
    assert admin_client.get(reverse("admin:accounts_apitoken_changelist")).status_code == 200


def test_admin_creates_a_user_by_email(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Person@Example.org",
            "display_name": "New Person",
            "password1": "a good long passphrase",
            "password2": "a good long passphrase",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = User.objects.get(display_name="New Person")
    assert created.email == "new.person@example.org"
    assert created.check_password("a good long passphrase")


def test_admin_refuses_a_duplicate_email(admin_client):
    UserFactory(email="taken@example.org")
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "TAKEN@example.org",
            "display_name": "Dup",
            "password1": "a good long passphrase",
            "password2": "a good long passphrase",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1


def test_admin_cannot_add_tokens_but_can_revoke_them(admin_client):
    token, _ = services.token_create(actor=UserFactory(), name="script")
    assert admin_client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    admin_client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
