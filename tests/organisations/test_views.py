"""Organisation pages: the public list and profile, editing, members, invitations, switcher."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from civiclab.core.models import AuditEvent
from civiclab.organisations.middleware import SESSION_KEY
from civiclab.organisations.models import Invitation, Membership, Role, Sector
from civiclab.organisations.services import invitation_send
from tests.factories import OrganisationFactory, UserFactory, member, sign_in_recently

pytestmark = pytest.mark.django_db


def members_url(organisation):
    return reverse("organisations:members", kwargs={"slug": organisation.slug})


def roles_of(organisation, user):
    return set(
        Membership.objects.filter(organisation=organisation, user=user).values_list(
            "role", flat=True
        )
    )


@pytest.fixture
def admin_client(client, admin):
    # Role changes and invitations ask for the password again unless it was entered lately.
    return sign_in_recently(client, admin)


# Public list and profile -------------------------------------------------------------------------


def test_the_list_shows_active_organisations_only(client):
    OrganisationFactory(name="City of Ghent", country="BE")
    OrganisationFactory(name="Closed Agency", is_active=False)
    page = client.get(reverse("organisations:list")).content.decode()
    assert "City of Ghent" in page
    assert "Closed Agency" not in page


def test_the_list_filters_by_country_level_and_sector(client):
    ghent = OrganisationFactory(name="City of Ghent", country="BE", level="local")
    ghent.sectors.set([Sector.objects.get(code="06")])
    OrganisationFactory(name="Flemish Region", country="BE", level="regional")
    OrganisationFactory(name="City of Lyon", country="FR", level="local")
    url = reverse("organisations:list")

    def names(**query):
        page = client.get(url, query).content.decode()
        return {
            name
            for name in ("City of Ghent", "Flemish Region", "City of Lyon")
            if f">{name}</a>" in page
        }

    assert names() == {"City of Ghent", "Flemish Region", "City of Lyon"}
    assert names(country="BE") == {"City of Ghent", "Flemish Region"}
    assert names(country="BE", level="local") == {"City of Ghent"}
    assert names(sector="06") == {"City of Ghent"}
    assert names(level="supranational") == set()


def test_an_unknown_filter_value_is_reported_not_a_crash(client):
    OrganisationFactory(name="City of Ghent", country="BE")
    response = client.get(reverse("organisations:list"), {"level": "galactic"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_the_list_is_paginated(client):
    for _ in range(25):
        OrganisationFactory()
    first = client.get(reverse("organisations:list"))
    assert len(first.context["organisations"]) == 20
    second = client.get(reverse("organisations:list"), {"page": 2})
    assert len(second.context["organisations"]) == 5


def test_the_list_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    sectors = list(Sector.objects.all()[:3])
    for _ in range(3):
        OrganisationFactory().sectors.set(sectors)
    with django_assert_max_num_queries(6) as few:
        client.get(reverse("organisations:list"))
    for _ in range(15):
        OrganisationFactory().sectors.set(sectors)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("organisations:list"))


def test_the_public_page_shows_the_context(client):
    organisation = OrganisationFactory(
        name="City of Ghent",
        country="BE",
        level="local",
        population_served=265_000,
        governance_notes="A college of mayor and aldermen governs day to day.",
        website="https://stad.gent",
    )
    organisation.sectors.set([Sector.objects.get(code="10")])
    page = client.get(organisation.get_absolute_url()).content.decode()
    for text in (
        "City of Ghent",
        "Belgium",
        "Local",
        "Social protection",
        "265,000",
        "college of mayor and aldermen",
        "https://stad.gent",
    ):
        assert text in page
    assert "Edit profile" not in page


def test_inactive_organisations_are_not_found_by_visitors(client):
    organisation = OrganisationFactory(is_active=False)
    assert client.get(organisation.get_absolute_url()).status_code == 404


def test_admins_see_their_management_links(admin_client, organisation):
    page = admin_client.get(organisation.get_absolute_url()).content.decode()
    assert "Edit profile" in page
    assert members_url(organisation) in page
    assert reverse("organisations:audit", kwargs={"slug": organisation.slug}) in page


# Editing the profile -----------------------------------------------------------------------------


def test_an_admin_edits_the_profile(admin_client, organisation):
    url = reverse("organisations:edit", kwargs={"slug": organisation.slug})
    response = admin_client.post(
        url,
        {
            "name": "City of Example",
            "summary": "A port city.",
            "country": "NL",
            "level": "local",
            "population_served": "120000",
            "governance_notes": "",
            "time_zone": "Europe/Amsterdam",
            "website": "https://example.org",
            "sectors": ["04", "05"],
        },
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.summary == "A port city."
    assert set(organisation.sectors.values_list("code", flat=True)) == {"04", "05"}
    assert AuditEvent.objects.filter(action="organisations.updated").exists()


def test_profile_errors_are_shown_with_the_summary(admin_client, organisation):
    url = reverse("organisations:edit", kwargs={"slug": organisation.slug})
    response = admin_client.post(url, {"name": "", "country": "NL", "level": "local"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in page
    assert "There is a problem" in page


# Access ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["members", "audit", "edit", "invite"])
def test_anonymous_visitors_are_sent_to_sign_in(client, organisation, name):
    url = reverse(f"organisations:{name}", kwargs={"slug": organisation.slug})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=" in response["Location"]


@pytest.mark.parametrize("name", ["members", "audit", "edit", "invite"])
@pytest.mark.parametrize("who", ["staff", "citizen", "admin_elsewhere"])
def test_people_without_the_role_get_403(client, organisation, name, who):
    user = {
        "staff": lambda: member(organisation, Role.STAFF, Role.INNOVATION_LEAD),
        "citizen": UserFactory,
        "admin_elsewhere": lambda: member(OrganisationFactory(), Role.ADMIN),
    }[who]()
    client.force_login(user)
    url = reverse(f"organisations:{name}", kwargs={"slug": organisation.slug})
    assert client.get(url).status_code == 403


# Members -----------------------------------------------------------------------------------------


def test_the_members_page_lists_people_roles_and_invitations(admin_client, organisation, admin):
    colleague = member(organisation, Role.EVALUATOR, Role.STAFF, display_name="Ana Costa")
    invitation_send(
        actor=admin, organisation=organisation, email="new@example.org", roles=["staff"]
    )
    page = admin_client.get(members_url(organisation)).content.decode()
    assert "Ana Costa" in page
    assert colleague.email in page
    assert re.search(r'class="tag[^"]*">Evaluator<', page)
    assert "new@example.org" in page
    assert "Withdraw" in page


def test_the_members_page_query_count_does_not_grow(
    admin_client, organisation, admin, django_assert_max_num_queries
):
    member(organisation, Role.STAFF)
    with django_assert_max_num_queries(20) as few:
        admin_client.get(members_url(organisation))
    for _ in range(10):
        member(organisation, Role.STAFF, Role.EVALUATOR)
        invitation_send(
            actor=admin,
            organisation=organisation,
            email=f"{UserFactory.build().email}",
            roles=["staff"],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(members_url(organisation))


def test_an_admin_changes_roles(admin_client, organisation):
    person = member(organisation, Role.STAFF)
    url = reverse(
        "organisations:member_roles", kwargs={"slug": organisation.slug, "user_id": person.pk}
    )
    page = admin_client.get(url).content.decode()
    assert 'type="checkbox"' in page
    response = admin_client.post(url, {"roles": ["staff", "moderator"]})
    assert response.status_code == 302
    assert roles_of(organisation, person) == {"staff", "moderator"}


def test_the_last_admin_sees_a_clear_error_when_dropping_admin(admin_client, organisation, admin):
    url = reverse(
        "organisations:member_roles", kwargs={"slug": organisation.slug, "user_id": admin.pk}
    )
    response = admin_client.post(url, {"roles": ["staff"]})
    page = response.content.decode()
    assert response.status_code == 200
    assert "needs at least one administrator" in page
    assert "There is a problem" in page
    assert roles_of(organisation, admin) == {"admin"}


def test_removing_a_member_asks_for_confirmation_first(admin_client, organisation):
    person = member(organisation, Role.STAFF, display_name="Ben Okafor")
    url = reverse(
        "organisations:member_remove", kwargs={"slug": organisation.slug, "user_id": person.pk}
    )
    page = admin_client.get(url).content.decode()
    assert "Remove Ben Okafor" in page
    assert roles_of(organisation, person) == {"staff"}
    response = admin_client.post(url)
    assert response.status_code == 302
    assert roles_of(organisation, person) == set()


def test_the_last_admin_cannot_remove_themselves(admin_client, organisation, admin):
    url = reverse(
        "organisations:member_remove", kwargs={"slug": organisation.slug, "user_id": admin.pk}
    )
    response = admin_client.post(url)
    assert response.status_code == 400
    assert "needs at least one administrator" in response.content.decode()
    assert roles_of(organisation, admin) == {"admin"}


def test_people_outside_the_organisation_are_not_found_on_member_pages(admin_client, organisation):
    stranger = UserFactory()
    url = reverse(
        "organisations:member_roles", kwargs={"slug": organisation.slug, "user_id": stranger.pk}
    )
    assert admin_client.get(url).status_code == 404


# Invitations -------------------------------------------------------------------------------------


def invite_url(organisation):
    return reverse("organisations:invite", kwargs={"slug": organisation.slug})


def test_an_admin_invites_someone_by_email(
    admin_client, organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            invite_url(organisation), {"email": "lea@example.org", "roles": ["evaluator"]}
        )
    assert response.status_code == 302
    assert Invitation.objects.get().email == "lea@example.org"
    assert "/organisations/invitations/" in mail.outbox[0].body


def test_invitation_form_errors(admin_client, organisation):
    response = admin_client.post(invite_url(organisation), {"email": "not-an-address"})
    page = response.content.decode()
    assert "<title>Error:" in page
    assert "Choose at least one role." in page
    assert not Invitation.objects.exists()


def test_an_admin_withdraws_an_invitation(admin_client, organisation, admin):
    invitation, _token = invitation_send(
        actor=admin, organisation=organisation, email="lea@example.org", roles=["staff"]
    )
    url = reverse(
        "organisations:invitation_withdraw",
        kwargs={"slug": organisation.slug, "pk": invitation.pk},
    )
    assert admin_client.get(url).status_code == 405
    assert admin_client.post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def accept_url(token):
    return reverse("organisations:accept_invitation", kwargs={"token": token})


def test_anonymous_invitees_are_offered_sign_in_with_a_way_back(client, organisation, admin):
    _invitation, token = invitation_send(
        actor=admin, organisation=organisation, email="lea@example.org", roles=["staff"]
    )
    page = client.get(accept_url(token)).content.decode()
    assert organisation.name in page
    assert reverse("accounts:login") + "?next=" in page
    assert client.post(accept_url(token)).status_code == 200
    assert not Membership.objects.filter(user__email="lea@example.org").exists()


def test_the_invitee_accepts_the_invitation(client, organisation, admin):
    _invitation, token = invitation_send(
        actor=admin, organisation=organisation, email="lea@example.org", roles=["staff"]
    )
    lea = UserFactory(email="lea@example.org")
    client.force_login(lea)
    assert "Accept invitation" in client.get(accept_url(token)).content.decode()
    response = client.post(accept_url(token))
    assert response.status_code == 302
    assert response["Location"] == organisation.get_absolute_url()
    assert roles_of(organisation, lea) == {"staff"}


def test_another_account_cannot_accept_and_is_told_why(client, organisation, admin):
    _invitation, token = invitation_send(
        actor=admin, organisation=organisation, email="lea@example.org", roles=["staff"]
    )
    client.force_login(UserFactory(email="someone.else@example.org"))
    page = client.get(accept_url(token)).content.decode()
    assert "different e-mail address" in page
    response = client.post(accept_url(token))
    assert response.status_code == 400
    assert not Membership.objects.filter(organisation=organisation, role="staff").exists()


def test_a_bad_link_gets_a_clear_page(client):
    response = client.get(accept_url("made-up"))
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


# Switcher ----------------------------------------------------------------------------------------


def test_switching_to_an_organisation_of_mine(client):
    first, second = OrganisationFactory(), OrganisationFactory()
    user = member(first, Role.STAFF)
    Membership.objects.create(organisation=second, user=user, role=Role.STAFF)
    client.force_login(user)
    response = client.post(
        reverse("organisations:switch"), {"organisation": second.pk, "next": "/organisations/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/organisations/"
    assert client.session[SESSION_KEY] == second.pk


def test_switching_ignores_unsafe_next(client, organisation):
    client.force_login(member(organisation, Role.STAFF))
    response = client.post(
        reverse("organisations:switch"),
        {"organisation": organisation.pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == organisation.get_absolute_url()


def test_switching_to_someone_elses_organisation_is_refused(client, organisation):
    client.force_login(member(OrganisationFactory(), Role.ADMIN))
    response = client.post(reverse("organisations:switch"), {"organisation": organisation.pk})
    assert response.status_code == 403
    assert SESSION_KEY not in client.session


def test_switching_needs_post_and_sign_in(client, organisation):
    assert client.get(reverse("organisations:switch")).status_code == 405
    response = client.post(reverse("organisations:switch"), {"organisation": organisation.pk})
    assert response["Location"].startswith(reverse("accounts:login"))


def test_other_apps_add_sections_to_the_public_page(client, organisation, tmp_path, settings):
    from civiclab.core import page_sections

    template = "<h2>Open challenges of {{ organisation.name }}</h2>{{ count }}"
    (tmp_path / "extra_section.html").write_text(template)
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path]},
    ]
    page_sections.register(
        page_sections.ORGANISATION,
        "extra_section.html",
        get_context=lambda request, org: {"count": 3},
    )
    try:
        page = client.get(organisation.get_absolute_url()).content.decode()
    finally:
        page_sections.unregister(page_sections.ORGANISATION, "extra_section.html")
    assert f"<h2>Open challenges of {organisation.name}</h2>3" in page


def test_the_link_in_the_email_leads_to_membership(
    client, organisation, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(
            actor=admin, organisation=organisation, email="lea@example.org", roles=["moderator"]
        )
    link = re.search(r"https?://\S+/organisations/invitations/\S+/", mail.outbox[0].body)[0]
    path = link.split("://", 1)[1].split("/", 1)[1]
    lea = UserFactory(email="lea@example.org")
    client.force_login(lea)
    client.post("/" + path)
    assert roles_of(organisation, lea) == {"moderator"}


def test_an_unconfirmed_invitee_is_told_to_confirm_first(client, organisation, admin):
    _invitation, token = invitation_send(
        actor=admin, organisation=organisation, email="lea@example.org", roles=["moderator"]
    )
    client.force_login(UserFactory(email="lea@example.org", email_confirmed_at=None))
    page = client.get(accept_url(token)).content.decode()
    assert "Confirm your e-mail address" in page
    assert reverse("accounts:resend_confirmation") in page
    assert 'type="submit">Accept invitation' not in page
    response = client.post(accept_url(token))
    assert response.status_code == 400
    assert "Confirm your e-mail address" in response.content.decode()
    assert not Membership.objects.filter(organisation=organisation, role="moderator").exists()
