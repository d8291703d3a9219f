"""The registry: a second model becomes discussable by registering, without copying code.

A challenge stands in for the initiatives, budget proposals and cases that will register
later; the test registers it, then comments, follows, reports and queues on it through the
same services, selectors and loader that serve ideas, and takes it off the registry after.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from ninja import NinjaAPI

from civiclab.challenges.models import Challenge, Idea
from civiclab.core.access import NotVisible
from civiclab.core.models import Notification
from civiclab.discussion import access, blind, registry, selectors
from civiclab.discussion import api as discussion_api
from civiclab.discussion.models import Comment, Flag, FlagReason, Follow
from civiclab.discussion.services import comments, follows, moderation
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.discussion.pages import discussion_url
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

# Whom blind review keeps from knowing who wrote a challenge, in this test only.
BLINDED = set()

CHALLENGES = registry.Discussable(
    model=Challenge,
    kind="test_challenge",
    label="challenge",
    url_segment="test-challenges",
    read_perm="challenges.view_challenge",
    comment_perm="challenges.view_challenge",
    follow_perm="challenges.view_challenge",
    flag_perm="challenges.view_challenge",
    authors=lambda challenge: frozenset({challenge.created_by_id}),
    shows_authors=lambda viewer, challenge: viewer.pk not in BLINDED,
    masked_label="One of the challenge's team",
    title=lambda challenge: challenge.title,
    comment_count_field="",
    select_related=("organisation",),
)


@pytest.fixture
def challenges_discussable():
    registry.register(CHALLENGES)
    yield CHALLENGES
    registry.unregister(Challenge)
    BLINDED.clear()


@pytest.fixture
def challenge(challenges_discussable):
    return ChallengeFactory(created_by=UserFactory(display_name="Cleo Team"))


def test_ideas_are_registered_by_the_challenges_app():
    idea = IdeaFactory()
    assert registry.is_discussable(idea)
    assert registry.discussable_of(idea).kind == "idea"
    assert registry.discussable_kind("idea").model is Idea


def test_an_unregistered_model_is_refused_loudly():
    with pytest.raises(LookupError):
        registry.discussable_of(UserFactory())


def test_a_kind_is_registered_once(challenges_discussable):
    twin = registry.Discussable(**{**CHALLENGES.__dict__, "model": Idea})
    with pytest.raises(ValueError):
        registry.register(twin)
    registry.register(CHALLENGES)  # the same registration again changes nothing


def test_unregistering_takes_the_model_off(challenges_discussable):
    registry.unregister(Challenge)
    assert not registry.is_discussable(ChallengeFactory())
    registry.register(CHALLENGES)


def test_a_second_model_takes_comments_replies_and_follows(challenge):
    reader, follower = UserFactory(), UserFactory()
    follows.follow_set(actor=follower, target=challenge, follow=True)
    top = comments.comment_add(actor=reader, target=challenge, body="When does it open?")
    reply = comments.comment_add(actor=UserFactory(), target=challenge, body="Monday.", parent=top)
    assert reply.parent_id == top.pk and reply.target == challenge
    assert Follow.objects.filter(user=follower, object_id=challenge.pk).count() == 1
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert {challenge.created_by_id, follower.pk, reader.pk} <= told
    thread = selectors.comment_tree(
        target=challenge, permissions=selectors.thread_permissions(user=reader, target=challenge)
    )
    assert [node.comment for node in thread] == [top]
    assert [child.comment for child in thread[0].children] == [reply]


def test_a_comment_is_looked_up_within_its_own_object(challenge):
    comment = comments.comment_add(actor=UserFactory(), target=challenge, body="Here.")
    assert access.comment_for_user(user=UserFactory(), pk=comment.pk) == comment
    with pytest.raises(NotVisible):
        access.comment_for_user(user=UserFactory(), pk=comment.pk, target=IdeaFactory())
    with pytest.raises(ValidationError):
        comments.comment_add(actor=UserFactory(), target=IdeaFactory(), body="x", parent=comment)


def test_a_private_object_keeps_its_comments_private(challenges_discussable):
    draft = ChallengeFactory(state="draft")
    comment = Comment.objects.create(target=draft, author=UserFactory(), body="Early note")
    with pytest.raises(NotVisible):
        access.comment_for_user(user=UserFactory(), pk=comment.pk)
    with pytest.raises(PermissionDenied):
        comments.comment_add(actor=UserFactory(), target=draft, body="Me too")


def test_reports_on_the_new_models_comments_reach_its_organisations_queue(challenge):
    comment = comments.comment_add(actor=UserFactory(), target=challenge, body="Buy now!")
    moderation.flag_add(actor=UserFactory(), item=comment, reason=FlagReason.SPAM)
    queue = selectors.moderation_queue(organisation=challenge.organisation)
    assert [(entry.kind, entry.item, entry.target) for entry in queue] == [
        ("comment", comment, challenge)
    ]
    moderator = member(challenge.organisation, Role.MODERATOR)
    moderation.moderation_hide(actor=moderator, item=comment, reason="Advertising")
    assert Flag.objects.get().resolution == Flag.Resolution.HIDDEN
    assert selectors.moderation_queue(organisation=challenge.organisation) == []


def test_an_object_without_a_moderation_cannot_be_hidden(challenge):
    moderator = member(challenge.organisation, Role.MODERATOR)
    with pytest.raises(PermissionDenied):
        moderation.moderation_hide(actor=moderator, item=challenge, reason="No")


def test_blind_review_follows_the_registration(challenge):
    team = challenge.created_by
    evaluator, citizen = UserFactory(), UserFactory()
    BLINDED.add(evaluator.pk)
    assert blind.masks_author(viewer=evaluator, target=challenge, author_id=team.pk)
    assert not blind.masks_author(viewer=citizen, target=challenge, author_id=team.pk)
    assert not blind.masks_author(viewer=evaluator, target=challenge, author_id=citizen.pk)
    comment = comments.comment_add(actor=team, target=challenge, body="We will read all.")
    seen_by = {
        person: selectors.comment_author_label(viewer=person, comment=comment, target=challenge)
        for person in (evaluator, citizen)
    }
    assert seen_by == {evaluator: "One of the challenge's team", citizen: "Cleo Team"}


def test_an_object_without_a_moderation_takes_no_reports(challenge):
    with pytest.raises(PermissionDenied):
        moderation.flag_add(actor=UserFactory(), item=challenge, reason=FlagReason.SPAM)
    assert not Flag.objects.exists()
    assert selectors.moderation_queue(organisation=challenge.organisation) == []


# The pages and the API serve the new model at its own segment, with no view of its own.


def test_the_discussion_pages_serve_the_new_model(client, challenge):
    reader = UserFactory()
    client.force_login(reader)
    comment_page = discussion_url("comment_add", challenge)
    assert comment_page.endswith(f"/test-challenges/{challenge.pk}/comments/")
    response = client.post(comment_page, {"body": "Who runs the pilot?"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{challenge.get_absolute_url()}#comment-{comment.pk}"
    assert comment.target == challenge
    client.post(discussion_url("follow", challenge), {"action": "follow"})
    assert Follow.objects.filter(user=reader, object_id=challenge.pk).exists()
    reply = client.get(discussion_url("comment_reply", challenge, comment_pk=comment.pk))
    assert "Reply to" in reply.content.decode()


def test_an_unregistered_segment_is_not_an_address(client):
    client.force_login(UserFactory())
    challenge = ChallengeFactory()
    url = f"/organisations/{challenge.organisation.slug}/test-challenges/{challenge.pk}/comments/"
    assert client.post(url, {"body": "Anyone?"}).status_code == 404
    assert not Comment.objects.exists()


def test_a_model_without_moderation_has_no_moderation_pages(client, challenge):
    client.force_login(member(challenge.organisation, Role.MODERATOR))
    assert client.get(discussion_url("moderate", challenge, action="hide")).status_code == 404


def test_the_api_serves_the_new_model_under_its_kind(challenge):
    api = NinjaAPI(urls_namespace="registry-test-api")
    api.add_router("", discussion_api.build_router())
    paths = api.get_openapi_schema(path_prefix="")["paths"]
    assert "/test-challenges/{test_challenge_id}/comments" in paths
    assert "/test-challenges/{test_challenge_id}/follow" in paths
    assert "/test-challenges/{test_challenge_id}/flags" in paths
    # No moderation registered: no moderation endpoints for it.
    assert not any(path.startswith("/moderation/test-challenges") for path in paths)
