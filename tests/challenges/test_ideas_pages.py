"""The idea pages: submitting (with the similar-ideas step), the idea's page, editing with its
history, status decisions and co-authors."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from civiclab.challenges.models import (
    Audience,
    CoAuthor,
    CoAuthorStatus,
    Idea,
    IdeaRevision,
    IdeaStatus,
    PhaseKind,
    StatusChange,
)
from civiclab.challenges.selectors.ideas import revision_history, word_diff
from civiclab.challenges.services._internal import record_status_change
from civiclab.challenges.services.ideas import idea_create, idea_update
from civiclab.challenges.services.status import idea_set_status
from civiclab.core.models import AuditEvent, Notification
from tests.challenges.factories import ChallengeFactory, IdeaFactory, TagFactory
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


def url(name, idea, **extra):
    return reverse(
        f"challenges:{name}", kwargs={"org_slug": idea.organisation.slug, "pk": idea.pk, **extra}
    )


def create_url(challenge):
    return reverse(
        "challenges:idea_create",
        kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
    )


NEW = {
    "title": "Benches along the river",
    "summary": "Places to rest for older walkers on the river path.",
    "description": "## Plan\n\n- ten benches\n- shade\n\n<script>alert(1)</script>",
    "expected_benefits": "More older people walk.",
    "beneficiaries": "Older residents",
    "innovation_types": ["service_product", "process"],
    "location_name": "River path",
    "latitude": "52.370216",
    "longitude": "4.895168",
}


# Submitting --------------------------------------------------------------------------------------


def test_anonymous_visitors_are_asked_to_sign_in(client):
    challenge = ChallengeFactory()
    response = client.get(create_url(challenge))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_form_outside_the_submission_phase_is_forbidden(client):
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    client.force_login(UserFactory())
    assert client.get(create_url(challenge)).status_code == 403


def test_a_staff_only_challenge_is_not_found_for_citizens(client):
    challenge = ChallengeFactory(audience=Audience.STAFF)
    client.force_login(UserFactory())
    assert client.get(create_url(challenge)).status_code == 404


def test_the_form_suggests_similar_ideas_while_typing(client):
    challenge = ChallengeFactory()
    client.force_login(UserFactory())
    text = client.get(create_url(challenge)).content.decode()
    similar = reverse(
        "challenges:similar_ideas",
        kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
    )
    assert f'hx-get="{similar}"' in text
    assert 'hx-trigger="keyup changed delay:400ms"' in text
    assert 'id="similar-ideas" aria-live="polite"' in text
    assert 'enctype="multipart/form-data"' in text


def test_submitting_an_idea(client):
    challenge = ChallengeFactory()
    tag = TagFactory(organisation=challenge.organisation)
    person = UserFactory()
    client.force_login(person)
    response = client.post(create_url(challenge), {**NEW, "tags": [tag.pk]})
    idea = Idea.objects.get()
    assert response.status_code == 302
    assert response["Location"] == idea.get_absolute_url()
    assert idea.author == person
    assert idea.organisation == challenge.organisation
    assert idea.innovation_types == ["service_product", "process"]
    assert list(idea.tags.all()) == [tag]
    assert str(idea.latitude) == "52.370216"
    assert "<script" not in idea.description_html
    assert "<h4>Plan</h4>" in idea.description_html
    assert IdeaRevision.objects.filter(idea=idea).count() == 1
    assert AuditEvent.objects.filter(action="challenges.idea_created").exists()


def test_missing_fields_are_listed_in_the_error_summary(client):
    challenge = ChallengeFactory()
    client.force_login(UserFactory())
    response = client.post(create_url(challenge), {"title": "", "latitude": "95"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text
    assert 'href="#id_title"' in text
    assert 'href="#id_summary"' in text
    assert 'href="#id_latitude"' in text
    assert not Idea.objects.exists()


def test_latitude_without_longitude_is_explained(client):
    challenge = ChallengeFactory()
    client.force_login(UserFactory())
    response = client.post(create_url(challenge), {**NEW, "longitude": ""})
    assert "Give the longitude too" in response.content.decode()


def test_without_javascript_similar_ideas_are_shown_before_saving(client):
    challenge = ChallengeFactory()
    existing = IdeaFactory(
        challenge=challenge,
        title="Benches along the river path",
        summary="Places to rest for older walkers along the river.",
    )
    client.force_login(UserFactory())
    response = client.post(create_url(challenge), NEW)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Did you mean one of these?" in text
    assert existing.get_absolute_url() in text
    assert 'name="confirmed"' in text
    assert Idea.objects.count() == 1
    response = client.post(create_url(challenge), {**NEW, "confirmed": "1"})
    assert response.status_code == 302
    assert Idea.objects.count() == 2


def test_without_similar_ideas_the_first_submit_saves(client):
    challenge = ChallengeFactory()
    IdeaFactory(challenge=challenge, title="Free wifi in libraries", summary="Internet access.")
    client.force_login(UserFactory())
    response = client.post(create_url(challenge), NEW)
    assert response.status_code == 302


# The idea's page ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", IdeaStatus.values)
def test_the_page_shows_where_the_idea_stands(client, status):
    idea = IdeaFactory(status=status, status_reason=f"Reason for {status}.")
    if status == IdeaStatus.MERGED:
        idea.merged_into = IdeaFactory(challenge=idea.challenge, title="The surviving idea")
        idea.save()
    response = client.get(idea.get_absolute_url())
    text = response.content.decode()
    assert response.status_code == 200
    assert idea.title in text
    assert str(IdeaStatus(status).label) in text
    assert f"Reason for {status}." in text
    assert "What became of this idea" in text
    if status == IdeaStatus.MERGED:
        assert "Merged into" in text and "The surviving idea" in text


def test_the_page_tells_the_history_with_reasons_and_the_ledger_link(client):
    idea = IdeaFactory(challenge=ChallengeFactory(phase=PhaseKind.SELECTION))
    lead = member(idea.organisation, "innovation_lead")
    idea_set_status(actor=lead, idea=idea, status="under_review", reason="Reviewing now.")
    idea_set_status(actor=lead, idea=idea, status="shortlisted", reason="Strong case.")
    change = idea_set_status(
        actor=member(idea.organisation, "decision_maker"),
        idea=idea,
        status="selected",
        reason="Funded for a pilot.",
    )
    text = client.get(idea.get_absolute_url()).content.decode()
    assert text.index("Reviewing now.") < text.index("Strong case.")
    assert "Funded for a pilot." in text
    assert reverse("ledger:entry", kwargs={"seq": change.ledger_sequence}) in text


def test_the_description_is_shown_sanitised(client):
    idea = IdeaFactory()
    idea_update(actor=idea.author, idea=idea, description="Hi <img src=x onerror=alert(1)>")
    text = client.get(idea.get_absolute_url()).content.decode()
    assert "onerror" not in text


def test_hidden_ideas_are_not_found_for_the_public(client):
    idea = IdeaFactory(is_hidden=True, hidden_reason="Contains a phone number")
    assert client.get(idea.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(idea.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("who", ["author", "moderator"])
def test_hidden_ideas_show_a_banner_to_authors_and_moderators(client, who):
    idea = IdeaFactory(is_hidden=True, hidden_reason="Contains a phone number")
    person = idea.author if who == "author" else member(idea.organisation, "moderator")
    client.force_login(person)
    text = client.get(idea.get_absolute_url()).content.decode()
    assert "Hidden by moderators" in text
    assert "Contains a phone number" in text


def test_an_idea_is_only_found_under_its_own_organisation(client):
    idea = IdeaFactory()
    other = ChallengeFactory()
    response = client.get(
        reverse(
            "challenges:idea_detail",
            kwargs={"org_slug": other.organisation.slug, "pk": idea.pk},
        )
    )
    assert response.status_code == 404


def test_the_page_offers_actions_to_the_right_people(client):
    idea = IdeaFactory(challenge=ChallengeFactory(phase=PhaseKind.REVIEW))
    text = client.get(idea.get_absolute_url()).content.decode()
    assert url("idea_edit", idea) not in text
    assert url("idea_status", idea) not in text
    client.force_login(idea.author)
    text = client.get(idea.get_absolute_url()).content.decode()
    assert url("idea_edit", idea) in text and url("idea_coauthors", idea) in text
    client.force_login(member(idea.organisation, "innovation_lead"))
    text = client.get(idea.get_absolute_url()).content.decode()
    assert url("idea_status", idea) in text and url("idea_edit", idea) not in text


# Editing and the history -------------------------------------------------------------------------


def test_the_author_edits_and_a_revision_is_kept(client):
    idea = IdeaFactory()
    client.force_login(idea.author)
    form = client.get(url("idea_edit", idea)).content.decode()
    assert idea.title in form
    response = client.post(
        url("idea_edit", idea),
        {
            "title": "Solar lamps on the canal",
            "summary": idea.summary,
            "description": "Solar lamps along the canal path, switched on by sensors.",
        },
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.title == "Solar lamps on the canal"
    assert IdeaRevision.objects.filter(idea=idea).count() == 1
    event = AuditEvent.objects.get(action="challenges.idea_changed")
    assert "title" in event.details["fields"]


def test_others_cannot_edit(client):
    idea = IdeaFactory()
    assert client.get(url("idea_edit", idea)).status_code == 302  # sign in first
    client.force_login(UserFactory())
    assert client.get(url("idea_edit", idea)).status_code == 403
    client.force_login(member(idea.organisation, "admin"))
    assert client.post(url("idea_edit", idea), {"title": "x"}).status_code == 403


def test_no_edits_once_the_idea_is_decided(client):
    idea = IdeaFactory(status=IdeaStatus.SHORTLISTED)
    client.force_login(idea.author)
    assert client.get(url("idea_edit", idea)).status_code == 403


def test_word_diff_marks_what_changed():
    assert word_diff("ten old benches", "ten new benches") == [
        ("equal", "ten "),
        ("delete", "old"),
        ("insert", "new"),
        ("equal", " benches"),
    ]


def test_the_history_shows_a_readable_escaped_diff(client):
    idea = IdeaFactory(title="Lamps", description="Old text")
    idea_update(actor=idea.author, idea=idea, title="Lamps", description="Old text")
    idea_update(actor=idea.author, idea=idea, title="Solar lamps", description="<b>New</b> text")
    history = revision_history(idea=idea)
    assert [item.number for item in history] == [2, 1]
    changed = {change.name for change in history[0].changes}
    assert changed == {"title", "description"}
    text = client.get(url("idea_history", idea)).content.decode()
    assert "<ins>" in text and "<del>" in text
    assert "&lt;b&gt;New&lt;/b&gt;" in text
    assert "<b>New</b>" not in text


def test_the_history_of_a_hidden_idea_is_hidden_too(client):
    idea = IdeaFactory(is_hidden=True)
    assert client.get(url("idea_history", idea)).status_code == 404


# Status decisions --------------------------------------------------------------------------------


def test_the_status_page_offers_only_the_allowed_statuses(client):
    idea = IdeaFactory(challenge=ChallengeFactory(phase=PhaseKind.SUBMISSION))
    client.force_login(member(idea.organisation, "innovation_lead"))
    text = client.get(url("idea_status", idea)).content.decode()
    assert 'value="under_review"' in text and 'value="declined"' in text
    assert 'value="shortlisted"' not in text and 'value="selected"' not in text


def test_the_status_page_needs_a_reason(client):
    idea = IdeaFactory()
    client.force_login(member(idea.organisation, "innovation_lead"))
    response = client.post(url("idea_status", idea), {"status": "under_review", "reason": ""})
    text = response.content.decode()
    assert "There is a problem" in text and 'href="#id_reason"' in text
    assert not StatusChange.objects.exists()


def test_changing_the_status_tells_the_people(client, django_capture_on_commit_callbacks):
    idea = IdeaFactory()
    client.force_login(member(idea.organisation, "innovation_lead"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("idea_status", idea), {"status": "declined", "reason": "Already planned."}
        )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.DECLINED
    assert Notification.objects.filter(recipient=idea.author).exists()
    assert [m.to for m in mail.outbox] == [[idea.author.email]]


@pytest.mark.parametrize("role", [None, "evaluator", "staff", "decision_maker", "moderator"])
def test_others_get_no_status_page(client, role):
    idea = IdeaFactory()
    client.force_login(member(idea.organisation, role) if role else UserFactory())
    assert client.get(url("idea_status", idea)).status_code == 403


def test_the_status_page_refuses_a_status_not_offered(client):
    idea = IdeaFactory(challenge=ChallengeFactory(phase=PhaseKind.SUBMISSION))
    client.force_login(member(idea.organisation, "innovation_lead"))
    response = client.post(url("idea_status", idea), {"status": "selected", "reason": "x"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_merged_ideas_show_what_they_were_merged_into(client):
    target = IdeaFactory(title="The bigger idea")
    idea = IdeaFactory(challenge=target.challenge)
    record_status_change(actor=None, idea=idea, status="merged", reason="Same proposal.")
    idea.merged_into = target
    idea.save()
    text = client.get(idea.get_absolute_url()).content.decode()
    assert "Merged into" in text and target.get_absolute_url() in text


# Co-authors --------------------------------------------------------------------------------------


def test_the_co_author_flow(client, django_capture_on_commit_callbacks):
    idea = IdeaFactory()
    friend = UserFactory()
    client.force_login(idea.author)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("idea_coauthors", idea), {"email": friend.email.upper()})
    assert response.status_code == 302
    invitation = CoAuthor.objects.get(idea=idea, user=friend)
    assert invitation.status == CoAuthorStatus.INVITED
    assert Notification.objects.filter(recipient=friend, verb="challenges.coauthor_invited")
    assert [m.to for m in mail.outbox] == [[friend.email]]

    # Not yet a co-author: cannot edit.
    client.force_login(friend)
    assert client.get(url("idea_edit", idea)).status_code == 403
    text = client.get(idea.get_absolute_url()).content.decode()
    assert "You are invited to co-author this idea" in text
    response = client.post(url("idea_coauthor_respond", idea), {"answer": "accept"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == CoAuthorStatus.ACCEPTED
    assert client.get(url("idea_edit", idea)).status_code == 200
    assert friend.display_name in client.get(idea.get_absolute_url()).content.decode()

    # The author removes them again.
    client.force_login(idea.author)
    response = client.post(url("idea_coauthor_remove", idea, coauthor_pk=invitation.pk))
    assert response.status_code == 302
    assert not CoAuthor.objects.filter(pk=invitation.pk).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "challenges.coauthor_invited",
        "challenges.coauthor_accepted",
        "challenges.coauthor_removed",
    } <= actions


def test_declining_an_invitation(client):
    idea = IdeaFactory()
    friend = UserFactory()
    CoAuthor.objects.create(idea=idea, user=friend, status=CoAuthorStatus.INVITED)
    client.force_login(friend)
    client.post(url("idea_coauthor_respond", idea), {"answer": "decline"})
    assert CoAuthor.objects.get(idea=idea, user=friend).status == CoAuthorStatus.DECLINED
    assert not friend.has_perm("challenges.change_idea", idea)


def test_nobody_answers_an_invitation_they_did_not_get(client):
    idea = IdeaFactory()
    client.force_login(UserFactory())
    assert client.post(url("idea_coauthor_respond", idea), {"answer": "accept"}).status_code == 403


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not an address", "Enter a valid email address"),
        ("AUTHOR", "You are already the author"),
    ],
)
def test_invitation_errors_are_explained(client, email, message):
    idea = IdeaFactory()
    client.force_login(idea.author)
    email = idea.author.email if email == "AUTHOR" else email
    response = client.post(url("idea_coauthors", idea), {"email": email})
    text = response.content.decode()
    assert "There is a problem" in text and message in text
    assert not CoAuthor.objects.filter(idea=idea).exists()


def _invite(client, idea, email, capture):
    """Post an invitation; returns the page the author lands on and the notifications sent."""
    before = Notification.objects.count()
    with capture(execute=True):
        response = client.post(url("idea_coauthors", idea), {"email": email}, follow=True)
    return response, Notification.objects.count() - before


NEUTRAL = "has an account that can take part in this challenge, we have invited them"


def test_an_unknown_address_gets_the_same_answer_as_a_real_invitation(
    client, django_capture_on_commit_callbacks
):
    idea = IdeaFactory()
    friend = UserFactory(email="friend@example.org")
    client.force_login(idea.author)

    real, real_sent = _invite(client, idea, friend.email, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    unknown, unknown_sent = _invite(
        client, idea, "nobody@example.org", django_capture_on_commit_callbacks
    )

    assert real.redirect_chain == unknown.redirect_chain == [(url("idea_coauthors", idea), 302)]
    assert f"If friend@example.org {NEUTRAL}" in real.content.decode()
    assert f"If nobody@example.org {NEUTRAL}" in unknown.content.decode()
    assert "There is a problem" not in unknown.content.decode()
    assert real_sent == 1 and unknown_sent == 0
    assert list(CoAuthor.objects.filter(idea=idea).values_list("user", flat=True)) == [friend.pk]
    assert mail.outbox == []
    assert AuditEvent.objects.filter(action="challenges.coauthor_invited").count() == 1


@pytest.mark.parametrize("how", ["inactive", "outsider"])
def test_no_one_who_may_not_take_part_is_invited_and_the_author_is_not_told(
    client, django_capture_on_commit_callbacks, how
):
    idea = IdeaFactory(challenge=ChallengeFactory(audience=Audience.STAFF))
    colleague = member(idea.organisation, "staff")
    idea.author = colleague
    idea.save()
    if how == "inactive":
        person = member(idea.organisation, "staff")
        person.is_active = False
        person.save()
    else:
        person = UserFactory()
    client.force_login(colleague)

    response, sent = _invite(client, idea, person.email, django_capture_on_commit_callbacks)

    assert response.redirect_chain == [(url("idea_coauthors", idea), 302)]
    assert f"If {person.email} {NEUTRAL}" in response.content.decode()
    assert "cannot take part" not in response.content.decode()
    assert sent == 0 and mail.outbox == []
    assert not CoAuthor.objects.filter(idea=idea).exists()
    assert not AuditEvent.objects.filter(action="challenges.coauthor_invited").exists()


def test_a_staff_colleague_is_invited_to_a_staff_only_idea(
    client, django_capture_on_commit_callbacks
):
    idea = IdeaFactory(challenge=ChallengeFactory(audience=Audience.STAFF))
    colleague, other = member(idea.organisation, "staff"), member(idea.organisation, "staff")
    idea.author = colleague
    idea.save()
    client.force_login(colleague)
    response, sent = _invite(client, idea, other.email, django_capture_on_commit_callbacks)
    assert f"If {other.email} {NEUTRAL}" in response.content.decode()
    assert sent == 1
    assert CoAuthor.objects.get(idea=idea).user == other


@override_settings(CHALLENGES_COAUTHOR_INVITE_RATE=(2, 3600))
def test_invitations_are_rate_limited_per_author(client):
    cache.clear()
    idea = IdeaFactory()
    client.force_login(idea.author)
    for number in range(2):
        response = client.post(url("idea_coauthors", idea), {"email": f"n{number}@example.org"})
        assert response.status_code == 302

    friend = UserFactory()
    response = client.post(url("idea_coauthors", idea), {"email": friend.email})

    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    text = response.content.decode()
    assert "There is a problem" in text and "too many co-author invitations" in text
    assert "Please wait" in text
    assert not CoAuthor.objects.filter(idea=idea).exists()  # the refused invitation sent nothing
    # Another author has their own allowance.
    other_idea = IdeaFactory(challenge=idea.challenge)
    client.force_login(other_idea.author)
    response = client.post(url("idea_coauthors", other_idea), {"email": friend.email})
    assert response.status_code == 302
    assert CoAuthor.objects.filter(idea=other_idea, user=friend).exists()


def test_a_second_invitation_is_refused(client):
    idea = IdeaFactory()
    friend = UserFactory()
    CoAuthor.objects.create(idea=idea, user=friend, status=CoAuthorStatus.INVITED)
    client.force_login(idea.author)
    response = client.post(url("idea_coauthors", idea), {"email": friend.email})
    assert "already a co-author or invited" in response.content.decode()
    assert CoAuthor.objects.filter(idea=idea).count() == 1


def test_an_accepted_co_author_is_not_invited_again(client):
    idea = IdeaFactory()
    friend = UserFactory()
    CoAuthor.objects.create(idea=idea, user=friend, status=CoAuthorStatus.ACCEPTED)
    client.force_login(idea.author)
    response = client.post(url("idea_coauthors", idea), {"email": friend.email})
    assert "already a co-author or invited" in response.content.decode()
    assert CoAuthor.objects.get(idea=idea).status == CoAuthorStatus.ACCEPTED


def test_only_the_author_invites(client):
    idea = IdeaFactory()
    coauthor = UserFactory()
    CoAuthor.objects.create(idea=idea, user=coauthor, status=CoAuthorStatus.ACCEPTED)
    client.force_login(coauthor)
    response = client.post(url("idea_coauthors", idea), {"email": UserFactory().email})
    assert response.status_code == 403


def test_a_co_author_may_leave(client):
    idea = IdeaFactory()
    coauthor = UserFactory()
    row = CoAuthor.objects.create(idea=idea, user=coauthor, status=CoAuthorStatus.ACCEPTED)
    client.force_login(coauthor)
    response = client.post(url("idea_coauthor_remove", idea, coauthor_pk=row.pk))
    assert response.status_code == 302
    assert not CoAuthor.objects.filter(pk=row.pk).exists()


def test_nobody_else_removes_co_authors(client):
    idea = IdeaFactory()
    row = CoAuthor.objects.create(idea=idea, user=UserFactory(), status=CoAuthorStatus.ACCEPTED)
    client.force_login(UserFactory())
    response = client.post(url("idea_coauthor_remove", idea, coauthor_pk=row.pk))
    assert response.status_code == 403
    assert CoAuthor.objects.filter(pk=row.pk).exists()


def test_the_idea_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    idea = IdeaFactory(challenge=ChallengeFactory(phase=PhaseKind.REVIEW))
    lead = member(idea.organisation, "innovation_lead")
    client.force_login(lead)
    client.get(idea.get_absolute_url())
    with django_assert_max_num_queries(30) as few:
        client.get(idea.get_absolute_url())
    for _ in range(4):
        CoAuthor.objects.create(idea=idea, user=UserFactory(), status=CoAuthorStatus.ACCEPTED)
    idea_set_status(actor=lead, idea=idea, status="under_review", reason="One.")
    idea_set_status(actor=lead, idea=idea, status="declined", reason="Two.")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(idea.get_absolute_url())
    assert "Two." in response.content.decode()


def test_an_accepted_co_author_edit_is_in_the_history(client):
    author = UserFactory()
    idea = idea_create(
        actor=author,
        challenge=ChallengeFactory(),
        title="Benches",
        summary="A summary.",
        description="More benches.",
    )
    coauthor = UserFactory(display_name="Bea Helper")
    CoAuthor.objects.create(idea=idea, user=coauthor, status=CoAuthorStatus.ACCEPTED)
    idea_update(actor=coauthor, idea=idea, summary="A sharper summary.")
    text = client.get(url("idea_history", idea)).content.decode()
    assert "Bea Helper" in text and "sharper" in text


def test_merged_into_link_does_not_show_hidden_idea_title(client):
    from civiclab.challenges.models import IdeaStatus, MergeRecord

    challenge = ChallengeFactory()
    target = IdeaFactory(challenge=challenge, title="Secret takeover plan", is_hidden=True)
    source = IdeaFactory(
        challenge=challenge, title="Vans shared", status=IdeaStatus.MERGED, merged_into=target
    )
    hidden_source = IdeaFactory(
        challenge=challenge, title="Rude idea", status=IdeaStatus.MERGED, is_hidden=True
    )
    shown = IdeaFactory(challenge=challenge, title="Shared vans")
    hidden_source.merged_into = shown
    hidden_source.save(update_fields=["merged_into"])
    record = MergeRecord.objects.create(source=hidden_source, target=shown, reason="Same.")

    client.force_login(UserFactory())
    text = client.get(source.get_absolute_url()).content.decode()
    assert "Secret takeover plan" not in text and target.get_absolute_url() not in text
    assert "Merged into an idea that is hidden" in text
    assert "Rude idea" not in client.get(shown.get_absolute_url()).content.decode()
    merge_url = reverse(
        "challenges:merge_detail", kwargs={"org_slug": challenge.organisation.slug, "pk": record.pk}
    )
    response = client.get(merge_url)
    assert response.status_code == 200
    assert "Rude idea" not in response.content.decode()
