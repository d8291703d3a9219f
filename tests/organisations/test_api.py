"""The organisations API: public reads, memberships and invitations for org admins, one error
shape."""

import pytest
from django.core import mail

from civiclab.core.models import AuditEvent
from civiclab.organisations import services
from civiclab.organisations.models import Invitation, Membership, Role, Sector
from tests.factories import OrganisationFactory, UserFactory, member, sign_in_recently

pytestmark = pytest.mark.django_db
BASE = "/api/v1/organisations"


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


@pytest.fixture
def admin_client(client, admin):
    # A browser session inviting with roles must have entered the password lately.
    return sign_in_recently(client, admin)


def memberships_url(organisation, suffix=""):
    return f"{BASE}/{organisation.slug}/memberships{suffix}"


# Public reads ------------------------------------------------------------------------------------


def test_anyone_lists_active_organisations_page_by_page(client, django_assert_max_num_queries):
    for index in range(3):
        OrganisationFactory(name=f"Org {index}").sectors.set(Sector.objects.all()[:2])
    OrganisationFactory(name="Closed", is_active=False)
    with django_assert_max_num_queries(4):
        response = client.get(BASE, {"page_size": 2})
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 3
    assert body["pages"] == 2
    assert [item["name"] for item in body["items"]] == ["Org 0", "Org 1"]
    assert body["items"][0]["sectors"][0] == {"code": "01", "name": "General public services"}


def test_one_organisation(client):
    organisation = OrganisationFactory(slug="ghent", country="BE", population_served=265_000)
    body = client.get(f"{BASE}/ghent").json()
    assert body["slug"] == "ghent"
    assert body["country"] == "BE"
    assert body["population_served"] == 265_000
    assert body["url"] == organisation.get_absolute_url()


@pytest.mark.parametrize("slug", ["nowhere", "closed"])
def test_unknown_and_inactive_organisations_are_404(client, slug):
    OrganisationFactory(slug="closed", is_active=False)
    response = client.get(f"{BASE}/{slug}")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


# Memberships -------------------------------------------------------------------------------------


def test_anonymous_callers_get_401(client, organisation):
    response = client.get(memberships_url(organisation))
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


@pytest.mark.parametrize("who", ["staff", "citizen", "admin_elsewhere"])
def test_people_without_the_admin_role_get_403(client, organisation, who):
    user = {
        "staff": lambda: member(organisation, Role.STAFF),
        "citizen": UserFactory,
        "admin_elsewhere": lambda: member(OrganisationFactory(), Role.ADMIN),
    }[who]()
    client.force_login(user)
    for response in (
        client.get(memberships_url(organisation)),
        client.post(
            memberships_url(organisation),
            {"email": user.email, "roles": ["admin"]},
            content_type="application/json",
        ),
    ):
        assert response.status_code == 403
        assert error_of(response)["code"] == "permission_denied"
    assert not Membership.objects.filter(organisation=organisation, user=user, role="admin")


def test_admins_list_memberships(admin_client, organisation, admin, django_assert_max_num_queries):
    member(organisation, Role.STAFF, Role.EVALUATOR)
    with django_assert_max_num_queries(8):
        response = admin_client.get(memberships_url(organisation))
    body = response.json()
    assert body["count"] == 3
    assert {item["role"] for item in body["items"]} == {"admin", "staff", "evaluator"}
    assert {"id", "display_name", "email"} == set(body["items"][0]["user"])


def invite(client, organisation, payload):
    return client.post(memberships_url(organisation), payload, content_type="application/json")


def test_membership_api_creates_invitation_not_membership(
    admin_client, organisation, django_capture_on_commit_callbacks
):
    person = UserFactory(email="ines@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(
            admin_client, organisation, {"email": "INES@example.org", "roles": ["evaluator"]}
        )
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "ines@example.org"
    assert body["roles"] == ["evaluator"]
    assert set(body) == {"id", "email", "roles", "created_at", "expires_at"}
    # Nobody becomes a member without consent: the person gets a link to accept.
    assert not Membership.objects.filter(user=person).exists()
    invitation = Invitation.objects.get(pk=body["id"])
    assert invitation.accepted_at is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ines@example.org"]
    assert AuditEvent.objects.filter(
        organisation_id=organisation.pk, action="organisations.invitation_sent"
    ).exists()
    assert not AuditEvent.objects.filter(action="organisations.member_added").exists()


def test_membership_api_takes_one_role_as_role(admin_client, organisation):
    response = invite(admin_client, organisation, {"email": "ines@example.org", "role": "staff"})
    assert response.status_code == 201
    assert response.json()["roles"] == ["staff"]


def test_membership_api_refuses_bare_user_id(admin_client, organisation):
    person = UserFactory(email="ines@example.org")
    for payload in (
        {"user_id": person.pk, "role": "staff"},
        {"user_id": person.pk, "email": person.email, "roles": ["staff"]},
    ):
        response = invite(admin_client, organisation, payload)
        assert response.status_code == 422
        error = error_of(response)
        assert error["code"] == "validation_error"
        assert "user_id" in error["message"] + str(error["fields"])
    assert not Membership.objects.filter(user=person).exists()
    assert not Invitation.objects.exists()


