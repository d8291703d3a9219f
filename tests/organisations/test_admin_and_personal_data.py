"""Platform administration, the profile section and personal data of organisations."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from civiclab.core.models import AuditEvent
from civiclab.organisations import personal_data as organisations_data
from civiclab.organisations.models import Invitation, Membership, Organisation, Role
from civiclab.organisations.services import invitation_send
from tests.factories import OrganisationFactory, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def root_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_creating_an_organisation_in_the_admin_is_audited(root_client):
    response = root_client.post(
        reverse("admin:organisations_organisation_add"),
        {
            "name": "Regional Water Authority",
            "slug": "water",
            "summary": "",
            "country": "NL",
            "level": "regional",
            "sectors": ["05"],
            "governance_notes": "",
            "time_zone": "Europe/Amsterdam",
            "website": "",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation = Organisation.objects.get(slug="water")
    event = AuditEvent.objects.get(organisation_id=organisation.pk)
    assert event.action == "organisations.created"


def test_the_invitation_admin_shows_the_digest_read_only(root_client, organisation):
    admin = member(organisation, Role.ADMIN)
    invitation, token = invitation_send(
        actor=admin, organisation=organisation, email="x@example.org", roles=["staff"]
    )
    page = root_client.get(
        reverse("admin:organisations_invitation_change", args=[invitation.pk])
    ).content.decode()
    assert invitation.digest in page
    assert token not in page
    assert 'name="digest"' not in page


def test_the_profile_lists_my_organisations_and_roles(client):
    ghent = OrganisationFactory(name="City of Ghent")
    user = member(ghent, Role.EVALUATOR, Role.STAFF)
    client.force_login(user)
    try:
        url = reverse("accounts:profile")
    except Exception:
        pytest.skip("the profile page is not installed")
    page = client.get(url).content.decode()
    assert "Your organisations and roles" in page
    assert "City of Ghent" in page
    assert "Evaluator" in page


def test_memberships_and_invitations_are_exported_and_erased(organisation):
    admin = member(organisation, Role.ADMIN)
    lea = member(organisation, Role.STAFF, email="lea@example.org")
    invitation_send(
        actor=admin, organisation=organisation, email="LEA.two@example.org", roles=["staff"]
    )
    Invitation.objects.create(
        organisation=OrganisationFactory(),
        email="lea@example.org",
        roles=["staff"],
        digest="d" * 64,
        expires_at=timezone.now() + timedelta(days=1),
    )
    sent = Invitation.objects.get(email="lea.two@example.org")

    memberships = organisations_data.export_memberships(lea)
    assert memberships == [
        {
            "organisation": organisation.name,
            "organisation_slug": organisation.slug,
            "role": "staff",
            "since": memberships[0]["since"],
        }
    ]
    received = organisations_data.export_invitations(lea)
    assert [row["relation"] for row in received] == ["received"]
    sent_rows = organisations_data.export_invitations(admin)
    assert sent_rows[0]["relation"] == "sent"
    assert sent_rows[0]["email"] is None

    organisations_data.erase_memberships(lea)
    organisations_data.erase_invitations(lea)
    organisations_data.erase_invitations(admin)
    assert not Membership.objects.filter(user=lea).exists()
    assert not Invitation.objects.filter(email="lea@example.org").exists()
    sent.refresh_from_db()
    assert sent.invited_by is None


def test_the_registry_knows_both_models():
    from civiclab.core import personal_data

    assert personal_data.is_registered("organisations.membership")
    assert personal_data.is_registered("organisations.invitation")


def test_membership_changes_in_the_admin_are_audited(root_client, organisation):
    person = UserFactory()
    url = reverse("admin:organisations_organisation_change", args=[organisation.pk])
    response = root_client.post(
        url,
        {
            "name": organisation.name,
            "slug": organisation.slug,
            "summary": "",
            "country": "NL",
            "level": "local",
            "governance_notes": "",
            "time_zone": organisation.time_zone,
            "website": "",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": str(person.pk),
            "memberships-0-role": "evaluator",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(
        organisation_id=organisation.pk, action="organisations.roles_changed"
    )
    assert event.details["added"] == [{"user_id": person.pk, "role": "evaluator"}]
    assert event.details["via"] == "admin"
