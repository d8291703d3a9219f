"""The challenge journeys in a real browser, with and without JavaScript, axe on every page:
a citizen submits an idea and is shown a similar one, an evaluator scores it blind, the
innovation lead shortlists it, a decision maker selects it with a reason, and the author
reads the decision on the idea's page.

The data is made with factories and services inside the test (not the demo seed); between
steps the clock moves on into the challenge's next phase (time-machine moves it for the live
server's thread too, since it patches the whole process).
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from civiclab.challenges.models import Idea, IdeaStatus, StatusChange
from civiclab.challenges.services.evaluation import assignments_add, criterion_save
from civiclab.challenges.services.status import idea_set_status
from civiclab.ledger.models import Entry
from tests.challenges.factories import ChallengeFactory, IdeaFactory, moment_in
from tests.e2e.helpers import error_summary, sign_in
from tests.factories import DEFAULT_PASSWORD, OrganisationFactory, UserFactory, member

AUTHOR_NAME = "Nadia Rahman"
TITLE = "Solar lamps on the canal towpath"
SUMMARY = "Put solar-powered lamps along the canal towpath so that it feels safe after dark."
SHORTLIST_REASON = "Cheap to install and the towpath is the route residents fear most."
SELECT_REASON = "Selected for a six-month pilot between the station and Mill Bridge."


@pytest.fixture
def city():
    organisation = OrganisationFactory(name="City of Rivermouth", slug="rivermouth")
    people = {
        "lead": member(organisation, "innovation_lead", display_name="Tom Gallagher"),
        "decision_maker": member(organisation, "decision_maker", display_name="Margaret Osei"),
        "evaluator": member(organisation, "evaluator", display_name="Rajesh Patel"),
        "author": UserFactory(display_name=AUTHOR_NAME),
    }
    challenge = ChallengeFactory(
        organisation=organisation,
        title="How might we make the canal towpath safer after dark?",
        slug="safer-towpath",
    )
    IdeaFactory(
        challenge=challenge,
        title="Solar lights along the canal towpath",
        summary="Motion-sensing solar lights on the dark stretch of the canal towpath.",
        description="Solar lights on the canal towpath between the station and the bridge.",
    )
    return organisation, challenge, people


def switch_to(page, axe, user) -> None:
    page.context.clear_cookies()
    sign_in(page, axe, email=user.email, password=DEFAULT_PASSWORD)


def test_an_idea_goes_from_submission_to_selection_and_its_author_sees_why(
    any_page, axe, city, time_machine
):
    page = any_page
    _organisation, challenge, people = city
    javascript = page.javascript_enabled

    # A citizen submits an idea; the form points out the one like it.
    switch_to(page, axe, people["author"])
    page.goto(challenge.get_absolute_url())
    axe(page)
    page.goto(
        reverse("challenges:idea_create", kwargs={"org_slug": "rivermouth", "slug": challenge.slug})
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit an idea")
    axe(page)
    page.get_by_label("Title").fill(TITLE)
    # Typed key by key: the suggestions follow the keyboard.
    page.get_by_label("Summary").press_sequentially(SUMMARY)
    if javascript:
        # Suggested while typing, before anything is sent.
        suggestions = page.locator("#similar-ideas")
        expect(
            suggestions.get_by_role("link", name=re.compile("Solar lights along"))
        ).to_be_visible()
        axe(page)
    page.get_by_label("Description").fill(
        "The towpath between the station and Mill Bridge has no lighting at all. Twelve "
        "solar lamps with motion sensors would light it for people walking home."
    )
    page.get_by_role("button", name="Submit idea").click()
    # Without JavaScript (and with it) a first submit asks before saving.
    expect(page.get_by_role("heading", name="Did you mean one of these?")).to_be_visible()
    expect(page.get_by_role("link", name="Solar lights along the canal towpath")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Submit my idea anyway").click()
    expect(page.get_by_text("Thank you: your idea has been submitted.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    axe(page)
    idea = Idea.objects.get(title=TITLE)
    assert idea.author == people["author"]

    # Submissions close; the lead puts the idea under review and assigns an evaluator.
    time_machine.move_to(moment_in(challenge, "review"))
    idea_set_status(
        actor=people["lead"], idea=idea, status="under_review", reason="Submissions have closed."
    )
    for name, weight, lower_is_better in (
        ("Impact on safety", 3, False),
        ("Cost", 1, True),
        ("Ready within a year", 2, False),
    ):
        criterion_save(
            actor=people["lead"],
            challenge=challenge,
            name=name,
            weight=weight,
            lower_is_better=lower_is_better,
        )
    assignments_add(actor=people["lead"], idea=idea, evaluators=[people["evaluator"]])

    # The evaluator scores it without seeing who wrote it.
    switch_to(page, axe, people["evaluator"])
    page.goto(reverse("challenges:my_evaluations", kwargs={"org_slug": "rivermouth"}))
    axe(page)
    page.goto(reverse("challenges:evaluate", kwargs={"org_slug": "rivermouth", "pk": idea.pk}))
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.get_by_text("Blind review: the authors are not shown.")).to_be_visible()
    assert AUTHOR_NAME not in page.content()
    axe(page)
    for criterion, score in (
        ("Impact on safety", "4"),
        ("Cost", "2"),
        ("Ready within a year", "5"),
    ):
        page.get_by_role("group", name=criterion).get_by_label(score, exact=True).check()
    page.get_by_role("button", name="Submit evaluation").click()
    page.wait_for_load_state("load")
    assert AUTHOR_NAME not in page.content()
    axe(page)
    idea.refresh_from_db()
    assert idea.score is not None

    # The lead shortlists it from the results.
    switch_to(page, axe, people["lead"])
    results_url = reverse(
        "challenges:evaluation_results", kwargs={"org_slug": "rivermouth", "slug": challenge.slug}
    )
    page.goto(results_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Evaluation results")
    axe(page)
    page.get_by_role("link", name=f"Shortlist {TITLE}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Shortlist")
    axe(page)
    page.get_by_label("Reason").fill(SHORTLIST_REASON)
    page.get_by_role("button", name="Shortlist the idea").click()
    page.wait_for_load_state("load")
    axe(page)
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SHORTLISTED

    # The selection phase opens; the decision maker selects it, with a reason.
    time_machine.move_to(moment_in(challenge, "selection"))
    switch_to(page, axe, people["decision_maker"])
    page.goto(results_url)
    axe(page)
    page.get_by_role("link", name=f"Select {TITLE}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Select")
    axe(page)
    page.get_by_role("button", name="Select the idea").click()
    expect(error_summary(page)).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe(page)
    page.get_by_label("Reason").fill(SELECT_REASON)
    page.get_by_role("button", name="Select the idea").click()
    expect(page.get_by_text("Selection recorded")).to_be_visible()
    axe(page)
    change = StatusChange.objects.get(idea=idea, to_status=IdeaStatus.SELECTED)
    assert change.actor == people["decision_maker"]
    assert Entry.objects.filter(seq=change.ledger_sequence, kind="idea.selected").exists()

    # The author reads where the idea stands and why.
    switch_to(page, axe, people["author"])
    page.goto(idea.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Selected", exact=True).first).to_be_visible()
    expect(page.get_by_text(SELECT_REASON).first).to_be_visible()
    axe(page)
