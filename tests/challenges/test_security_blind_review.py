"""Blind review holds outside the scoring page: an evaluator assigned in a challenge under
blind review does not learn who wrote its ideas by opening the idea page, its history or the
idea API while the review is under way. Everyone else still sees the authors, and the
evaluator sees them once the review is over."""

import pytest
from django.urls import reverse

from civiclab.challenges.models import Audience, PhaseKind
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory, during
from tests.challenges.test_evaluation_support import assign, evaluators, scorecard_with_criteria
from tests.discussion.pages import discussion_url
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def blind_idea():
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW, audience=Audience.STAFF)
    scorecard_with_criteria(challenge, blind=True)
    author = member(challenge.organisation, Role.STAFF, display_name="Priya Ramaswamy")
    coauthor = member(challenge.organisation, Role.STAFF, display_name="Tomasz Wielki")
    idea = IdeaFactory(challenge=challenge, author=author, title="Shared vans for home care")
    idea.coauthors.create(user=coauthor, status="accepted")
    idea.revisions.create(editor=coauthor, content={"title": idea.title})
    (evaluator,) = evaluators(challenge.organisation, 1)
    assign(idea, evaluator)
    return idea, evaluator


def page(client, name, idea):
    url = reverse(f"challenges:{name}", kwargs={"org_slug": idea.organisation.slug, "pk": idea.pk})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", ["idea_detail", "idea_history"])
def test_assigned_evaluator_does_not_see_the_authors_during_blind_review(client, blind_idea, name):
    idea, evaluator = blind_idea
    client.force_login(evaluator)
    text = page(client, name, idea)
    if name == "idea_detail":
        assert "Shared vans for home care" in text
    assert "Priya Ramaswamy" not in text
    assert "Tomasz Wielki" not in text


def test_assigned_evaluator_gets_no_authors_from_the_idea_api(client, blind_idea):
    idea, evaluator = blind_idea
    client.force_login(evaluator)
    body = client.get(f"/api/v1/ideas/{idea.pk}").json()
    assert body["title"] == "Shared vans for home care"
    assert body["author"] is None
    assert body["coauthors"] == []


def test_other_staff_still_see_the_authors(client, blind_idea):
    idea, _evaluator = blind_idea
    client.force_login(member(idea.organisation, Role.STAFF))
    assert "Priya Ramaswamy" in page(client, "idea_detail", idea)
    assert client.get(f"/api/v1/ideas/{idea.pk}").json()["author"]["display_name"]


def test_managers_see_the_authors(client, blind_idea):
    idea, _evaluator = blind_idea
    client.force_login(member(idea.organisation, Role.INNOVATION_LEAD))
    assert "Tomasz Wielki" in page(client, "idea_detail", idea)


def test_evaluator_sees_the_authors_once_the_review_is_over(client, blind_idea):
    idea, evaluator = blind_idea
    with during(idea.challenge, PhaseKind.SELECTION):
        client.force_login(evaluator)
        assert "Priya Ramaswamy" in page(client, "idea_detail", idea)


def test_open_review_names_the_authors_to_evaluators(client, blind_idea):
    idea, evaluator = blind_idea
    idea.challenge.scorecard.blind = False
    idea.challenge.scorecard.save()
    client.force_login(evaluator)
    assert "Priya Ramaswamy" in page(client, "idea_detail", idea)


def test_unassigned_citizen_unaffected(client, blind_idea):
    idea, _evaluator = blind_idea
    client.force_login(UserFactory())
    # A staff-only challenge: a citizen without a role does not see it at all.
    url = reverse(
        "challenges:idea_detail", kwargs={"org_slug": idea.organisation.slug, "pk": idea.pk}
    )
    assert client.get(url).status_code == 404


# The comment thread: a comment by the author or a co-author must not give them away.


@pytest.fixture
def blind_public_idea():
    """A public challenge under blind review; its author, a co-author and a citizen comment."""
    return blind_public_idea_in(PhaseKind.REVIEW)


def blind_public_idea_in(phase):
    from civiclab.discussion.models import Comment

    challenge = ChallengeFactory(phase=phase, audience=Audience.PUBLIC)
    scorecard_with_criteria(challenge, blind=True)
    author = UserFactory(display_name="Priya Ramaswamy")
    coauthor = UserFactory(display_name="Tomasz Wielki")
    idea = IdeaFactory(challenge=challenge, author=author, title="Shared vans for home care")
    idea.coauthors.create(user=coauthor, status="accepted")
    by_author = Comment.objects.create(target=idea, author=author, body="We tried this in 2019.")
    Comment.objects.create(target=idea, author=coauthor, body="And the drivers agreed.")
    Comment.objects.create(target=idea, author=UserFactory(display_name="Olu Adeyemi"), body="Yes!")
    (evaluator,) = evaluators(challenge.organisation, 1)
    assign(idea, evaluator)
    return idea, evaluator, by_author


