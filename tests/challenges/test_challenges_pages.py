"""Challenge pages: list filters and query counts, the challenge page, 404 for hidden ones."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from civiclab.challenges.models import Audience, Challenge, IdeaStatus, PhaseKind
from civiclab.core.models import AuditEvent
from civiclab.organisations.models import Role
from civiclab.organisations.services import organisation_create
from tests.challenges.factories import ChallengeFactory, IdeaFactory, TagFactory, during
from tests.factories import DEFAULT_PASSWORD, OrganisationFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    assert client.login(username=user.email, password=DEFAULT_PASSWORD)
    return client


def list_url(organisation, **query):
    url = reverse("challenges:list", kwargs={"org_slug": organisation.slug})
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def test_list_filters_by_phase_and_tag(client, organisation):
    safety = TagFactory(organisation=organisation, name="Safety", slug="safety")
    open_one = ChallengeFactory(organisation=organisation, title="Open one", tags=[safety])
    ChallengeFactory(organisation=organisation, title="In review one", phase="review")
    ChallengeFactory(organisation=organisation, title="Closed one", phase="closed")

    page = client.get(list_url(organisation, phase="submission")).content.decode()
    assert "Open one" in page and "In review one" not in page and "Closed one" not in page

    page = client.get(list_url(organisation, phase="closed")).content.decode()
    assert "Closed one" in page and "Open one" not in page

    page = client.get(list_url(organisation, tag="safety")).content.decode()
    assert open_one.title in page and "In review one" not in page


def test_list_reports_an_unknown_filter_value_and_shows_everything(client, organisation):
    ChallengeFactory(organisation=organisation, title="Open one")
    response = client.get(list_url(organisation, phase="nonsense"))
    assert response.status_code == 200
    assert "Open one" in response.content.decode()
    assert response.context["form"].errors


def test_list_query_count_does_not_grow_with_challenges(
    client, organisation, django_assert_max_num_queries
):
    tag = TagFactory(organisation=organisation)
    user = member(organisation, Role.STAFF)
    sign_in(client, user)
    ChallengeFactory(organisation=organisation, tags=[tag])
    with django_assert_max_num_queries(20) as few:
        client.get(list_url(organisation))
    for _ in range(25):
        ChallengeFactory(organisation=organisation, tags=[tag])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(list_url(organisation))
    assert len(response.context["challenges"]) == 20  # one page


def test_list_hides_staff_only_and_drafts_from_the_public(client, organisation):
    ChallengeFactory(organisation=organisation, title="Staff matter", audience=Audience.STAFF)
    ChallengeFactory(organisation=organisation, title="Draft matter", draft=True)
    ChallengeFactory(organisation=organisation, title="Public matter")
    page = client.get(list_url(organisation)).content.decode()
    assert "Public matter" in page
    assert "Staff matter" not in page and "Draft matter" not in page

    sign_in(client, member(organisation, Role.STAFF))
    page = client.get(list_url(organisation)).content.decode()
    assert "Staff matter" in page and "Draft matter" not in page

    sign_in(client, member(organisation, Role.INNOVATION_LEAD))
    page = client.get(list_url(organisation)).content.decode()
    assert "Staff matter" in page and "Draft matter" in page


def test_staff_only_challenge_is_not_found_for_the_public_and_other_organisations(
    client, organisation
):
    challenge = ChallengeFactory(organisation=organisation, audience=Audience.STAFF)
    url = challenge.get_absolute_url()
    assert client.get(url).status_code == 404
    sign_in(client, member(OrganisationFactory(), Role.ADMIN))
    assert client.get(url).status_code == 404
    sign_in(client, member(organisation, Role.STAFF))
    assert client.get(url).status_code == 200


def test_invited_challenge_is_visible_to_invited_people_only(client, organisation):
    guest = member(OrganisationFactory(), Role.STAFF)
    challenge = ChallengeFactory(
        organisation=organisation, audience=Audience.INVITED, invited=[guest]
    )
    sign_in(client, member(OrganisationFactory(), Role.STAFF))
    assert client.get(challenge.get_absolute_url()).status_code == 404
    sign_in(client, guest)
    assert client.get(challenge.get_absolute_url()).status_code == 200


def test_challenge_page_shows_phase_in_the_organisation_time_zone(client, organisation):
    organisation.time_zone = "Europe/Amsterdam"
    organisation.save()
    challenge = ChallengeFactory(organisation=organisation, phase=False)
    challenge.phases.create(
        kind=PhaseKind.SUBMISSION,
        starts_at=timezone.now() - timedelta(days=1),
        ends_at=datetime(2099, 3, 12, 16, 0, tzinfo=UTC),
    )
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "Submission open until 12 March 2099, 17:00" in page
    assert "Europe/Amsterdam" in page


def test_a_draft_or_not_yet_open_challenge_is_not_labelled_open_for_ideas(organisation):
    from django.template import Context, Template

    tag = Template("{% load challenges_tags %}{% phase_tag challenge %}")
    draft = ChallengeFactory(organisation=organisation, state=Challenge.State.DRAFT)
    assert "Draft" in tag.render(Context({"challenge": draft}))
    later = ChallengeFactory(organisation=organisation, phase=False)
    later.phases.create(
        kind=PhaseKind.SUBMISSION,
        starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=30),
    )
    assert "Not open yet" in tag.render(Context({"challenge": later}))
    running = ChallengeFactory(organisation=organisation)
    assert "Open for ideas" in tag.render(Context({"challenge": running}))


def test_challenge_texts_render_markdown_sanitised_like_ideas(client, organisation):
    challenge = ChallengeFactory(
        organisation=organisation,
        problem_statement="Flooding **every spring**.\n\n- basements\n- roads",
        goals="See [the plan](https://example.org/plan).",
        needs='<script>alert(1)</script><a href="javascript:alert(2)">x</a> [y](javascript:z)',
    )
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "<strong>every spring</strong>" in page
    assert "<li>basements</li>" in page
    assert '<a href="https://example.org/plan" rel="nofollow ugc noopener noreferrer">' in page
    assert "<script>alert(1)" not in page and 'href="javascript:' not in page


def test_challenge_page_shows_counts_sponsor_and_managers_actions(client, organisation):
    sponsor = member(organisation, Role.DECISION_MAKER, display_name="Dana Decides")
    challenge = ChallengeFactory(organisation=organisation, sponsor=sponsor)
    IdeaFactory(challenge=challenge, support_count=4)
    IdeaFactory(challenge=challenge, support_count=2)
    IdeaFactory(challenge=challenge, is_hidden=True, support_count=9)
    response = client.get(challenge.get_absolute_url())
    assert response.context["figures"] == {"ideas": 2, "supports": 6}
    page = response.content.decode()
    assert "Dana Decides" in page
    assert reverse("challenges:edit", args=[organisation.slug, challenge.slug]) not in page

    sign_in(client, member(organisation, Role.INNOVATION_LEAD))
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert reverse("challenges:edit", args=[organisation.slug, challenge.slug]) in page


def test_draft_is_not_found_for_staff_but_shown_to_managers(client, organisation):
    challenge = ChallengeFactory(organisation=organisation, draft=True)
    sign_in(client, member(organisation, Role.STAFF))
    assert client.get(challenge.get_absolute_url()).status_code == 404
    sign_in(client, member(organisation, Role.ADMIN))
    assert client.get(challenge.get_absolute_url()).status_code == 200


def test_manage_pages_send_anonymous_people_to_sign_in_and_refuse_staff(client, organisation):
    challenge = ChallengeFactory(organisation=organisation)
    url = reverse("challenges:edit", args=[organisation.slug, challenge.slug])
    response = client.get(url)
    assert response.status_code == 302 and "login" in response.url
    sign_in(client, member(organisation, Role.STAFF))
    assert client.get(url).status_code == 403
    assert client.get(reverse("challenges:create", args=[organisation.slug])).status_code == 403


def test_lead_creates_sets_phases_and_publishes_a_challenge(client, organisation):
    organisation.time_zone = "Europe/Amsterdam"
    organisation.save()
    sponsor = member(organisation, Role.DECISION_MAKER)
    sign_in(client, member(organisation, Role.INNOVATION_LEAD))
    response = client.post(
        reverse("challenges:create", args=[organisation.slug]),
        {
            "title": "Cooler schoolyards",
            "summary": "Shade and green for hot summers.",
            "problem_statement": "Schoolyards get too hot.",
            "sponsor": sponsor.pk,
            "audience": "public",
            "innovation_types": ["service_product", "process"],
            "tags": "Climate, schools",
        },
    )
    challenge = Challenge.objects.get(organisation=organisation, title="Cooler schoolyards")
    assert response.status_code == 302
    assert response.url == reverse("challenges:phases", args=[organisation.slug, challenge.slug])
    assert challenge.state == Challenge.State.DRAFT
    assert sorted(tag.name for tag in challenge.tags.all()) == ["Climate", "schools"]

    response = client.post(
        response.url,
        {"submission_starts": "2030-01-10T09:00", "submission_ends": "2030-03-12T17:00"},
    )
    assert response.status_code == 302
    phase = challenge.phases.get()
    # Entered in Amsterdam time (UTC+1 in winter), stored in UTC.
    assert phase.ends_at == datetime(2030, 3, 12, 16, 0, tzinfo=UTC)

    response = client.post(reverse("challenges:publish", args=[organisation.slug, challenge.slug]))
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.is_published


def test_phases_form_explains_overlapping_phases(client, organisation):
    challenge = ChallengeFactory(organisation=organisation)
    sign_in(client, member(organisation, Role.ADMIN))
    response = client.post(
        reverse("challenges:phases", args=[organisation.slug, challenge.slug]),
        {
            "submission_starts": "2030-01-10T09:00",
            "submission_ends": "2030-03-12T17:00",
            "review_starts": "2030-03-01T09:00",
            "review_ends": "2030-02-01T09:00",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "review_starts" in errors and "review_ends" in errors
    assert response.content.decode().count("There is a problem") >= 1
    assert challenge.phases.count() == 4  # unchanged: the four phases of the factory


def test_publish_without_phases_says_what_is_missing(client, organisation):
    challenge = ChallengeFactory(organisation=organisation, draft=True, phase=False)
    sign_in(client, member(organisation, Role.ADMIN))
    response = client.post(reverse("challenges:publish", args=[organisation.slug, challenge.slug]))
    assert response.status_code == 400
    assert "submission phase" in response.content.decode()


def test_invited_people_are_managed_by_email(client, organisation):
    member(OrganisationFactory(), Role.STAFF, email="guest@example.org")
    challenge = ChallengeFactory(organisation=organisation, audience=Audience.INVITED)
    sign_in(client, member(organisation, Role.ADMIN))
    url = reverse("challenges:invited", args=[organisation.slug, challenge.slug])
    response = client.post(url, {"emails": "Guest@example.org\nnobody@example.org"})
    assert response.status_code == 302
    assert emails_invited(challenge) == ["guest@example.org", "nobody@example.org"]
    response = client.post(url, {"emails": "not an address"})
    assert response.status_code == 200
    assert "not e-mail addresses" in str(response.context["form"].errors)
    response = client.post(url, {"emails": "nobody@example.org"})
    assert emails_invited(challenge) == ["nobody@example.org"]
    assert "nobody@example.org" in client.get(url).content.decode()


def emails_invited(challenge):
    return list(challenge.invited_addresses.values_list("email", flat=True))


def test_idea_box_is_created_with_the_organisation_and_always_open(client):
    organisation = organisation_create(
        actor=UserFactory(is_superuser=True, is_staff=True),
        name="City of Leiden",
        slug="leiden",
        country="NL",
        level="local",
    )
    box = Challenge.objects.get(organisation=organisation, is_idea_box=True)
    assert not AuditEvent.objects.filter(action="challenges.idea_box_created").exists()
    assert box.is_published and box.current_phase_kind() == PhaseKind.SUBMISSION
    response = client.get(reverse("challenges:idea_box", args=[organisation.slug]))
    assert response.status_code == 302 and response.url == box.get_absolute_url()
    assert "Always open" in client.get(box.get_absolute_url()).content.decode()


def test_idea_box_page_get_creates_nothing(client):
    # A row made without the service has no idea box: the page says so and writes nothing.
    organisation = OrganisationFactory(set_up=False)
    client.force_login(UserFactory())
    response = client.get(reverse("challenges:idea_box", args=[organisation.slug]))
    assert response.status_code == 404
    assert not Challenge.objects.filter(organisation=organisation).exists()
    assert not AuditEvent.objects.filter(organisation_id=organisation.pk).exists()


def test_organisation_page_lists_challenges_in_every_phase_with_the_outcome(client, organisation):
    ChallengeFactory(organisation=organisation, title="Open for you")
    ChallengeFactory(organisation=organisation, title="Being reviewed", phase="review")
    closed = ChallengeFactory(organisation=organisation, title="Done and decided", phase="closed")
    IdeaFactory(challenge=closed, title="Benches by the river", status=IdeaStatus.SELECTED)
    IdeaFactory(challenge=closed, title="Not this one", status=IdeaStatus.DECLINED)
    page = client.get(organisation.get_absolute_url()).content.decode()
    sections = page.split("<h3>")
    open_part = next(part for part in sections if part.startswith("Open for ideas"))
    review_part = next(part for part in sections if part.startswith("Ideas in review"))
    closed_part = next(part for part in sections if part.startswith("Closed, with their outcome"))
    assert "Open for you" in open_part and "Being reviewed" in review_part
    assert "Done and decided" in closed_part and "Selected 1 idea:" in closed_part
    assert "Benches by the river" in closed_part and "Not this one" not in closed_part
    assert reverse("challenges:idea_box", args=[organisation.slug]) in page


def test_a_closed_challenge_shows_what_was_selected_and_why_at_the_top(client, organisation):
    closed = ChallengeFactory(organisation=organisation, phase="closed")
    IdeaFactory(
        challenge=closed,
        title="Benches by the river",
        status=IdeaStatus.SELECTED,
        status_reason="Cheap, quick and wanted by older residents.",
    )
    page = client.get(closed.get_absolute_url()).content.decode()
    outcome = page.split('id="outcome-heading"', 1)[1]
    assert "1 idea was selected." in outcome
    assert "Benches by the river" in outcome and "Cheap, quick and wanted" in outcome
    assert page.index('id="outcome-heading"') < page.index("The problem")
    running = ChallengeFactory(organisation=organisation)
    assert 'id="outcome-heading"' not in client.get(running.get_absolute_url()).content.decode()


def test_submit_idea_call_to_action_follows_the_add_idea_rule(client, organisation):
    challenge = ChallengeFactory(organisation=organisation)
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "Sign in to submit an idea" in page
    with during(challenge, PhaseKind.REVIEW):
        page = client.get(challenge.get_absolute_url()).content.decode()
        assert "Sign in to submit an idea" not in page


def test_platform_admins_can_look_challenges_and_events_up_in_the_admin(client, organisation):
    challenge = ChallengeFactory(organisation=organisation)
    client.force_login(member(organisation, Role.STAFF, is_superuser=True, is_staff=True))
    for name in ("challenge", "tag", "event"):
        assert client.get(reverse(f"admin:challenges_{name}_changelist")).status_code == 200
    response = client.get(reverse("admin:challenges_challenge_change", args=[challenge.pk]))
    assert response.status_code == 200


def test_signed_in_people_get_the_submit_button_and_the_idea_list_link(client, organisation):
    challenge = ChallengeFactory(organisation=organisation)
    client.force_login(member(OrganisationFactory(), Role.STAFF))
    page = client.get(challenge.get_absolute_url()).content.decode()
    args = [organisation.slug, challenge.slug]
    assert reverse("challenges:idea_create", args=args) in page
    assert reverse("challenges:idea_list", args=args) in page
    with during(challenge, PhaseKind.REVIEW):
        page = client.get(challenge.get_absolute_url()).content.decode()
        assert reverse("challenges:idea_create", args=args) not in page


def test_challenge_page_query_count_is_bounded(client, organisation, django_assert_max_num_queries):
    challenge = ChallengeFactory(
        organisation=organisation, tags=[TagFactory(organisation=organisation)]
    )
    for _ in range(10):
        IdeaFactory(challenge=challenge)
    client.force_login(member(organisation, Role.INNOVATION_LEAD))
    with django_assert_max_num_queries(15):
        assert client.get(challenge.get_absolute_url()).status_code == 200


def test_organisation_page_section_query_count_does_not_grow(
    client, organisation, django_assert_max_num_queries
):
    ChallengeFactory(organisation=organisation)
    with django_assert_max_num_queries(30) as few:
        client.get(organisation.get_absolute_url())
    for _ in range(8):
        ChallengeFactory(organisation=organisation, tags=[TagFactory(organisation=organisation)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(organisation.get_absolute_url())


def test_unpublish_page_explains_why_a_challenge_with_ideas_stays_published(client, organisation):
    challenge = ChallengeFactory(organisation=organisation)
    IdeaFactory(challenge=challenge)
    client.force_login(member(organisation, Role.INNOVATION_LEAD))
    url = reverse("challenges:unpublish", args=[organisation.slug, challenge.slug])
    assert "stays published" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    challenge.refresh_from_db()
    assert challenge.is_published


def test_phases_form_needs_both_dates_of_an_optional_phase(client, organisation):
    challenge = ChallengeFactory(organisation=organisation)
    client.force_login(member(organisation, Role.ADMIN))
    response = client.post(
        reverse("challenges:phases", args=[organisation.slug, challenge.slug]),
        {
            "submission_starts": "2030-01-10T09:00",
            "submission_ends": "2030-02-10T09:00",
            "selection_starts": "2030-03-01T09:00",
        },
    )
    assert response.status_code == 200
    assert "selection_ends" in response.context["form"].errors
    response = client.post(
        reverse("challenges:phases", args=[organisation.slug, challenge.slug]),
        {"submission_starts": "10 January", "submission_ends": ""},
    )
    assert {"submission_starts", "submission_ends"} <= set(response.context["form"].errors)


def test_the_unpublish_button_is_offered_only_while_a_challenge_has_no_ideas(client, organisation):
    challenge = ChallengeFactory(organisation=organisation)
    client.force_login(member(organisation, Role.INNOVATION_LEAD))
    unpublish = reverse("challenges:unpublish", args=[organisation.slug, challenge.slug])

    assert unpublish in client.get(challenge.get_absolute_url()).content.decode()
    IdeaFactory(challenge=challenge)
    assert unpublish not in client.get(challenge.get_absolute_url()).content.decode()
