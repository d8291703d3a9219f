"""Pages of the evaluation area answer 404, not 403, to people who may not see the challenge
or idea at all, so a draft's or a staff-only challenge's address does not confirm that it
exists. People who see the challenge but lack the role still get 403."""

import pytest
from django.urls import reverse

from civiclab.challenges.models import Audience, PhaseKind
from civiclab.discussion.models import Comment
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.discussion.pages import discussion_url
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

CHALLENGE_PAGES = [
    "scorecard",
    "criterion_add",
    "evaluation_assignments",
    "evaluation_results",
    "pairwise",
    "pairwise_ranking",
]
IDEA_PAGES = ["evaluation_assign_idea", "evaluate", "evaluation_shortlist", "evaluation_select"]


def challenge_url(name, challenge):
    return reverse(
        f"challenges:{name}",
        kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
    )


def idea_url(name, idea):
    return reverse(f"challenges:{name}", kwargs={"org_slug": idea.organisation.slug, "pk": idea.pk})


@pytest.fixture(params=["draft", "staff", "invited"])
def unseen_challenge(request):
    if request.param == "draft":
        return ChallengeFactory(draft=True, phase=PhaseKind.REVIEW)
    audience = Audience.STAFF if request.param == "staff" else Audience.INVITED
    return ChallengeFactory(audience=audience, phase=PhaseKind.REVIEW)


@pytest.fixture(params=["citizen", "member_elsewhere"])
def outsider(request, unseen_challenge):
    if request.param == "citizen":
        return UserFactory()
    return member(ChallengeFactory().organisation, Role.ADMIN, Role.EVALUATOR)


@pytest.mark.parametrize("name", CHALLENGE_PAGES)
def test_challenge_evaluation_pages_are_not_found_for_outsiders(
    client, unseen_challenge, outsider, name
):
    client.force_login(outsider)
    try:
        url = challenge_url(name, unseen_challenge)
    except Exception:  # a page this version does not have
        pytest.skip(name)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", IDEA_PAGES)
def test_idea_evaluation_pages_are_not_found_for_outsiders(
    client, unseen_challenge, outsider, name
):
    idea = IdeaFactory(challenge=unseen_challenge)
    client.force_login(outsider)
    assert client.get(idea_url(name, idea)).status_code == 404


def test_a_citizen_who_sees_the_challenge_gets_403_on_the_results(client):
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    client.force_login(UserFactory())
    assert client.get(challenge_url("evaluation_results", challenge)).status_code == 403


def test_a_hidden_idea_s_evaluation_pages_are_not_found_for_citizens(client):
    idea = IdeaFactory(challenge=ChallengeFactory(phase=PhaseKind.REVIEW), is_hidden=True)
    client.force_login(UserFactory())
    for name in IDEA_PAGES:
        assert client.get(idea_url(name, idea)).status_code == 404, name


@pytest.mark.parametrize("kind", ["idea", "comment"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_moderation_pages_are_not_found_for_outsiders(
    client, unseen_challenge, outsider, kind, method
):
    idea = IdeaFactory(challenge=unseen_challenge)
    pk = idea.pk
    if kind == "comment":
        pk = Comment.objects.create(target=idea, author=idea.author, body="A comment").pk
    if kind == "comment":
        url = discussion_url("moderate_comment", Comment.objects.get(pk=pk), action="hide")
    else:
        url = discussion_url("moderate", idea, action="hide")
    client.force_login(outsider)
    assert getattr(client, method)(url).status_code == 404


def test_a_member_without_the_moderator_role_still_gets_403(client):
    idea = IdeaFactory(challenge=ChallengeFactory(audience=Audience.STAFF))
    url = reverse(
        "discussion:moderate",
        kwargs={"org_slug": idea.organisation.slug, "on": "ideas", "pk": idea.pk, "action": "hide"},
    )
    client.force_login(member(idea.organisation, Role.STAFF))
    assert client.get(url).status_code == 403