def comments_api(client, idea):
    response = client.get(f"/api/v1/ideas/{idea.pk}/comments", {"page_size": 50})
    assert response.status_code == 200
    return response.json()["items"]


def comment_page(client, name, comment):
    response = client.get(discussion_url(name, comment))
    assert response.status_code == 200
    return response.content.decode()


def test_assigned_evaluator_reads_the_authors_comments_without_their_names(
    client, blind_public_idea
):
    idea, evaluator, _by_author = blind_public_idea
    client.force_login(evaluator)
    text = page(client, "idea_detail", idea)
    assert "We tried this in 2019." in text
    assert "Priya Ramaswamy" not in text
    assert "Tomasz Wielki" not in text
    assert "One of the idea&#x27;s authors" in text
    # Other commenters keep their names.
    assert "Olu Adeyemi" in text


def test_assigned_evaluator_gets_no_author_names_from_the_comments_api(client, blind_public_idea):
    idea, evaluator, _by_author = blind_public_idea
    client.force_login(evaluator)
    items = comments_api(client, idea)
    assert [item["author"] for item in items[:2]] == [None, None]
    assert [item["by_idea_author"] for item in items] == [True, True, False]
    assert items[2]["author"]["display_name"] == "Olu Adeyemi"
    assert "Priya Ramaswamy" not in str(items) and "Tomasz Wielki" not in str(items)


def test_report_page_of_an_authors_comment_does_not_name_them(client, blind_public_idea):
    _idea, evaluator, by_author = blind_public_idea
    client.force_login(evaluator)
    assert "Priya Ramaswamy" not in comment_page(client, "flag_comment", by_author)


def test_reply_page_and_fragment_do_not_name_the_author(client):
    # Comments are open while ideas come in; the scorecard is blind from the start.
    idea, evaluator, by_author = blind_public_idea_in(PhaseKind.SUBMISSION)
    client.force_login(evaluator)
    url = reverse(
        "discussion:comment_reply",
        kwargs={
            "org_slug": idea.organisation.slug,
            "on": "ideas",
            "pk": idea.pk,
            "comment_pk": by_author.pk,
        },
    )
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        text = response.content.decode()
        assert "We tried this in 2019." in text
        assert "Priya Ramaswamy" not in text


def test_a_citizen_still_reads_the_authors_names_on_a_public_challenge(client, blind_public_idea):
    idea, _evaluator, _by_author = blind_public_idea
    client.force_login(UserFactory())
    assert "Priya Ramaswamy" in page(client, "idea_detail", idea)
    items = comments_api(client, idea)
    assert items[0]["author"]["display_name"] == "Priya Ramaswamy"
    assert items[0]["by_idea_author"] is True


def test_evaluator_reads_the_authors_names_in_the_thread_after_the_review(
    client, blind_public_idea
):
    idea, evaluator, _by_author = blind_public_idea
    with during(idea.challenge, PhaseKind.SELECTION):
        client.force_login(evaluator)
        text = page(client, "idea_detail", idea)
        assert "Priya Ramaswamy" in text and "Tomasz Wielki" in text
        assert comments_api(client, idea)[0]["author"]["display_name"] == "Priya Ramaswamy"


