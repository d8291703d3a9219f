"""The home page: a signed-in person's workspace (what waits for them, by role and
organisation) and what a visitor sees (live public content, counted over what is public)."""

import json
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from civiclab.challenges.models import (
    Audience,
    CoAuthor,
    CoAuthorStatus,
    Event,
    EventKind,
    EventRegistration,
    IdeaStatus,
    PhaseKind,
    RegistrationStatus,
    Support,
)
from civiclab.core import page_sections
from civiclab.ledger.services import ledger_append
from civiclab.organisations.models import Invitation, Membership, Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.challenges.test_evaluation_support import assign, scorecard_with_criteria, submit
from tests.discussion.factories import FlagFactory
from tests.factories import OrganisationFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def home(client, user=None) -> str:
    if user is not None:
        client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def invite(organisation, email, *roles):
    return Invitation.objects.create(
        organisation=organisation,
        email=email,
        roles=list(roles) or [Role.STAFF],
        digest=f"digest-{organisation.pk}-{email}",
        expires_at=timezone.now() + timedelta(days=7),
    )


def register(user, challenge, status=RegistrationStatus.CONFIRMED, *, days=3, title="Workshop"):
    start = timezone.now() + timedelta(days=days)
    event = Event.objects.create(
        challenge=challenge,
        kind=EventKind.WORKSHOP,
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
    )
    return EventRegistration.objects.create(event=event, user=user, status=status)


def flag_idea(idea, count=1):
    for _ in range(count):
        FlagFactory(item=idea)


@pytest.fixture
def organisation():
    return OrganisationFactory(name="City of Rivermouth")


# --- the blocks each role sees ---------------------------------------------------------------


def test_an_evaluator_sees_the_ideas_left_to_score_per_challenge_with_a_link(client, organisation):
    challenge = ChallengeFactory(organisation=organisation, phase=PhaseKind.REVIEW)
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    evaluator = member(organisation, Role.EVALUATOR)
    ideas = IdeaFactory.create_batch(3, challenge=challenge)
    submit(assign(ideas[0], evaluator), {impact: 3, cost: 3})
    assign(ideas[1], evaluator)
    assign(ideas[2], evaluator)

    html = home(client, evaluator)

    assert "Ideas to score" in html
    assert "2 ideas to score, of 3 assigned to you" in html
    url = reverse("challenges:my_evaluations", args=[organisation.slug])
    assert f'href="{url}#challenge-{challenge.pk}"' in html


def test_an_evaluator_with_everything_submitted_is_told_so(client, organisation):
    challenge = ChallengeFactory(organisation=organisation, phase=PhaseKind.REVIEW)
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    evaluator = member(organisation, Role.EVALUATOR)
    submit(assign(IdeaFactory(challenge=challenge), evaluator), {impact: 1, cost: 1})

    html = home(client, evaluator)

    assert "Nothing waits for your scores: you have submitted your 1 evaluation." in html


def test_ideas_to_score_never_name_the_authors_during_blind_review(client, organisation):
    challenge = ChallengeFactory(organisation=organisation, phase=PhaseKind.REVIEW)
    scorecard_with_criteria(challenge, blind=True)
    evaluator = member(organisation, Role.EVALUATOR)
    author = UserFactory(display_name="Zebedee Quillfeather", email="zebedee@example.org")
    assign(IdeaFactory(challenge=challenge, author=author), evaluator)

    html = home(client, evaluator)

    assert "1 idea to score" in html
    assert "Zebedee" not in html and "zebedee@example.org" not in html


def test_a_removed_evaluator_no_longer_sees_their_old_assignments(client, organisation):
    challenge = ChallengeFactory(organisation=organisation, phase=PhaseKind.REVIEW)
    scorecard_with_criteria(challenge)
    evaluator = member(organisation, Role.EVALUATOR, Role.STAFF)
    assign(IdeaFactory(challenge=challenge), evaluator)
    Membership.objects.filter(user=evaluator, role=Role.EVALUATOR).delete()

    html = home(client, evaluator)

    assert "Ideas to score" not in html


