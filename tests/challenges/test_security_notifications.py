"""Notifications reach only people who may still read what they are about.

A member removed from an organisation kept receiving comment excerpts and decision reasons on
the staff-only ideas they once followed, by e-mail and on their notifications page. Now each
delivery asks again whether the recipient may read the idea, and e-mails carry only a title
the recipient may read and a link.
"""

import pytest
from django.core import mail
from django.urls import reverse

from civiclab.challenges.models import Audience, IdeaStatus, PhaseKind
from civiclab.challenges.services.status import idea_set_status
from civiclab.core.models import Notification
from civiclab.core.notifications import inbox, notify, send_notification_emails, unread_count
from civiclab.discussion.services import comments
from civiclab.discussion.services.follows import follow_ensure
from civiclab.organisations.services import member_remove
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

SECRET_COMMENT = "The budget line is 1.2 million; do not share before the council meets."
SECRET_REASON = "The alderman vetoed it because of the coalition agreement."


def staff_only_idea(phase: str = PhaseKind.SUBMISSION):
    challenge = ChallengeFactory(audience=Audience.STAFF, phase=phase)
    author = member(challenge.organisation, "staff")
    return IdeaFactory(challenge=challenge, author=author)


def mail_to(user) -> str:
    return "\n".join(m.subject + "\n" + m.body for m in mail.outbox if user.email in m.to)


def test_removed_member_gets_no_staff_only_comment_excerpt(
    client, django_capture_on_commit_callbacks
):
    idea = staff_only_idea()
    organisation = idea.organisation
    admin = member(organisation, "admin")
    colleague = member(organisation, "staff")
    leaver = member(organisation, "staff")
    follow_ensure(user=leaver, target=idea)

    # A comment while they are a member; they are removed before its e-mail leaves.
    with django_capture_on_commit_callbacks(execute=False) as pending:
        comments.comment_add(actor=colleague, target=idea, body=SECRET_COMMENT)
    member_remove(actor=admin, organisation=organisation, user=leaver)
    for callback in pending:
        callback()
    # And a comment after they left.
    with django_capture_on_commit_callbacks(execute=True):
        comments.comment_add(actor=colleague, target=idea, body=SECRET_COMMENT + " Again.")

    assert SECRET_COMMENT not in mail_to(leaver)
    assert idea.title not in mail_to(leaver)
    assert mail_to(idea.author)  # the author, still a member, is told
    client.force_login(leaver)
    page = client.get(reverse("notifications")).content.decode()
    assert SECRET_COMMENT not in page and idea.title not in page
    assert Notification.objects.filter(recipient=leaver).count() == 1  # the first, kept


def test_removed_member_stops_receiving_decision_reasons(
    client, django_capture_on_commit_callbacks
):
    idea = staff_only_idea(PhaseKind.REVIEW)
    organisation = idea.organisation
    admin = member(organisation, "admin")
    lead = member(organisation, "innovation_lead")
    leaver = member(organisation, "staff")
    follow_ensure(user=leaver, target=idea)
    with django_capture_on_commit_callbacks(execute=True):
        idea_set_status(actor=lead, idea=idea, status=IdeaStatus.UNDER_REVIEW, reason=SECRET_REASON)
    client.force_login(leaver)
    assert SECRET_REASON in client.get(reverse("notifications")).content.decode()

    member_remove(actor=admin, organisation=organisation, user=leaver)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        idea_set_status(
            actor=lead, idea=idea, status=IdeaStatus.SHORTLISTED, reason=SECRET_REASON + " 2"
        )

    assert mail_to(leaver) == ""
    assert mail_to(idea.author)
    page = client.get(reverse("notifications")).content.decode()
    assert SECRET_REASON not in page and idea.title not in page
    assert unread_count(leaver) == 0
    assert not Notification.objects.filter(recipient=leaver, body__contains=" 2").exists()


def test_notification_email_carries_only_title_and_link(django_capture_on_commit_callbacks):
    idea = IdeaFactory(challenge=ChallengeFactory(phase=PhaseKind.REVIEW))
    lead = member(idea.organisation, "innovation_lead")
    follower, writer = UserFactory(), UserFactory()
    follow_ensure(user=follower, target=idea)
    with django_capture_on_commit_callbacks(execute=True):
        idea_set_status(actor=lead, idea=idea, status=IdeaStatus.UNDER_REVIEW, reason=SECRET_REASON)
    with django_capture_on_commit_callbacks(execute=True):
        comments.comment_add(actor=writer, target=idea, body=SECRET_COMMENT)

    told = [m for m in mail.outbox if follower.email in m.to]
    assert len(told) == 2
    for message in told:
        assert idea.title in message.subject
        assert idea.get_absolute_url() in message.body
        assert SECRET_REASON not in message.body and SECRET_COMMENT not in message.body
        assert writer.display_name not in message.body
    # The details are on the notifications page, behind the same check.
    assert {n.body for n in inbox(follower)} >= {SECRET_REASON}


def test_in_app_notification_for_an_unreadable_idea_is_not_shown(
    client, django_capture_on_commit_callbacks
):
    idea = IdeaFactory()
    citizen = UserFactory()
    follow_ensure(user=citizen, target=idea)
    writer = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        comments.comment_add(actor=writer, target=idea, body="Lovely, and cheap too.")
    [notification] = Notification.objects.filter(recipient=citizen)
    client.force_login(citizen)
    assert idea.title in client.get(reverse("notifications")).content.decode()

    # The challenge is closed to the organisation's staff: the citizen may no longer read it.
    idea.challenge.audience = Audience.STAFF
    idea.challenge.save(update_fields=["audience"])

    page = client.get(reverse("notifications")).content.decode()
    assert idea.title not in page and "Lovely, and cheap too." not in page
    assert unread_count(citizen) == 0
    assert list(inbox(citizen)) == []
    opened = client.post(
        reverse("notification_read", kwargs={"pk": notification.pk}), {"open": "1"}
    )
    assert opened.status_code == 404
    # Nor is its e-mail sent, should one still be waiting in the queue (not yet e-mailed).
    mail.outbox.clear()
    Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
    assert send_notification_emails.call([notification.pk]) == {
        "sent": 0,
        "failed": 0,
        "withheld": 1,
    }
    assert mail.outbox == []


def test_rechecking_the_page_does_not_grow_with_the_ideas(client, django_assert_max_num_queries):
    citizen = UserFactory()
    ideas = [IdeaFactory() for _ in range(20)]
    for n in range(40):
        notify(recipients=[citizen], verb="t.a", title=f"n{n}", about=ideas[n % 20], email=False)
    client.force_login(citizen)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("notifications")).content.decode()
    assert "n39" in page