def test_withholding_the_names_costs_the_same_queries_however_long_the_thread(
    client, blind_public_idea, django_assert_max_num_queries
):
    from civiclab.discussion.models import Comment

    idea, evaluator, _by_author = blind_public_idea
    client.force_login(evaluator)
    with django_assert_max_num_queries(60) as few:
        page(client, "idea_detail", idea)
    with django_assert_max_num_queries(20) as few_api:
        comments_api(client, idea)
    for number in range(20):
        Comment.objects.create(target=idea, author=idea.author, body=f"Note {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        text = page(client, "idea_detail", idea)
    assert "Note 19" in text and "Priya Ramaswamy" not in text
    with django_assert_max_num_queries(len(few_api.captured_queries)):
        assert len(comments_api(client, idea)) == 23


def test_comment_notifications_do_not_name_the_author_to_a_following_evaluator(blind_public_idea):
    from civiclab.core.models import Notification
    from civiclab.discussion.services.comments import comment_add

    idea, evaluator, _ = blind_public_idea
    follower = UserFactory(display_name="Olu's neighbour")
    idea.follows.create(user=evaluator)
    idea.follows.create(user=follower)

    comment_add(actor=idea.author, target=idea, body="Costs came down last year.")

    to_evaluator = Notification.objects.get(recipient=evaluator)
    to_follower = Notification.objects.get(recipient=follower)
    assert "Priya Ramaswamy" not in to_evaluator.body
    assert "One of the idea's authors" in to_evaluator.body
    assert "Priya Ramaswamy" in to_follower.body


# Everywhere else the authors' names could appear, and everyone who may be assigned.


def test_revisions_api_does_not_name_editors_under_blind_review(client, blind_idea):
    idea, evaluator = blind_idea
    client.force_login(evaluator)
    response = client.get(f"/api/v1/ideas/{idea.pk}/revisions")
    assert response.status_code == 200
    items = response.json()["items"]
    assert items and [item["editor"] for item in items] == [None] * len(items)
    assert "Tomasz Wielki" not in response.content.decode()
    client.force_login(member(idea.organisation, Role.STAFF))
    body = client.get(f"/api/v1/ideas/{idea.pk}/revisions").json()
    assert body["items"][0]["editor"]["display_name"] == "Tomasz Wielki"


def test_coauthors_page_hides_coauthors_under_blind_review(client, blind_idea):
    idea, evaluator = blind_idea
    client.force_login(evaluator)
    text = page(client, "idea_coauthors", idea)
    assert "Tomasz Wielki" not in text and "Priya Ramaswamy" not in text
    client.force_login(member(idea.organisation, Role.STAFF))
    assert "Tomasz Wielki" in page(client, "idea_coauthors", idea)


def test_unassigned_evaluator_cannot_read_author_names_during_submission(client):
    # Any evaluator of the organisation may be assigned later: blind review covers them all,
    # from the moment ideas come in.
    idea, _evaluator, _comment = blind_public_idea_in(PhaseKind.SUBMISSION)
    (unassigned,) = evaluators(idea.organisation, 1)
    client.force_login(unassigned)
    text = page(client, "idea_detail", idea)
    assert "Shared vans for home care" in text
    assert "Priya Ramaswamy" not in text and "Tomasz Wielki" not in text
    body = client.get(f"/api/v1/ideas/{idea.pk}").json()
    assert body["author"] is None and body["coauthors"] == []
    assert "Priya Ramaswamy" not in str(comments_api(client, idea))


def test_moderation_queue_masks_comment_authors_for_a_moderator_who_evaluates(client):
    from civiclab.discussion.services.moderation import flag_add

    idea, _evaluator, by_author = blind_public_idea_in(PhaseKind.SUBMISSION)
    # A moderator who is also an evaluator of the organisation, not (yet) assigned.
    moderator = member(idea.organisation, Role.MODERATOR, Role.EVALUATOR)
    flag_add(actor=UserFactory(), item=by_author, reason="spam")
    url = reverse("discussion:moderation_queue", kwargs={"org_slug": idea.organisation.slug})
    client.force_login(moderator)
    text = client.get(url).content.decode()
    assert "We tried this in 2019." in text
    assert "Comment by One of the idea" in text and "Priya Ramaswamy" not in text
    client.force_login(member(idea.organisation, Role.MODERATOR))
    assert "Comment by Priya Ramaswamy" in client.get(url).content.decode()


def test_inviting_an_assigned_evaluator_as_coauthor_is_refused(client, blind_idea):
    from civiclab.challenges.services.ideas import coauthor_invite

    idea, evaluator = blind_idea
    # Refused with the same answer as an unknown address: the author learns nothing.
    assert coauthor_invite(actor=idea.author, idea=idea, email=evaluator.email) is None
    assert not idea.coauthors.filter(user=evaluator).exists()
    client.force_login(evaluator)
    assert "Priya Ramaswamy" not in page(client, "idea_detail", idea)


def test_an_assigned_evaluator_cannot_accept_an_earlier_coauthor_invitation(blind_idea):
    from django.core.exceptions import PermissionDenied

    from civiclab.challenges.services.ideas import coauthor_respond

    idea, evaluator = blind_idea
    idea.coauthors.create(user=evaluator, status="invited")
    with pytest.raises(PermissionDenied):
        coauthor_respond(actor=evaluator, idea=idea, accept=True)
    assert idea.coauthors.get(user=evaluator).status == "invited"


def test_coauthor_invitation_does_not_name_the_author_to_an_evaluator_under_blind_review(client):
    from civiclab.challenges.services.ideas import coauthor_invite
    from civiclab.core.models import Notification

    idea, _evaluator, _comment = blind_public_idea_in(PhaseKind.SUBMISSION)
    (unassigned,) = evaluators(idea.organisation, 1)
    assert coauthor_invite(actor=idea.author, idea=idea, email=unassigned.email) is not None
    notification = Notification.objects.get(recipient=unassigned)
    assert "Priya Ramaswamy" not in notification.title + notification.body
    client.force_login(unassigned)
    text = page(client, "idea_detail", idea)
    assert "invites you to write this idea" in text and "Priya Ramaswamy" not in text
