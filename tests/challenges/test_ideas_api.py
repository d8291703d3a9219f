"""The ideas API: submit, read, edit, decide and history, with the one error shape."""

import json

import pytest

from civiclab.challenges.models import CoAuthor, CoAuthorStatus, Idea, IdeaStatus, PhaseKind
from tests.challenges.factories import ChallengeFactory, IdeaFactory, TagFactory
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

API = "/api/v1"


def post(client, url, data, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    if code:
        assert body["error"]["code"] == code
    return body["error"]


NEW_IDEA = {
    "title": "Benches along the river",
    "summary": "Places to rest for older walkers.",
    "description": "# Why\n\nOlder people <script>alert(1)</script> need to rest.",
    "innovation_types": ["service_product"],
}


def test_submitting_an_idea(client):
    challenge = ChallengeFactory()
    tag = TagFactory(organisation=challenge.organisation, slug="mobility")
    person = UserFactory()
    client.force_login(person)
    response = post(
        client,
        f"{API}/challenges/{challenge.pk}/ideas",
        {**NEW_IDEA, "tags": ["mobility"], "latitude": "52.1", "longitude": "4.3"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == NEW_IDEA["title"]
    assert body["status"] == "submitted"
    assert body["tags"] == [tag.slug]
    assert "<script" not in body["description_html"]
    assert body["author"]["id"] == person.pk
    assert body["counts"]["revisions"] == 1
    idea = Idea.objects.get(pk=body["id"])
    assert idea.author == person and idea.challenge == challenge


def test_submitting_needs_credentials(client):
    challenge = ChallengeFactory()
    response = post(client, f"{API}/challenges/{challenge.pk}/ideas", NEW_IDEA)
    assert_error(response, 401, "not_authenticated")


def test_submitting_outside_the_submission_phase_is_forbidden(client):
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    client.force_login(UserFactory())
    response = post(client, f"{API}/challenges/{challenge.pk}/ideas", NEW_IDEA)
    assert_error(response, 403, "permission_denied")
    assert not Idea.objects.exists()


def test_submitting_to_a_challenge_one_cannot_see_is_not_found(client):
    challenge = ChallengeFactory(audience="staff")
    client.force_login(UserFactory())
    response = post(client, f"{API}/challenges/{challenge.pk}/ideas", NEW_IDEA)
    assert_error(response, 404, "not_found")


def test_bad_input_is_a_422_with_fields(client):
    challenge = ChallengeFactory()
    client.force_login(UserFactory())
    response = post(
        client,
        f"{API}/challenges/{challenge.pk}/ideas",
        {**NEW_IDEA, "title": "", "tags": ["nope"], "latitude": "91"},
    )
    error = assert_error(response, 422, "validation_error")
    assert "latitude" in error["fields"]
    response = post(client, f"{API}/challenges/{challenge.pk}/ideas", {**NEW_IDEA, "tags": ["x"]})
    error = assert_error(response, 422)
    assert "tags" in error["fields"]
    response = post(
        client, f"{API}/challenges/{challenge.pk}/ideas", {**NEW_IDEA, "latitude": "50"}
    )
    error = assert_error(response, 422)
    assert "longitude" in error["fields"]
    assert not Idea.objects.exists()


def test_reading_an_idea_with_its_history_and_people(client, django_assert_max_num_queries):
    idea = IdeaFactory(challenge=ChallengeFactory(phase=PhaseKind.REVIEW))
    coauthor = UserFactory()
    CoAuthor.objects.create(idea=idea, user=coauthor, status=CoAuthorStatus.ACCEPTED)
    CoAuthor.objects.create(idea=idea, user=UserFactory(), status=CoAuthorStatus.INVITED)
    lead = member(idea.organisation, "innovation_lead")
    client.force_login(lead)
    post(client, f"{API}/ideas/{idea.pk}/status", {"status": "under_review", "reason": "Looking."})
    client.logout()
    with django_assert_max_num_queries(12):
        response = client.get(f"{API}/ideas/{idea.pk}")
    assert response.status_code == 200
    body = response.json()
    assert [p["id"] for p in body["coauthors"]] == [coauthor.pk]
    assert [c["to_status"] for c in body["status_changes"]] == ["under_review"]
    assert body["status_changes"][0]["reason"] == "Looking."
    assert body["counts"]["supports"] == 0


def test_hidden_and_unknown_ideas_are_not_found(client):
    idea = IdeaFactory(is_hidden=True, hidden_reason="Abusive")
    assert_error(client.get(f"{API}/ideas/{idea.pk}"), 404, "not_found")
    assert_error(client.get(f"{API}/ideas/999999"), 404, "not_found")
    client.force_login(idea.author)
    assert client.get(f"{API}/ideas/{idea.pk}").status_code == 200


def test_a_wrong_token_is_refused(client):
    idea = IdeaFactory()
    response = client.get(f"{API}/ideas/{idea.pk}", HTTP_AUTHORIZATION="Bearer nonsense")
    assert_error(response, 401)


def test_the_author_edits_and_the_history_grows(client):
    idea = IdeaFactory()
    client.force_login(idea.author)
    response = patch(client, f"{API}/ideas/{idea.pk}", {"title": "A better title"})
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "A better title"
    revisions = client.get(f"{API}/ideas/{idea.pk}/revisions").json()
    assert revisions["count"] == 1 if "count" in revisions else True
    items = revisions["items"]
    assert items[0]["content"]["title"] == "A better title"


def test_others_cannot_edit(client):
    idea = IdeaFactory()
    client.force_login(UserFactory())
    response = patch(client, f"{API}/ideas/{idea.pk}", {"title": "Mine now"})
    assert_error(response, 403)
    idea.refresh_from_db()
    assert idea.title != "Mine now"


def test_empty_required_fields_are_refused_on_edit(client):
    idea = IdeaFactory()
    client.force_login(idea.author)
    error = assert_error(patch(client, f"{API}/ideas/{idea.pk}", {"title": None}), 422)
    assert "title" in error["fields"]
    error = assert_error(patch(client, f"{API}/ideas/{idea.pk}", {"summary": ""}), 422)
    assert "summary" in error["fields"]


def test_status_change_through_the_api(client):
    idea = IdeaFactory(challenge=ChallengeFactory(phase=PhaseKind.REVIEW))
    client.force_login(member(idea.organisation, "innovation_lead"))
    response = post(
        client, f"{API}/ideas/{idea.pk}/status", {"status": "declined", "reason": "Too costly."}
    )
    assert response.status_code == 201, response.content
    assert response.json()["to_status"] == "declined"
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.DECLINED


def test_status_change_errors(client):
    idea = IdeaFactory(challenge=ChallengeFactory(phase=PhaseKind.REVIEW))
    url = f"{API}/ideas/{idea.pk}/status"
    assert_error(post(client, url, {"status": "declined", "reason": "x"}), 401)
    client.force_login(UserFactory())
    assert_error(post(client, url, {"status": "declined", "reason": "x"}), 403)
    client.force_login(member(idea.organisation, "innovation_lead"))
    error = assert_error(post(client, url, {"status": "declined", "reason": " "}), 422)
    assert "reason" in error["fields"]
    error = assert_error(post(client, url, {"status": "selected", "reason": "x"}), 403)
    error = assert_error(post(client, url, {"status": "shortlisted", "reason": "x"}), 422)
    assert "status" in error["fields"]
    error = assert_error(post(client, url, {"status": "nonsense", "reason": "x"}), 422)
    assert "status" in error["fields"]