def test_a_moderator_sees_the_reports_waiting_in_each_organisation_they_moderate(client):
    rivermouth = OrganisationFactory(name="City of Rivermouth")
    eastport = OrganisationFactory(name="Eastport Council")
    moderator = member(rivermouth, Role.MODERATOR)
    Membership.objects.create(user=moderator, organisation=eastport, role=Role.ADMIN)
    flag_idea(IdeaFactory(challenge=ChallengeFactory(organisation=rivermouth)), 2)
    flag_idea(IdeaFactory(challenge=ChallengeFactory(organisation=OrganisationFactory())), 5)

    html = home(client, moderator)

    assert "Reports to moderate" in html
    queue = reverse("discussion:moderation_queue", kwargs={"org_slug": rivermouth.slug})
    assert f'href="{queue}"' in html
    assert "2 reports wait for review" in html
    assert "0 reports wait for review" in html  # Eastport's queue is empty
    assert "5 reports" not in html  # another organisation's reports are not counted


def test_reports_on_comments_count_in_the_organisation_of_the_commented_idea(client):
    from tests.discussion.factories import CommentFactory

    organisation = OrganisationFactory()
    moderator = member(organisation, Role.MODERATOR)
    comment = CommentFactory(
        target=IdeaFactory(challenge=ChallengeFactory(organisation=organisation))
    )
    FlagFactory(item=comment)
    FlagFactory(item=comment)

    html = home(client, moderator)

    assert "2 reports wait for review" in html


def test_a_removed_moderator_does_not_see_their_former_organisations_queue(client, organisation):
    moderator = member(organisation, Role.MODERATOR, Role.STAFF)
    flag_idea(IdeaFactory(challenge=ChallengeFactory(organisation=organisation)), 3)
    Membership.objects.filter(user=moderator, role=Role.MODERATOR).delete()

    html = home(client, moderator)

    assert "Reports to moderate" not in html
    assert reverse("discussion:moderation_queue", kwargs={"org_slug": organisation.slug}) not in (
        html
    )


def test_a_decision_maker_sees_shortlisted_ideas_per_challenge_and_when_they_may_decide(
    client, organisation
):
    selecting = ChallengeFactory(organisation=organisation, phase=PhaseKind.SELECTION)
    reviewing = ChallengeFactory(organisation=organisation, phase=PhaseKind.REVIEW)
    IdeaFactory.create_batch(2, challenge=selecting, status=IdeaStatus.SHORTLISTED)
    IdeaFactory(challenge=reviewing, status=IdeaStatus.SHORTLISTED)
    IdeaFactory(challenge=reviewing, status=IdeaStatus.SUBMITTED)
    decider = member(organisation, Role.DECISION_MAKER)

    html = home(client, decider)

    assert "Shortlisted ideas awaiting your decision" in html
    assert "2 shortlisted ideas" in html and "1 shortlisted idea<" in html
    assert '<span class="tag tag--blue">3</span>' in html
    assert html.count("You can decide now") == 1
    kwargs = {"org_slug": organisation.slug, "slug": selecting.slug}
    shortlist = reverse("challenges:idea_list", kwargs=kwargs) + "?status=shortlisted"
    assert f'href="{shortlist}"' in html
    assert f'href="{reverse("challenges:evaluation_results", kwargs=kwargs)}"' in html
    # The challenge whose selection runs now comes first.
    assert html.index(selecting.title) < html.index(reviewing.title)


def test_a_decision_maker_with_nothing_shortlisted_sees_a_clear_empty_state(client, organisation):
    html = home(client, member(organisation, Role.DECISION_MAKER))
    assert "No shortlisted idea waits for your decision." in html


def test_a_former_decision_maker_sees_no_shortlist(client, organisation):
    challenge = ChallengeFactory(organisation=organisation, phase=PhaseKind.SELECTION)
    IdeaFactory(challenge=challenge, status=IdeaStatus.SHORTLISTED)
    person = member(organisation, Role.DECISION_MAKER, Role.STAFF)
    Membership.objects.filter(user=person, role=Role.DECISION_MAKER).delete()

    assert "Shortlisted ideas awaiting your decision" not in home(client, person)


