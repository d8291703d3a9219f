"""An organisation's public page, and an org admin managing members, in a real browser with
and without JavaScript; axe checks every page on the way."""

import re

from playwright.sync_api import expect

from civiclab.organisations.models import Invitation, Membership
from civiclab.organisations.services import invitation_send
from tests.e2e.helpers import error_summary, link_in_last_email, sign_in
from tests.factories import DEFAULT_PASSWORD, OrganisationFactory, UserFactory, member


def test_anyone_finds_an_organisations_public_page(any_page, axe):
    page = any_page
    OrganisationFactory(name="City of Rivermouth", slug="rivermouth", population_served=182_000)

    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisations").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe(page)

    page.get_by_role("link", name="City of Rivermouth").first.click()
    expect(page).to_have_url(re.compile(r"/organisations/rivermouth/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("City of Rivermouth")
    expect(page.get_by_text("182,000")).to_be_visible()
    # A visitor sees the public profile, not the management links.
    expect(page.get_by_role("link", name="Members")).to_have_count(0)
    axe(page)


def test_an_admin_invites_changes_roles_and_removes_a_member(any_page, axe, mailoutbox):
    page = any_page
    organisation = OrganisationFactory(name="National Digital Agency", slug="nda")
    admin = member(organisation, "admin", display_name="Grace Osei")
    colleague = member(organisation, "staff", display_name="Tomas Novak")

    sign_in(page, axe, email=admin.email, password=DEFAULT_PASSWORD)
    page.goto("/organisations/nda/")
    axe(page)
    page.get_by_role("link", name="Members").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Members")
    expect(page.get_by_role("cell", name="Tomas Novak", exact=True)).to_be_visible()
    axe(page)

    # Invite: a form error first, then a proper invitation.
    page.get_by_role("link", name="Invite someone").click()
    axe(page)
    page.get_by_role("button", name="Send invitation").click()
    expect(error_summary(page)).to_contain_text("Enter the e-mail address")
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe(page)
    page.get_by_label("E-mail address").fill("lena.fischer@example.org")
    page.get_by_label("Evaluator").check()
    page.get_by_role("button", name="Send invitation").click()
    sent = page.get_by_text("An invitation has been sent to lena.fischer@example.org")
    expect(sent).to_be_visible()
    expect(page.get_by_role("cell", name="lena.fischer@example.org", exact=True)).to_be_visible()
    axe(page)
    assert Invitation.objects.filter(organisation=organisation, email="lena.fischer@example.org")
    assert "lena.fischer@example.org" in mailoutbox[-1].to

    # Change roles: staff becomes staff and moderator.
    page.get_by_role("link", name="Change roles of Tomas Novak").click()
    expect(page.get_by_label("Staff")).to_be_checked()
    axe(page)
    page.get_by_label("Moderator").check()
    page.get_by_role("button", name="Save roles").click()
    expect(page.get_by_text("Tomas Novak's roles have been saved.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Tomas Novak")
    expect(row).to_contain_text("Moderator")
    axe(page)
    assert set(
        Membership.objects.filter(organisation=organisation, user=colleague).values_list(
            "role", flat=True
        )
    ) == {"staff", "moderator"}

    # Remove, after a confirmation page.
    page.get_by_role("link", name="Remove Tomas Novak").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Remove Tomas Novak")
    axe(page)
    page.get_by_role("button", name="Yes, remove").click()
    expect(page.get_by_text("Tomas Novak has been removed from the organisation.")).to_be_visible()
    expect(page.get_by_role("cell", name="Tomas Novak", exact=True)).to_have_count(0)
    axe(page)
    assert not Membership.objects.filter(organisation=organisation, user=colleague).exists()

    # Every change is in the organisation's audit trail.
    page.get_by_role("link", name="Back to the organisation").click()
    page.get_by_role("link", name="Audit trail").click()
    trail = page.get_by_role("table")
    for action in ("Invitation sent", "Member's roles changed", "Member removed"):
        expect(trail).to_contain_text(action)
    axe(page)


def test_an_invited_person_follows_the_email_link_and_joins(any_page, axe, mailoutbox):
    page = any_page
    organisation = OrganisationFactory(name="City of Rivermouth", slug="rivermouth")
    admin = member(organisation, "admin", display_name="Grace Osei")
    invitee = UserFactory(display_name="Lena Fischer", email="lena.fischer@example.org")
    invitation_send(
        actor=admin, organisation=organisation, email=invitee.email, roles=["evaluator"]
    )

    page.goto(link_in_last_email("/organisations/invitations/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You are invited to join City of Rivermouth"
    )
    axe(page)
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    axe(page)
    page.get_by_label("E-mail address").fill(invitee.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Join City of Rivermouth")
    expect(page.get_by_role("main")).to_contain_text("Evaluator")
    axe(page)
    page.get_by_role("button", name="Accept invitation").click()

    expect(page.get_by_text("Welcome to City of Rivermouth.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("City of Rivermouth")
    axe(page)
    assert Membership.objects.filter(
        organisation=organisation, user=invitee, role="evaluator"
    ).exists()
