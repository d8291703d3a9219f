"""The home page in a real browser, with and without JavaScript, axe on every page: a visitor
sees live public content, a citizen what became of their idea, and an evaluator, a moderator,
a lead and a decision maker each find their work on their workspace and follow its link to
the page where they do it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from civiclab.challenges.models import IdeaStatus, PhaseKind
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.challenges.test_evaluation_support import assign, scorecard_with_criteria
from tests.discussion.factories import FlagFactory
from tests.e2e.helpers import sign_in
from tests.factories import DEFAULT_PASSWORD, OrganisationFactory, UserFactory, member


@pytest.fixture
def city():
    organisation = OrganisationFactory(name="City of Rivermouth", slug="rivermouth")
    people = {
        "evaluator": member(organisation, "evaluator", display_name="Rajesh Patel"),
        "moderator": member(organisation, "moderator", display_name="Claire Dubois"),
        "lead": member(organisation, "innovation_lead", display_name="Tom Gallagher"),
        "decision_maker": member(organisation, "decision_maker", display_name="Margaret Osei"),
        "citizen": UserFactory(display_name="Amira Haddad"),
    }
    open_challenge = ChallengeFactory(
        organisation=organisation, title="How might we cut fly-tipping?", slug="fly-tipping"
    )
    reviewing = ChallengeFactory(
        organisation=organisation,
        title="How might we make the towpath safer?",
        slug="towpath",
        phase=PhaseKind.REVIEW,
    )
    selecting = ChallengeFactory(
        organisation=organisation,
        title="How might we speed up repairs?",
        slug="repairs",
        phase=PhaseKind.SELECTION,
    )
    scorecard_with_criteria(reviewing)
    for idea in IdeaFactory.create_batch(2, challenge=reviewing):
        assign(idea, people["evaluator"])
    FlagFactory(item=IdeaFactory(challenge=open_challenge, title="A reported idea"))
    IdeaFactory(challenge=selecting, status=IdeaStatus.SHORTLISTED, title="Repair huddles")
    IdeaFactory(
        challenge=open_challenge,
        author=people["citizen"],
        title="Pop-up tip days",
        status=IdeaStatus.DECLINED,
        status_reason="The depot cannot open at weekends.",
    )
    return organisation, people


def open_workspace(page, axe, person):
    page.context.clear_cookies()
    sign_in(page, axe, email=person.email, password=DEFAULT_PASSWORD)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your workspace")
    axe(page)


def test_each_role_finds_its_work_on_the_workspace_and_follows_it(any_page, axe, city):
    page = any_page
    organisation, people = city

    page.goto("/")
    expect(page.get_by_role("heading", name="Open for ideas now")).to_be_visible()
    expect(page.get_by_role("link", name="How might we cut fly-tipping?")).to_be_visible()
    expect(page.get_by_role("heading", name="Taking part, in figures")).to_be_visible()
    axe(page)

    open_workspace(page, axe, people["citizen"])
    expect(page.get_by_text("Why: The depot cannot open at weekends.")).to_be_visible()
    expect(page.get_by_role("heading", name="Ideas to score")).to_have_count(0)

    open_workspace(page, axe, people["evaluator"])
    page.get_by_role("link", name="How might we make the towpath safer?").click()
    assert page.url.split("#")[0].endswith(
        reverse("challenges:my_evaluations", args=[organisation.slug])
    )
    expect(page.get_by_role("heading", name="How might we make the towpath safer?")).to_be_visible()
    expect(page.get_by_text("2 to score")).to_be_visible()
    axe(page)

    open_workspace(page, axe, people["moderator"])
    expect(page.get_by_text("1 report waits for review")).to_be_visible()
    page.get_by_role("link", name="Moderation queue of City of Rivermouth").click()
    expect(page.get_by_text("A reported idea").first).to_be_visible()
    axe(page)

    open_workspace(page, axe, people["lead"])
    section = page.get_by_role("region", name="Challenges you run")
    expect(section.get_by_role("link")).to_have_count(3)
    section.get_by_role("link", name="How might we speed up repairs?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How might we speed up repairs?")
    axe(page)

    open_workspace(page, axe, people["decision_maker"])
    expect(page.get_by_text("You can decide now")).to_be_visible()
    page.get_by_role("link", name="How might we speed up repairs?", exact=True).click()
    expect(page.get_by_text("Repair huddles").first).to_be_visible()
    axe(page)