def test_a_lead_sees_the_challenges_they_run_with_their_phase_drafts_included(client, organisation):
    running = ChallengeFactory(organisation=organisation, phase=PhaseKind.SUBMISSION)
    draft = ChallengeFactory(organisation=organisation, draft=True, title="A draft challenge")
    closed = ChallengeFactory(organisation=organisation, phase=PhaseKind.CLOSED)
    other = ChallengeFactory(title="Someone else's challenge")
    lead = member(organisation, Role.INNOVATION_LEAD)

    html = home(client, lead)

    assert "Challenges you run" in html
    assert running.title in html and draft.title in html and closed.title in html
    assert other.title not in html
    assert "Draft" in html and "Open for ideas" in html
    assert html.index(draft.title) < html.index(closed.title)
    assert "Idea box" not in html


def test_a_citizen_sees_their_ideas_with_what_became_of_them_and_their_events(client):
    citizen = UserFactory()
    challenge = ChallengeFactory()
    IdeaFactory(
        challenge=challenge,
        author=citizen,
        title="Benches by the river",
        status=IdeaStatus.DECLINED,
        status_reason="The riverbank floods every winter.",
    )
    cowritten = IdeaFactory(challenge=challenge, title="Cowritten lamps")
    CoAuthor.objects.create(idea=cowritten, user=citizen, status=CoAuthorStatus.ACCEPTED)
    register(citizen, challenge, RegistrationStatus.WAITING, title="Street design workshop")

    html = home(client, citizen)

    assert "Benches by the river" in html and "Declined" in html
    assert "The riverbank floods every winter." in html
    assert "Cowritten lamps" in html
    assert "Street design workshop" in html and "On the waiting list" in html
    # A citizen has no role: none of the staff blocks shows.
    for block in ("Ideas to score", "Reports to moderate", "Challenges you run", "Shortlisted"):
        assert block not in html


def test_a_citizen_without_ideas_gets_an_empty_state_that_leads_somewhere(client):
    html = home(client, UserFactory())
    assert "You have not shared an idea yet" in html
    assert f'href="{reverse("organisations:list")}"' in html


def test_past_and_cancelled_event_registrations_are_not_listed(client):
    citizen = UserFactory()
    register(citizen, ChallengeFactory(), days=-5, title="Last month's hackathon")
    register(citizen, ChallengeFactory(), RegistrationStatus.CANCELLED, title="Cancelled panel")

    html = home(client, citizen)

    assert "Events you registered for" not in html


def test_ideas_and_events_of_a_staff_only_challenge_go_when_the_person_leaves(client, organisation):
    challenge = ChallengeFactory(organisation=organisation, audience=Audience.STAFF)
    person = member(organisation, Role.STAFF)
    IdeaFactory(challenge=challenge, author=person, title="Internal canteen idea")
    register(person, challenge, title="Internal hack day")
    Membership.objects.filter(user=person).delete()

    html = home(client, person)

    assert "Internal canteen idea" not in html and "Internal hack day" not in html


def test_co_author_invitations_wait_on_the_workspace_with_a_link_to_answer(client):
    person = UserFactory()
    idea = IdeaFactory(title="Shared gardens")
    CoAuthor.objects.create(idea=idea, user=person, status=CoAuthorStatus.INVITED)

    html = home(client, person)

    assert "Invitations to co-write an idea" in html
    assert f'href="{idea.get_absolute_url()}"' in html


def test_a_co_author_invitation_to_a_hidden_idea_does_not_show(client):
    person = UserFactory()
    idea = IdeaFactory(title="Reported and hidden", is_hidden=True)
    CoAuthor.objects.create(idea=idea, user=person, status=CoAuthorStatus.INVITED)

    html = home(client, person)

    assert "Invitations to co-write an idea" not in html and "Reported and hidden" not in html


def test_a_deactivated_organisation_puts_no_work_on_the_workspace(client, organisation):
    challenge = ChallengeFactory(organisation=organisation, phase=PhaseKind.SELECTION)
    IdeaFactory(challenge=challenge, status=IdeaStatus.SHORTLISTED)
    flag_idea(IdeaFactory(challenge=challenge))
    person = member(organisation, Role.DECISION_MAKER, Role.MODERATOR, Role.INNOVATION_LEAD)
    organisation.is_active = False
    organisation.save()

    html = home(client, person)

    for block in ("Shortlisted ideas awaiting", "Reports to moderate", "Challenges you run"):
        assert block not in html


