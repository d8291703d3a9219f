import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from civiclab.accounts import services
from civiclab.accounts.models import ApiToken
from civiclab.core.models import AuditEvent, JobProgress
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, OrganisationFactory

User = get_user_model()
pytestmark = pytest.mark.django_db
URL = reverse("accounts:delete")


@pytest.fixture
def rich_user(user):
    """Ada, with a token, a job, a membership and an audit trail."""
    services.token_create(actor=user, name="script")
    JobProgress.objects.create(owner=user, label="Report")
    MembershipFactory(organisation=OrganisationFactory(), user=user, role="staff")
    return user


def test_delete_page_asks_for_the_password(signed_in):
    response = signed_in.get(URL)
    assert response.status_code == 200
    assert 'autocomplete="current-password"' in response.content.decode()


def test_wrong_or_missing_password_keeps_the_account(signed_in, user):
    for password in ["wrong", ""]:
        response = signed_in.post(URL, {"current_password": password})
        assert response.status_code == 200
        assert response.context["form"].errors["current_password"]
    user.refresh_from_db()
    assert not user.is_anonymised
    assert user.email == "ada@example.org"


def test_deleting_erases_personal_data_and_keeps_an_anonymous_row(signed_in, rich_user):
    user = rich_user
    second_browser = Client()
    second_browser.login(email=user.email, password=DEFAULT_PASSWORD)
    token_secret = services.token_create(actor=user, name="second")[1]

    response = signed_in.post(URL, {"current_password": DEFAULT_PASSWORD})

    assert response["Location"] == reverse("home")
    user.refresh_from_db()
    assert user.is_anonymised
    assert not user.is_active
    assert not user.has_usable_password()
    assert user.display_name == f"Deleted user {user.pk}"
    assert str(user) == f"Deleted user {user.pk}"
    assert user.email.endswith(".invalid")
    assert "ada" not in user.email
    assert User.objects.filter(email__endswith=".invalid").count() == 1
    assert not ApiToken.objects.filter(user=user).exists()
    assert not JobProgress.objects.filter(owner=user).exists()
    assert not user.memberships.exists()

    # Every session ends: this browser, another browser, and the API token.
    assert "_auth_user_id" not in signed_in.session
    assert signed_in.get(reverse("accounts:profile")).status_code == 302
    assert second_browser.get(reverse("accounts:profile")).status_code == 302
    api = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token_secret}")
    assert api.status_code == 401

    # Nobody can sign in as them again.
    login = Client().post(
        reverse("accounts:login"), {"email": "ada@example.org", "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 200


def test_deletion_is_audited_without_personal_data(signed_in, user):
    services.user_update_profile(actor=user, display_name="Ada Lovelace")
    assert AuditEvent.objects.filter(subject_repr="Ada Lovelace").exists()
    signed_in.post(URL, {"current_password": DEFAULT_PASSWORD})
    user.refresh_from_db()
    event = AuditEvent.objects.get(action="accounts.deleted")
    assert event.actor_id == user.pk
    for row in AuditEvent.objects.all():
        text = f"{row.subject_repr} {row.details}"
        assert "ada@example.org" not in text
        assert "Ada Lovelace" not in text
    # Earlier events about the account stay, renamed.
    earlier = AuditEvent.objects.get(action="accounts.profile_updated")
    assert earlier.subject_repr == f"Deleted user {user.pk}"


def test_audit_rows_that_quote_the_address_are_renamed(user):
    from civiclab.accounts.audit import AuditAction
    from civiclab.core.services import audit_record

    AuditEvent.objects.create(actor=None, action="demo.something", details={})
    audit_record(actor=user, action=AuditAction.SIGNED_UP, subject=user)
    services.user_delete(actor=user)
    assert not AuditEvent.objects.filter(subject_repr__contains="Ada Lovelace").exists()
    assert AuditEvent.objects.filter(action="accounts.signed_up").get().subject_repr == (
        f"Deleted user {user.pk}"
    )


def test_deleting_twice_changes_nothing(user):
    first = services.user_delete(actor=user)
    email = first.email
    again = services.user_delete(actor=first)
    assert again.email == email
    assert AuditEvent.objects.filter(action="accounts.deleted").count() == 1


def test_contributions_stay_under_the_anonymous_name(user):
    AuditEvent.objects.create(actor=user, action="challenges.idea_submitted", details={"idea": 1})
    services.user_delete(actor=user)
    event = AuditEvent.objects.get(action="challenges.idea_submitted")
    assert event.actor_id == user.pk
    assert str(event.actor) == f"Deleted user {user.pk}"