def test_membership_api_is_not_an_account_oracle(admin_client, organisation):
    UserFactory(email="registered@example.org")
    answers = []
    for email in ("registered@example.org", "unknown@example.org"):
        response = invite(admin_client, organisation, {"email": email, "roles": ["staff"]})
        body = response.json()
        answers.append((response.status_code, sorted(body), body["roles"]))
    assert answers[0] == answers[1]
    assert answers[0][0] == 201


def test_outsiders_learn_nothing_about_accounts_from_the_membership_api(client, organisation):
    outsider = UserFactory()
    client.force_login(outsider)
    UserFactory(email="registered@example.org")
    answers = {
        email: invite(client, organisation, {"email": email, "roles": ["staff"]})
        for email in ("registered@example.org", "unknown@example.org")
    }
    assert {response.status_code for response in answers.values()} == {403}
    assert len({response.content for response in answers.values()}) == 1
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "not an address", "roles": ["staff"]}, "email"),
        ({"email": "x@example.org", "roles": ["emperor"]}, "roles"),
        ({"email": "x@example.org", "roles": []}, "roles"),
        ({"roles": ["staff"]}, "email"),
    ],
)
def test_bad_invitations_are_422_with_the_field(admin_client, organisation, payload, field):
    response = invite(admin_client, organisation, payload)
    assert response.status_code == 422
    assert any(name.split(".")[0] == field for name in error_of(response)["fields"])
    assert not Invitation.objects.exists()


def test_inviting_a_member_again_is_refused(admin_client, organisation, admin):
    response = invite(admin_client, organisation, {"email": admin.email, "roles": ["staff"]})
    assert response.status_code == 422
    assert "already a member" in str(error_of(response)["fields"]["email"])


def test_admins_take_a_role_away(admin_client, organisation):
    person = member(organisation, Role.STAFF)
    membership = Membership.objects.get(user=person)
    response = admin_client.delete(memberships_url(organisation, f"/{membership.pk}"))
    assert response.status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_admin_role_cannot_be_taken_away(admin_client, organisation, admin):
    membership = Membership.objects.get(user=admin)
    response = admin_client.delete(memberships_url(organisation, f"/{membership.pk}"))
    assert response.status_code == 422
    assert "at least one administrator" in error_of(response)["message"]
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_membership_of_another_organisation_is_404_through_this_one(admin_client, organisation):
    other = OrganisationFactory()
    outsider = member(other, Role.STAFF)
    membership = Membership.objects.get(user=outsider)
    response = admin_client.delete(memberships_url(organisation, f"/{membership.pk}"))
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_non_admins_cannot_delete_memberships(client, organisation):
    staff = member(organisation, Role.STAFF)
    client.force_login(staff)
    membership = Membership.objects.get(user=staff)
    response = client.delete(memberships_url(organisation, f"/{membership.pk}"))
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


def test_the_endpoints_are_documented(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get"} <= set(paths["/api/v1/organisations"])
    assert {"get", "post"} <= set(paths["/api/v1/organisations/{slug}/memberships"])
    assert "delete" in paths["/api/v1/organisations/{slug}/memberships/{membership_id}"]
    assert "get" in paths["/api/v1/organisations/{slug}/invitations"]
    assert "delete" in paths["/api/v1/organisations/{slug}/invitations/{invitation_id}"]


def test_admins_list_and_withdraw_invitations(admin_client, organisation):
    created = invite(admin_client, organisation, {"email": "ines@example.org", "roles": ["staff"]})
    invitation_id = created.json()["id"]
    body = admin_client.get(f"{BASE}/{organisation.slug}/invitations").json()
    assert [item["email"] for item in body["items"]] == ["ines@example.org"]
    response = admin_client.delete(f"{BASE}/{organisation.slug}/invitations/{invitation_id}")
    assert response.status_code == 204
    assert Invitation.objects.get(pk=invitation_id).revoked_at is not None
    assert admin_client.get(f"{BASE}/{organisation.slug}/invitations").json()["count"] == 0


def test_only_admins_see_and_withdraw_invitations(client, organisation, admin):
    invitation, _token = services.invitation_send(
        actor=admin, organisation=organisation, email="ines@example.org", roles=["staff"]
    )
    client.force_login(member(organisation, Role.STAFF))
    assert client.get(f"{BASE}/{organisation.slug}/invitations").status_code == 403
    response = client.delete(f"{BASE}/{organisation.slug}/invitations/{invitation.pk}")
    assert response.status_code == 403
    other = OrganisationFactory()
    client.force_login(member(other, Role.ADMIN))
    response = client.delete(f"{BASE}/{other.slug}/invitations/{invitation.pk}")
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_a_borrowed_browser_session_cannot_invite_with_roles_through_the_api(
    client, admin, organisation
):
    client.force_login(admin)  # the password was not entered lately
    response = client.post(
        memberships_url(organisation),
        {"email": "lea@example.org", "roles": ["admin"]},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "password" in error_of(response)["message"]
    assert not Invitation.objects.exists()