def test_organisation_invitations_show_only_to_an_account_that_confirmed_the_address(client):
    organisation = OrganisationFactory(name="Harbour Authority")
    confirmed = UserFactory(email="kim@example.org")
    unconfirmed = UserFactory(email="lee@example.org", email_confirmed_at=None)
    invite(organisation, "KIM@example.org", Role.EVALUATOR)
    invite(organisation, "lee@example.org", Role.EVALUATOR)

    html = home(client, confirmed)
    assert "Invitations to join an organisation" in html
    assert "Harbour Authority" in html and "Evaluator" in html

    client.logout()
    html = home(client, unconfirmed)
    assert "Invitations to join an organisation" not in html
    assert "Harbour Authority" not in html


def test_withdrawn_accepted_and_expired_invitations_do_not_wait(client):
    person = UserFactory(email="sam@example.org")
    withdrawn = invite(OrganisationFactory(), person.email)
    withdrawn.revoked_at = timezone.now()
    withdrawn.save()
    expired = invite(OrganisationFactory(), person.email)
    expired.expires_at = timezone.now() - timedelta(days=1)
    expired.save()

    assert "Invitations to join an organisation" not in home(client, person)


# --- query counts ----------------------------------------------------------------------------


def everyone_at_once(organisation):
    """A person holding every role, with work waiting in every block."""
    person = member(organisation, *Role.values)
    reviewing = ChallengeFactory(organisation=organisation, phase=PhaseKind.REVIEW)
    selecting = ChallengeFactory(organisation=organisation, phase=PhaseKind.SELECTION)
    _card, (impact, cost) = scorecard_with_criteria(reviewing)
    for idea in IdeaFactory.create_batch(3, challenge=reviewing):
        assign(idea, person)
    submit(assign(IdeaFactory(challenge=reviewing), person), {impact: 2, cost: 2})
    IdeaFactory.create_batch(2, challenge=selecting, status=IdeaStatus.SHORTLISTED)
    flag_idea(IdeaFactory(challenge=reviewing), 2)
    IdeaFactory.create_batch(3, challenge=reviewing, author=person)
    CoAuthor.objects.create(
        idea=IdeaFactory(challenge=selecting), user=person, status=CoAuthorStatus.INVITED
    )
    register(person, selecting)
    invite(OrganisationFactory(), person.email, Role.STAFF)
    return person


def warm_up(client):
    """The first request loads what every process caches once (content types, sessions)."""
    ContentType.objects.clear_cache()
    client.get("/")
    for model in (Support,):
        ContentType.objects.get_for_model(model)


def test_the_workspace_of_a_person_with_every_role_costs_a_fixed_number_of_queries(
    client, organisation, django_assert_num_queries
):
    person = everyone_at_once(organisation)
    client.force_login(person)
    warm_up(client)

    # Session and user 2, the person's roles everywhere 1, organisation invitations 1,
    # co-author invitations 1, ideas to score 2 (challenges, phases), moderation 3
    # (organisations, flags, the reported ideas' organisations), decisions 2, challenges run
    # 3 (count, challenges, phases), ideas 2 (by status, newest), events 1, memberships 1,
    # the organisation switcher 1.
    with django_assert_num_queries(EXPECTED_EVERY_ROLE):
        html = client.get("/").content.decode()
    for block in (
        "Invitations to join an organisation",
        "Invitations to co-write an idea",
        "Ideas to score",
        "Reports to moderate",
        "Shortlisted ideas awaiting your decision",
        "Challenges you run",
        "Your ideas",
        "Events you registered for",
        "Your organisations",
    ):
        assert block in html


