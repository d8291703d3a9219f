"""Events: set-up, registration with a waiting list, promotion, capacity, the .ics file."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from civiclab.challenges.models import (
    Audience,
    Event,
    EventKind,
    EventRegistration,
    RegistrationStatus,
)
from civiclab.challenges.services import events as services
from civiclab.core.models import AuditEvent, Notification
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


def make_event(challenge=None, **fields):
    challenge = challenge or ChallengeFactory()
    lead = member(challenge.organisation, Role.INNOVATION_LEAD)
    start = timezone.now() + timedelta(days=10)
    values = {
        "kind": EventKind.WORKSHOP,
        "title": "Design sprint",
        "starts_at": start,
        "ends_at": start + timedelta(hours=3),
        "place": "Library, room 2",
        "capacity": 2,
    }
    values.update(fields)
    return services.event_save(actor=lead, challenge=challenge, **values)


def status_of(event, user):
    return EventRegistration.objects.get(event=event, user=user).status


def test_an_event_cannot_be_created_or_moved_into_the_past():
    challenge = ChallengeFactory()
    yesterday = timezone.now() - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        make_event(challenge, starts_at=yesterday, ends_at=yesterday + timedelta(hours=2))
    assert error.value.message_dict["starts_at"] == ["An event cannot start in the past."]
    assert not Event.objects.exists()
    event = make_event(challenge)
    with pytest.raises(ValidationError):
        make_event(challenge, starts_at=yesterday, ends_at=yesterday + timedelta(hours=2))
    event.refresh_from_db()
    assert event.starts_at > timezone.now()


def test_a_past_event_can_still_be_corrected_without_moving_it():
    event = make_event()
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(days=3), ends_at=timezone.now() - timedelta(days=2)
    )
    corrected = make_event(
        event.challenge,
        starts_at=Event.objects.get().starts_at,
        ends_at=Event.objects.get().ends_at,
        title="Design sprint (report)",
    )
    assert corrected.title == "Design sprint (report)"


def test_event_dates_over_ten_years_ahead_are_refused():
    far = timezone.now() + timedelta(days=11 * 366)
    with pytest.raises(ValidationError) as error:
        make_event(starts_at=far, ends_at=far + timedelta(hours=1))
    assert error.value.message_dict["starts_at"] == ["Enter a date at most 10 years from now."]


def test_event_needs_a_place_or_link_and_an_end_after_the_start():
    challenge = ChallengeFactory()
    lead = member(challenge.organisation, Role.INNOVATION_LEAD)
    start = timezone.now() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.event_save(
            actor=lead,
            challenge=challenge,
            kind="hackathon",
            title="Hack",
            starts_at=start,
            ends_at=start - timedelta(hours=1),
        )
    assert {"ends_at", "place"} <= set(error.value.message_dict)
    assert not Event.objects.filter(challenge=challenge).exists()


def test_staff_cannot_set_up_an_event():
    challenge = ChallengeFactory()
    with pytest.raises(PermissionDenied):
        services.event_save(
            actor=member(challenge.organisation, Role.STAFF), challenge=challenge, title="x"
        )


def test_full_event_puts_people_on_the_waiting_list_in_order():
    event = make_event(capacity=2)
    people = [UserFactory() for _ in range(4)]
    for person in people:
        services.event_register(actor=person, event=event)
    assert [status_of(event, p) for p in people] == ["confirmed", "confirmed", "waiting", "waiting"]
    # Registering again changes nothing.
    again = services.event_register(actor=people[3], event=event)
    assert again.status == RegistrationStatus.WAITING
    assert EventRegistration.objects.filter(event=event).count() == 4


def test_cancelling_promotes_the_first_on_the_waiting_list_and_tells_them(
    django_capture_on_commit_callbacks, mailoutbox
):
    event = make_event(capacity=1)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    for person in (first, second, third):
        services.event_register(actor=person, event=event)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel_registration(actor=first, event=event)
    assert status_of(event, first) == RegistrationStatus.CANCELLED
    assert status_of(event, second) == RegistrationStatus.CONFIRMED
    assert status_of(event, third) == RegistrationStatus.WAITING
    note = Notification.objects.get(recipient=second)
    assert "Design sprint" in note.title and note.url == event.challenge.get_absolute_url()
    assert not Notification.objects.filter(recipient=third).exists()
    assert [message.to for message in mailoutbox] == [[second.email]]
    assert AuditEvent.objects.filter(
        action="challenges.event_cancelled", organisation_id=event.challenge.organisation_id
    ).exists()


def test_leaving_the_waiting_list_promotes_nobody():
    event = make_event(capacity=1)
    first, second = UserFactory(), UserFactory()
    services.event_register(actor=first, event=event)
    services.event_register(actor=second, event=event)
    services.event_cancel_registration(actor=second, event=event)
    assert status_of(event, first) == RegistrationStatus.CONFIRMED
    assert status_of(event, second) == RegistrationStatus.CANCELLED


def test_coming_back_after_cancelling_joins_the_end_of_the_queue():
    event = make_event(capacity=1)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    for person in (first, second, third):
        services.event_register(actor=person, event=event)
    services.event_cancel_registration(actor=second, event=event)
    services.event_register(actor=second, event=event)
    services.event_cancel_registration(actor=first, event=event)
    assert status_of(event, third) == RegistrationStatus.CONFIRMED
    assert status_of(event, second) == RegistrationStatus.WAITING


def test_more_places_move_people_off_the_waiting_list():
    event = make_event(capacity=1)
    first, second = UserFactory(), UserFactory()
    services.event_register(actor=first, event=event)
    services.event_register(actor=second, event=event)
    make_event(challenge=event.challenge, capacity=2)
    assert status_of(event, second) == RegistrationStatus.CONFIRMED


def test_two_registrations_for_the_last_place_give_one_place(organisation):
    event = make_event(capacity=1)
    people = [UserFactory(), UserFactory()]
    for person in people:
        services.event_register(actor=person, event=event)
    statuses = sorted(status_of(event, p) for p in people)
    assert statuses == ["confirmed", "waiting"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)"
)
def test_simultaneous_registrations_never_exceed_capacity():
    event = make_event(capacity=3)
    people = [UserFactory() for _ in range(8)]
    barrier = threading.Barrier(len(people))
    errors = []

    def register(person):
        try:
            barrier.wait()
            services.event_register(actor=person, event=event)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    confirmed = EventRegistration.objects.filter(event=event, status="confirmed").count()
    assert confirmed == 3
    assert EventRegistration.objects.filter(event=event, status="waiting").count() == 5


def test_people_outside_a_staff_challenge_cannot_register():
    challenge = ChallengeFactory(audience=Audience.STAFF)
    event = make_event(challenge=challenge)
    with pytest.raises(PermissionDenied):
        services.event_register(actor=UserFactory(), event=event)
    staff = member(challenge.organisation, Role.STAFF)
    assert services.event_register(actor=staff, event=event).status == "confirmed"


# --- iCalendar ------------------------------------------------------------------------------


def unfold(text: str) -> list[str]:
    """A strict reader: CRLF line ends, continuation lines start with one space."""
    assert text.endswith("\r\n")
    lines: list[str] = []
    for raw in text[:-2].split("\r\n"):
        assert len(raw.encode("utf-8")) <= 75, raw
        assert "\n" not in raw and "\r" not in raw
        if raw.startswith(" "):
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    return lines


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars)
            out.append("\n" if following in "nN" else following)
        else:
            out.append(char)
    return "".join(out)


def test_ics_is_a_valid_vevent_in_utc_with_folding_and_escaping():
    start = datetime(2031, 3, 12, 16, 0, tzinfo=UTC)
    description = "Bring ideas; laptops, and snacks.\nWe start sharp. " + "Long text " * 20
    event = make_event(
        title="Hackathon: canals, lights; night",
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        place="Town hall, Room 1",
        online_url="https://meet.example.org/canals",
        description=description,
    )
    body = services.event_ics(event=event, url="https://civic.example/e/1", host="civic.example")
    lines = unfold(body)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    props = dict(line.split(":", 1) for line in lines)
    assert props["UID"] == f"challenge-event-{event.pk}@civic.example"
    assert props["DTSTART"] == "20310312T160000Z"
    assert props["DTEND"] == "20310312T200000Z"
    assert props["DTSTAMP"].endswith("Z") and len(props["DTSTAMP"]) == 16
    assert props["SUMMARY"] == "Hackathon: canals\\, lights\\; night"
    assert unescape(props["SUMMARY"]) == "Hackathon: canals, lights; night"
    assert unescape(props["LOCATION"]) == "Town hall, Room 1, https://meet.example.org/canals"
    assert unescape(props["DESCRIPTION"]).startswith(description)
    assert props["URL"] == "https://civic.example/e/1"
    assert any(raw.startswith(" ") for raw in body.split("\r\n"))  # something was folded


def test_ics_folding_never_splits_a_multibyte_character():
    event = make_event(title="Ontwerpsessie " + "€" * 60)
    body = services.event_ics(event=event, url="")
    unfolded = unfold(body)
    assert "SUMMARY:Ontwerpsessie " + "€" * 60 in unfolded


def test_ics_parses_with_icalendar_if_installed():
    icalendar = pytest.importorskip("icalendar")
    event = make_event(title="Panel, session; one", description="Line one\nLine two")
    calendar = icalendar.Calendar.from_ical(
        services.event_ics(event=event, url="https://x.example/")
    )
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Panel, session; one"
    # iCalendar times have whole seconds.
    assert vevent.decoded("DTSTART") == event.starts_at.replace(microsecond=0)
