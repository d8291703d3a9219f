"""The challenges API: visibility like the pages, filters, managers' writes, error shapes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from civiclab.accounts.services import token_create
from civiclab.challenges.models import Audience, Challenge, EventKind, PhaseKind
from civiclab.challenges.services.events import event_save
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory, TagFactory
from tests.factories import OrganisationFactory, UserFactory, member

pytestmark = pytest.mark.django_db
BASE = "/api/v1/challenges"


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def titles(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["title"] for item in response.json()["items"]}


@pytest.fixture
def lead(organisation):
    return member(organisation, Role.INNOVATION_LEAD)


def test_anonymous_readers_see_public_published_challenges_only(client, organisation):
    ChallengeFactory(organisation=organisation, title="Public")
    ChallengeFactory(organisation=organisation, title="Staff", audience=Audience.STAFF)
    ChallengeFactory(organisation=organisation, title="Draft", draft=True)
    response = client.get(BASE, {"organisation": organisation.slug})
    assert titles(response) == {"Public", "Idea box"}
    body = response.json()
    assert body["count"] == 2 and body["page"] == 1
    public = next(item for item in body["items"] if item["title"] == "Public")
    assert public["current_phase"] == "submission"
    assert public["organisation"] == organisation.slug
    assert [phase["kind"] for phase in public["phases"]] == [
        "submission",
        "review",
        "selection",
        "closed",
    ]


def test_a_token_reveals_what_its_owner_may_see(client, organisation):
    staff = member(organisation, Role.STAFF)
    ChallengeFactory(organisation=organisation, title="Staff", audience=Audience.STAFF)
    _, secret = token_create(actor=staff, name="script")
    response = client.get(
        BASE, {"organisation": organisation.slug}, HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert "Staff" in titles(response)


def test_a_wrong_token_is_refused_not_read_as_anonymous(client):
    response = client.get(BASE, HTTP_AUTHORIZATION="Bearer clb_nope_nope")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_list_filters_by_phase_and_tag(client, organisation):
    tag = TagFactory(organisation=organisation, slug="water")
    ChallengeFactory(organisation=organisation, title="Open", tags=[tag])
    ChallengeFactory(organisation=organisation, title="Reviewing", phase="review")
    ChallengeFactory(organisation=organisation, title="Done", phase="closed")
    query = {"organisation": organisation.slug}
    assert titles(client.get(BASE, {**query, "phase": "review"})) == {"Reviewing"}
    assert titles(client.get(BASE, {**query, "phase": "closed"})) == {"Done"}
    assert titles(client.get(BASE, {**query, "tag": "water"})) == {"Open"}
    response = client.get(BASE, {**query, "phase": "later"})
    assert response.status_code == 422 and "phase" in error_of(response)["fields"]


def test_list_query_count_does_not_grow(client, organisation, django_assert_max_num_queries):
    tag = TagFactory(organisation=organisation)
    for _ in range(30):
        ChallengeFactory(organisation=organisation, tags=[tag])
    with django_assert_max_num_queries(8):
        response = client.get(BASE, {"organisation": organisation.slug, "page_size": 25})
    assert len(response.json()["items"]) == 25


def test_hidden_challenges_are_not_found(client, organisation):
    staff_only = ChallengeFactory(organisation=organisation, audience=Audience.STAFF)
    response = client.get(f"{BASE}/{staff_only.pk}")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    client.force_login(member(OrganisationFactory(), Role.ADMIN))
    assert client.get(f"{BASE}/{staff_only.pk}").status_code == 404
    client.force_login(member(organisation, Role.STAFF))
    assert client.get(f"{BASE}/{staff_only.pk}").json()["id"] == staff_only.pk


def test_lead_creates_a_challenge_with_phases_and_publishes_it(client, organisation, lead):
    sponsor = member(organisation, Role.DECISION_MAKER)
    client.force_login(lead)
    response = client.post(
        BASE,
        {
            "organisation": organisation.slug,
            "title": "Quieter nights",
            "summary": "Less noise after 23:00.",
            "problem_statement": "Residents near the station sleep badly.",
            "sponsor_id": sponsor.pk,
            "innovation_types": ["process"],
            "tags": ["Noise", "Night life"],
            "phases": [
                {
                    "kind": "submission",
                    "starts_at": "2030-01-01T09:00",
                    "ends_at": "2030-02-01T17:00",
                },
                {"kind": "review", "starts_at": "2030-02-02T09:00", "ends_at": "2030-03-01T17:00"},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "draft" and body["sponsor"]["id"] == sponsor.pk
    assert sorted(body["tags"]) == ["night-life", "noise"]
    # Naive times are read in the organisation's time zone (Amsterdam: UTC+1 in winter).
    assert body["phases"][0]["starts_at"].startswith("2030-01-01T08:00:00")
    response = client.post(f"{BASE}/{body['id']}/publish")
    assert response.status_code == 200 and response.json()["state"] == "published"
    response = client.post(f"{BASE}/{body['id']}/publish")
    # Well formed, refused by the challenge's state: a conflict, not a request with errors.
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"
    assert "already published" in error_of(response)["message"]


def test_bad_phases_leave_no_challenge_behind(client, organisation, lead):
    client.force_login(lead)
    response = client.post(
        BASE,
        {
            "organisation": organisation.slug,
            "title": "Overlapping",
            "summary": "s",
            "problem_statement": "p",
            "phases": [
                {
                    "kind": "submission",
                    "starts_at": "2030-01-01T09:00Z",
                    "ends_at": "2030-02-01T09:00Z",
                },
                {
                    "kind": "review",
                    "starts_at": "2030-01-15T09:00Z",
                    "ends_at": "2030-03-01T09:00Z",
                },
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "review_starts" in error_of(response)["fields"]
    assert not Challenge.objects.filter(title="Overlapping").exists()


def test_create_reports_missing_fields_and_wrong_sponsor(client, organisation, lead):
    client.force_login(lead)
    response = client.post(
        BASE, {"organisation": organisation.slug}, content_type="application/json"
    )
    assert response.status_code == 422
    assert {"title", "summary", "problem_statement"} <= set(error_of(response)["fields"])
    outsider = member(OrganisationFactory(), Role.DECISION_MAKER)
    response = client.post(
        BASE,
        {
            "organisation": organisation.slug,
            "title": "t",
            "summary": "s",
            "problem_statement": "p",
            "sponsor_id": outsider.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 422 and "sponsor_id" in error_of(response)["fields"]


def test_writes_need_the_right_roles(client, organisation):
    challenge = ChallengeFactory(organisation=organisation)
    response = client.post(
        BASE,
        {"organisation": organisation.slug, "title": "t", "summary": "s", "problem_statement": "p"},
        content_type="application/json",
    )
    assert response.status_code == 401
    client.force_login(member(organisation, Role.STAFF))
    response = client.patch(
        f"{BASE}/{challenge.pk}", {"title": "Mine now"}, content_type="application/json"
    )
    assert response.status_code == 403 and error_of(response)["code"] == "permission_denied"
    assert client.post(f"{BASE}/{challenge.pk}/publish").status_code == 403


def test_patch_changes_only_what_is_sent(client, organisation, lead):
    challenge = ChallengeFactory(organisation=organisation, goals="Keep these")
    client.force_login(lead)
    response = client.patch(
        f"{BASE}/{challenge.pk}",
        {"title": "Better title", "audience": "staff"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    challenge.refresh_from_db()
    assert challenge.title == "Better title" and challenge.audience == "staff"
    assert challenge.goals == "Keep these"


def test_unpublish_is_refused_once_there_are_ideas(client, organisation, lead):
    challenge = ChallengeFactory(organisation=organisation)
    IdeaFactory(challenge=challenge)
    client.force_login(lead)
    response = client.post(f"{BASE}/{challenge.pk}/unpublish")
    assert response.status_code == 409
    assert "stays published" in error_of(response)["message"]


def make_event(challenge, capacity=1):
    start = timezone.now() + timedelta(days=3)
    return event_save(
        actor=member(challenge.organisation, Role.ADMIN),
        challenge=challenge,
        kind=EventKind.CITIZEN_PANEL,
        title="Panel",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        online_url="https://meet.example.org/panel",
        capacity=capacity,
    )


def test_event_registration_through_the_api(client, organisation):
    challenge = ChallengeFactory(organisation=organisation)
    make_event(challenge, capacity=1)
    first, second = UserFactory(), UserFactory()
    client.force_login(first)
    assert client.post(f"{BASE}/{challenge.pk}/event/registration").json() == {
        "status": "confirmed",
        "waiting_position": None,
    }
    client.force_login(second)
    assert client.post(f"{BASE}/{challenge.pk}/event/registration").json() == {
        "status": "waiting",
        "waiting_position": 1,
    }
    body = client.get(f"{BASE}/{challenge.pk}/event").json()
    assert (body["confirmed"], body["waiting"], body["free_places"]) == (1, 1, 0)
    assert body["my_registration"] == "waiting"
    assert body["ics_url"].endswith("/event/calendar.ics")
    client.force_login(first)
    assert client.delete(f"{BASE}/{challenge.pk}/event/registration").json()["status"] == (
        "cancelled"
    )
    client.force_login(second)
    assert client.get(f"{BASE}/{challenge.pk}/event").json()["my_registration"] == "confirmed"
    response = client.get(f"{BASE}/{challenge.pk}/event/registrations")
    assert response.status_code == 403
    client.force_login(member(organisation, Role.INNOVATION_LEAD))
    rows = client.get(f"{BASE}/{challenge.pk}/event/registrations").json()
    assert [(row["user_id"], row["status"]) for row in rows] == [(second.pk, "confirmed")]


def test_event_of_a_challenge_without_one_is_not_found(client, organisation):
    challenge = ChallengeFactory(organisation=organisation)
    response = client.get(f"{BASE}/{challenge.pk}/event")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


def test_anonymous_cannot_register(client, organisation):
    challenge = ChallengeFactory(organisation=organisation)
    make_event(challenge)
    assert client.post(f"{BASE}/{challenge.pk}/event/registration").status_code == 401


def test_phase_values_are_listed_in_the_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/challenges" in schema["paths"]
    assert PhaseKind.SELECTION.value in str(schema)