def test_the_workspace_of_a_citizen_costs_a_fixed_number_of_queries(
    client, django_assert_num_queries
):
    citizen = UserFactory()
    challenge = ChallengeFactory()
    IdeaFactory.create_batch(4, challenge=challenge, author=citizen)
    register(citizen, challenge)
    client.force_login(citizen)
    warm_up(client)

    with django_assert_num_queries(EXPECTED_CITIZEN):
        html = client.get("/").content.decode()
    # Session and user 2, roles everywhere 1 (none: no staff block asks further), organisation
    # invitations 1, co-author invitations 1, ideas 2, events 1, the switcher 1.
    assert "Your ideas" in html and "Events you registered for" in html


def test_the_workspace_query_count_does_not_grow_with_the_work(client, organisation):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = everyone_at_once(organisation)
    client.force_login(person)
    warm_up(client)
    with CaptureQueriesContext(connection) as before:
        client.get("/")
    other = OrganisationFactory()
    for role in (Role.EVALUATOR, Role.MODERATOR, Role.DECISION_MAKER, Role.INNOVATION_LEAD):
        Membership.objects.create(user=person, organisation=other, role=role)
    challenge = ChallengeFactory(organisation=other, phase=PhaseKind.SELECTION)
    for idea in IdeaFactory.create_batch(5, challenge=challenge, status=IdeaStatus.SHORTLISTED):
        assign(idea, person)
        flag_idea(idea)
    warm_up(client)
    with CaptureQueriesContext(connection) as after:
        client.get("/")
    # One more: the organisation switcher shows with two organisations and reads its roles.
    assert len(after.captured_queries) <= len(before.captured_queries) + 1


# Each includes the unread count beside the Notifications link (one COUNT).
EXPECTED_EVERY_ROLE = 21
EXPECTED_CITIZEN = 10


# --- visitors --------------------------------------------------------------------------------


def test_a_visitor_sees_open_challenges_from_every_organisation(client):
    open_here = ChallengeFactory(title="Open in Rivermouth")
    open_there = ChallengeFactory(title="Open in Eastport")
    ChallengeFactory(title="Staff only and open", audience=Audience.STAFF)
    ChallengeFactory(title="A draft", draft=True)
    ChallengeFactory(title="Already in review", phase=PhaseKind.REVIEW)

    html = home(client)

    assert open_here.title in html and open_there.title in html
    for hidden in ("Staff only and open", "A draft", "Already in review"):
        assert hidden not in html


def test_the_figures_count_only_what_is_public(client):
    public = ChallengeFactory()
    staff_only = ChallengeFactory(audience=Audience.STAFF)
    ChallengeFactory(draft=True)
    writer, supporter = UserFactory(), UserFactory()
    idea = IdeaFactory(challenge=public, author=writer)
    Support.objects.create(idea=idea, user=supporter)
    IdeaFactory(challenge=public, is_hidden=True)
    IdeaFactory(challenge=public, status=IdeaStatus.MERGED)
    IdeaFactory.create_batch(4, challenge=staff_only)

    html = home(client)

    # One public challenge (idea boxes are not counted), one public idea, two people.
    assert '<dt class="stat__label">Public challenges</dt><dd class="stat__value">1</dd>' in html
    assert '<dt class="stat__label">Public ideas</dt><dd class="stat__value">1</dd>' in html
    assert '<dt class="stat__label">People taking part</dt><dd class="stat__value">2</dd>' in html


def _selection(idea, payload):
    ledger_append(
        kind="idea.selected",
        organisation_id=idea.organisation_id,
        organisation_label=idea.organisation.name,
        subject_type="challenges.idea",
        subject_id=str(idea.pk),
        subject_url=idea.get_absolute_url(),
        payload=payload,
    )


def test_recent_decisions_show_public_selections_and_never_a_private_title(client):
    public = IdeaFactory(title="Public bike repair stands")
    private = IdeaFactory(
        title="Secret restructuring plan",
        challenge=ChallengeFactory(audience=Audience.STAFF, title="Staff restructuring"),
    )
    _selection(
        public,
        {"idea_id": public.pk, "title": public.title, "challenge": public.challenge.title},
    )
    _selection(private, {"idea_id": private.pk, "audience": "staff"})

    html = home(client)

    assert "Recent decisions" in html
    assert "“Public bike repair stands” selected" in html
    assert "Secret restructuring plan" not in html and "Staff restructuring" not in html
    assert f"idea {private.pk}" not in html


