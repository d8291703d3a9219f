"""Deleting an account leaves no trace of the person's name in other people's inboxes and no
organisation without an administrator; downloading one's data includes one's evaluations."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from civiclab.accounts import services
from civiclab.challenges.models import CoAuthor, PhaseKind
from civiclab.challenges.services import evaluation as evaluation_services
from civiclab.challenges.services.ideas import coauthor_invite, coauthor_respond
from civiclab.core import personal_data
from civiclab.core.models import Notification
from civiclab.discussion.services.comments import comment_add
from civiclab.organisations.models import Membership, Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.challenges.test_evaluation_support import assign, scorecard_with_criteria
from tests.challenges.test_security_blind_review import blind_public_idea_in
from tests.factories import DEFAULT_PASSWORD, OrganisationFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def inbox_text(person) -> str:
    return " ".join(
        f"{title} {body}"
        for title, body in Notification.objects.filter(recipient=person).values_list(
            "title", "body"
        )
    )


def test_account_deletion_rewrites_name_in_others_notifications():
    author = UserFactory(display_name="Grace Hopper")
    idea = IdeaFactory(author=author, title="Benches by the river")
    leaving = UserFactory(display_name="Ada Lovelace", email="ada@example.org")
    bystander = UserFactory(display_name="Ada Lovelace Jr")
    comment_add(actor=leaving, target=idea, body="Yes, with shade please.")
    coauthor_invite(actor=author, idea=idea, email=leaving.email)
    coauthor_respond(actor=leaving, idea=idea, accept=True)
    comment_add(actor=bystander, target=idea, body="And a bin.")
    assert "Ada Lovelace wrote" in inbox_text(author)
    assert "Ada Lovelace is now a co-author" in inbox_text(author)

    services.user_delete(actor=leaving)

    text = inbox_text(author)
    assert "Ada Lovelace wrote" not in text
    assert "Ada Lovelace is now a co-author" not in text
    assert f"Deleted user {leaving.pk} wrote: Yes, with shade please." in text
    assert f"Deleted user {leaving.pk} is now a co-author" in text
    # Someone else with a similar name keeps theirs.
    assert "Ada Lovelace Jr wrote: And a bin." in text


def test_a_notification_that_masks_its_writer_keeps_no_link_to_them():
    """Under blind review an evaluator reads "one of the authors": the row must not say who."""
    idea, evaluator, _ = blind_public_idea_in(PhaseKind.REVIEW)
    follower = UserFactory()
    idea.follows.create(user=evaluator)
    idea.follows.create(user=follower)
    comment_add(actor=idea.author, target=idea, body="Costs came down last year.")
    assert Notification.objects.get(recipient=evaluator).actor_id is None
    assert Notification.objects.get(recipient=follower).actor_id == idea.author_id


def test_account_deletion_rewrites_the_inviters_name_in_the_invitees_inbox():
    author = UserFactory(display_name="Grace Hopper")
    idea = IdeaFactory(author=author, title="Benches by the river")
    invitee = UserFactory()
    coauthor_invite(actor=author, idea=idea, email=invitee.email)
    assert "Grace Hopper invites you" in inbox_text(invitee)
    CoAuthor.objects.filter(idea=idea, user=invitee).delete()  # the invitation is gone since

    services.user_delete(actor=author)

    assert "Grace Hopper" not in inbox_text(invitee)
    assert f"Deleted user {author.pk} invites you" in inbox_text(invitee)


def test_last_admin_of_active_organisation_cannot_delete_account():
    organisation = OrganisationFactory(name="City of Utrecht")
    admin = member(organisation, Role.ADMIN, Role.EVALUATOR)
    with pytest.raises(ValidationError) as error:
        services.user_delete(actor=admin)
    assert "City of Utrecht" in error.value.messages[0]
    admin.refresh_from_db()
    assert not admin.is_anonymised
    assert Membership.objects.filter(user=admin, role=Role.ADMIN).exists()


def test_the_delete_page_says_why_the_last_admin_cannot_leave(client):
    organisation = OrganisationFactory(name="City of Utrecht")
    admin = member(organisation, Role.ADMIN)
    client.force_login(admin)
    response = client.post(reverse("accounts:delete"), {"current_password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert "City of Utrecht" in response.content.decode()
    admin.refresh_from_db()
    assert not admin.is_anonymised


def test_an_admin_with_a_fellow_admin_or_of_an_inactive_organisation_can_delete():
    shared = OrganisationFactory()
    leaving = member(shared, Role.ADMIN)
    member(shared, Role.ADMIN)
    closed = OrganisationFactory(is_active=False)
    Membership.objects.create(organisation=closed, user=leaving, role=Role.ADMIN)
    services.user_delete(actor=leaving)
    leaving.refresh_from_db()
    assert leaving.is_anonymised


def test_data_download_includes_evaluation_scores_and_comments():
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    idea = IdeaFactory(challenge=challenge, title="Benches by the river")
    evaluator = member(challenge.organisation, Role.EVALUATOR)
    evaluation_services.evaluation_save(
        actor=evaluator,
        assignment=assign(idea, evaluator),
        scores={
            impact.pk: evaluation_services.ScoreInput(4, "Many walkers use the path"),
            cost.pk: evaluation_services.ScoreInput(2),
        },
        comment="Worth doing before summer.",
        submit=True,
    )

    exported = personal_data.export_for(evaluator)

    [evaluation] = exported["challenges.evaluation"]
    assert evaluation["idea_id"] == idea.pk
    assert evaluation["comment"] == "Worth doing before summer."
    assert evaluation["submitted_at"] is not None
    scores = {row["criterion_name"]: row for row in exported["challenges.score"]}
    assert scores["Impact"]["value"] == 4
    assert scores["Impact"]["comment"] == "Many walkers use the path"
    assert scores["Cost"]["value"] == 2
    assert exported["challenges.score"][0]["idea_id"] == idea.pk
    assert personal_data.export_for(UserFactory())["challenges.score"] == []


def test_the_walk_follows_one_level_of_foreign_keys(monkeypatch):
    """A model that points to a person's row (an evaluation to its assignment, a score to
    its evaluation) must be registered or excluded like one that points to the person."""
    for label in ("challenges.evaluation", "challenges.score"):
        entries = {k: v for k, v in personal_data._entries.items() if k != label}
        monkeypatch.setattr(personal_data, "_entries", entries)
        assert label in personal_data.uncovered_models()
        monkeypatch.undo()
    assert personal_data.uncovered_models() == []
