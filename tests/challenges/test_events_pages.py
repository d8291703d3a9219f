"""Event pages: set-up form, register and cancel without JavaScript, the .ics download."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from civiclab.challenges.models import Audience, Event, EventKind, EventRegistration
from civiclab.challenges.services.events import event_register, event_save
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


def url(name, challenge):
    return reverse(f"challenges:{name}", args=[challenge.organisation.slug, challenge.slug])


def make_event(challenge, capacity=1):
    start = timezone.now() + timedelta(days=5)
    return event_save(
        actor=member(challenge.organisation, Role.ADMIN),
        challenge=challenge,
        kind=EventKind.HACKATHON,
        title="Canal hackathon",
        starts_at=start,
        ends_at=start + timedelta(hours=6),
        place="Old harbour office",
        capacity=capacity,
    )


def test_lead_adds_an_event_in_the_organisation_time_zone(client, organisation):
    challenge = ChallengeFactory(organisation=organisation)
    client.force_login(member(organisation, Role.INNOVATION_LEAD))
    response = client.post(
        url("event_edit", challenge),
        {
            "kind": "workshop",
            "title": "Design sprint",
            "starts_at": "2031-07-01T10:00",
            "ends_at": "2031-07-01T16:00",
            "place": "Library",
            "capacity": "12",
            "registration_open": "on",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get(challenge=challenge)
    assert event.starts_at.isoformat() == "2031-07-01T08:00:00+00:00"  # CEST is UTC+2
    assert event.capacity == 12
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "Design sprint" in page and "1 July 2031, 10:00" in page


def test_event_form_explains_its_errors(client, organisation):
    challenge = ChallengeFactory(organisation=organisation)
    client.force_login(member(organisation, Role.ADMIN))
    response = client.post(
        url("event_edit", challenge),
        {
            "kind": "hackathon",
            "title": "Hack",
            "starts_at": "2031-07-01T10:00",
            "ends_at": "2031-07-01T09:00",
        },
    )
    assert response.status_code == 200
    assert {"ends_at", "place"} <= set(response.context["form"].errors)
    assert not Event.objects.filter(challenge=challenge).exists()


def test_register_and_cancel_without_javascript(client, organisation):
    challenge = ChallengeFactory(organisation=organisation)
    event = make_event(challenge, capacity=1)
    waiting = UserFactory()
    holder = UserFactory()
    client.force_login(holder)
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "Register" in page and "1 place left" in page
    response = client.post(url("event_register", challenge))
    assert response.status_code == 302 and response.url.endswith("#event")
    assert "You have a place." in client.get(challenge.get_absolute_url()).content.decode()

    client.force_login(waiting)
    assert "Join the waiting list" in client.get(challenge.get_absolute_url()).content.decode()
    client.post(url("event_register", challenge))
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "You are number 1 on the waiting list." in page

    client.force_login(holder)
    client.post(url("event_cancel", challenge))
    assert EventRegistration.objects.get(event=event, user=waiting).status == "confirmed"


def test_an_event_that_ended_says_it_took_place_and_offers_no_places(client, organisation):
    challenge = ChallengeFactory(organisation=organisation)
    event = make_event(challenge, capacity=3)
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=1)
    )
    client.force_login(UserFactory())
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "Took place" in page and "This event has taken place." in page
    assert "places left" not in page and "Register</button>" not in page


def test_anonymous_people_are_asked_to_sign_in_to_register(client, organisation):
    challenge = ChallengeFactory(organisation=organisation)
    make_event(challenge)
    assert "Sign in to register" in client.get(challenge.get_absolute_url()).content.decode()
    response = client.post(url("event_register", challenge))
    assert response.status_code == 302 and "login" in response.url
    assert client.get(url("event_register", challenge)).status_code == 405


def test_ics_download(client, organisation):
    challenge = ChallengeFactory(organisation=organisation)
    make_event(challenge)
    response = client.get(url("event_ics", challenge))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    assert "BEGIN:VEVENT" in body and "SUMMARY:Canal hackathon" in body
    assert challenge.get_absolute_url() in body.replace("\r\n ", "")


def test_ics_of_a_staff_challenge_is_not_found_for_the_public(client, organisation):
    challenge = ChallengeFactory(organisation=organisation, audience=Audience.STAFF)
    make_event(challenge)
    assert client.get(url("event_ics", challenge)).status_code == 404


def test_organisers_see_the_registration_list_and_others_do_not(
    client, organisation, django_assert_max_num_queries
):
    challenge = ChallengeFactory(organisation=organisation)
    event = make_event(challenge, capacity=2)
    people = [UserFactory(display_name=f"Person {n}") for n in range(5)]
    for person in people:
        event_register(actor=person, event=event)
    client.force_login(people[0])
    assert client.get(url("event_registrations", challenge)).status_code == 403
    client.force_login(member(organisation, Role.INNOVATION_LEAD))
    with django_assert_max_num_queries(15):
        response = client.get(url("event_registrations", challenge))
    page = response.content.decode()
    assert all(person.display_name in page for person in people)
    assert page.index("Person 1") < page.index("Person 2")  # confirmed before the queue


def test_calling_off_the_event_tells_everyone_registered(
    client, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    challenge = ChallengeFactory(organisation=organisation)
    event = make_event(challenge, capacity=1)
    holder, waiting = UserFactory(), UserFactory()
    event_register(actor=holder, event=event)
    event_register(actor=waiting, event=event)
    client.force_login(member(organisation, Role.STAFF))
    assert client.post(url("event_remove", challenge)).status_code == 403
    client.force_login(member(organisation, Role.INNOVATION_LEAD))
    page = client.get(url("event_remove", challenge)).content.decode()
    assert "2 people have registered" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("event_remove", challenge))
    assert response.status_code == 302
    assert not Event.objects.filter(challenge=challenge).exists()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([holder.email, waiting.email])
    assert client.get(url("event_remove", challenge)).status_code == 404


def test_registering_after_registration_closed_explains_instead_of_refusing(client, organisation):
    challenge = ChallengeFactory(organisation=organisation)
    event = make_event(challenge)
    event.registration_open = False
    event.save()
    client.force_login(UserFactory())
    response = client.post(url("event_register", challenge), follow=True)
    assert response.status_code == 200
    assert "Registration for this event is closed." in response.content.decode()
    assert not EventRegistration.objects.filter(event=event).exists()