def test_a_selection_through_the_service_shows_on_the_visitors_home(client):
    from civiclab.challenges.services.selection import idea_select

    challenge = ChallengeFactory(phase=PhaseKind.SELECTION)
    idea = IdeaFactory(challenge=challenge, title="Night buses", status=IdeaStatus.SHORTLISTED)
    decider = member(challenge.organisation, Role.DECISION_MAKER)
    idea_select(actor=decider, idea=idea, reason="Best value for the night economy.")

    assert "“Night buses” selected" in home(client)


def test_the_visitors_home_costs_a_fixed_number_of_queries(client, django_assert_num_queries):
    for _ in range(3):
        challenge = ChallengeFactory()
        IdeaFactory.create_batch(3, challenge=challenge)
    idea = IdeaFactory()
    _selection(idea, {"idea_id": idea.pk, "title": idea.title, "challenge": "c"})
    client.get("/")

    # Figures 3, open challenges 3 (challenges, phases, tags), recent decisions 1.
    with django_assert_num_queries(7):
        client.get("/")


def test_the_home_page_promises_no_module_that_is_not_built(client):
    html = home(client).lower() + home(client, UserFactory()).lower()
    for promise in ("portfolio", "budget", "case stud", "experiment", "pilot", "outcome"):
        assert promise not in html


# --- the registry ----------------------------------------------------------------------------


def test_a_section_with_nothing_to_show_is_left_out(rf, tmp_path, settings):
    (tmp_path / "empty_block.html").write_text("<h2>Never shown</h2>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    page_sections.register(
        page_sections.WORKSPACE, "empty_block.html", get_context=lambda request, person: None
    )
    try:
        request = rf.get("/")
        request.user = UserFactory()
        rendered = page_sections.render(page_sections.WORKSPACE, request, request.user)
    finally:
        page_sections.unregister(page_sections.WORKSPACE, "empty_block.html")
    assert not any("Never shown" in section for section in rendered)


# --- my evaluations --------------------------------------------------------------------------


def test_my_evaluations_group_ideas_by_challenge_with_open_work_first(client, organisation):
    finished = ChallengeFactory(organisation=organisation, phase=PhaseKind.REVIEW, title="Done C")
    waiting = ChallengeFactory(organisation=organisation, phase=PhaseKind.REVIEW, title="Open C")
    _c1, (a1, b1) = scorecard_with_criteria(finished)
    _c2, (a2, b2) = scorecard_with_criteria(waiting)
    evaluator = member(organisation, Role.EVALUATOR)
    submit(assign(IdeaFactory(challenge=finished, title="Scored idea"), evaluator), {a1: 1, b1: 1})
    submit(assign(IdeaFactory(challenge=waiting, title="Half idea"), evaluator), {a2: 2, b2: 2})
    assign(IdeaFactory(challenge=waiting, title="Fresh idea"), evaluator)
    client.force_login(evaluator)

    html = client.get(
        reverse("challenges:my_evaluations", args=[organisation.slug])
    ).content.decode()

    assert html.index("Open C") < html.index("Done C")
    assert "1 to score" in html and "1 of 2 submitted" in html
    assert "All submitted" in html and "1 of 1 submitted" in html
    # Inside a challenge, what is still to do comes before what is submitted.
    assert html.index("Fresh idea") < html.index("Half idea")
    assert f'id="challenge-{waiting.pk}"' in html


def test_payload_of_a_private_selection_written_by_the_service_has_no_title():
    """The home page relies on this: a private challenge's selection names only ids."""
    from civiclab.challenges.services.selection import idea_select
    from civiclab.ledger.models import Entry

    challenge = ChallengeFactory(phase=PhaseKind.SELECTION, audience=Audience.STAFF)
    idea = IdeaFactory(challenge=challenge, status=IdeaStatus.SHORTLISTED)
    idea_select(
        actor=member(challenge.organisation, Role.DECISION_MAKER), idea=idea, reason="Chosen."
    )
    payload = json.loads(Entry.objects.get(kind="idea.selected").payload)
    assert "title" not in payload and payload["audience"] == Audience.STAFF
