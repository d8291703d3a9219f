"""API endpoints for a challenge's event: `/challenges/{id}/event`, registering and
cancelling, and the organisers' list of registrations.

Reading the event is open to whoever may read its challenge; registering needs a signed-in
caller; the list of who registered is for the challenge's organisers.
"""

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from civiclab.accounts.api_auth import PUBLIC_READ
from civiclab.core.api import request_user

from .. import access
from ..models import Challenge, Event, EventKind
from ..selectors.challenges import (
    event_places,
    event_registrations,
    registration_of,
    waiting_position,
)
from ..services.events import EVENT_FIELDS, event_cancel_registration, event_register

router = Router(tags=["challenges"])


class EventOut(Schema):
    id: int
    kind: EventKind
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_url: str
    capacity: int | None
    registration_open: bool
    confirmed: int
    waiting: int
    free_places: int | None
    my_registration: str | None = Field(description="confirmed, waiting or null.")
    ics_url: str


class RegistrationOut(Schema):
    status: str
    waiting_position: int | None


class RegistrationRow(Schema):
    user_id: int
    display_name: str
    email: str
    status: str
    registered_at: datetime


def _event_out(request, challenge: Challenge, event: Event) -> dict:
    places = event_places(event=event)
    mine = registration_of(event=event, user=request_user(request))
    ics = reverse(
        "challenges:event_ics",
        kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
    )
    return {
        **{name: getattr(event, name) for name in EVENT_FIELDS},
        "id": event.pk,
        "confirmed": places["confirmed"],
        "waiting": places["waiting"],
        "free_places": places["free"],
        "my_registration": mine.status if mine and mine.status != "cancelled" else None,
        "ics_url": request.build_absolute_uri(ics),
    }


def _registration_out(registration) -> dict:
    if registration is None:
        return {"status": "cancelled", "waiting_position": None}
    return {
        "status": registration.status,
        "waiting_position": waiting_position(registration=registration),
    }


@router.get(
    "/challenges/{int:challenge_id}/event",
    response=EventOut,
    auth=PUBLIC_READ,
    summary="The challenge's event",
)
def get_event(request, challenge_id: int):
    challenge = access.challenge_for_user(user=request_user(request), pk=challenge_id)
    return _event_out(
        request, challenge, access.event_for_user(user=request_user(request), challenge=challenge)
    )


@router.post(
    "/challenges/{int:challenge_id}/event/registration",
    response={200: RegistrationOut},
    summary="Register for the event (or join its waiting list)",
)
def register_for_event(request, challenge_id: int):
    challenge = access.challenge_for_user(user=request_user(request), pk=challenge_id)
    registration = event_register(
        actor=request_user(request),
        event=access.event_for_user(user=request_user(request), challenge=challenge),
    )
    return _registration_out(registration)


@router.delete(
    "/challenges/{int:challenge_id}/event/registration",
    response=RegistrationOut,
    summary="Cancel your registration",
)
def cancel_event_registration(request, challenge_id: int):
    challenge = access.challenge_for_user(user=request_user(request), pk=challenge_id)
    registration = event_cancel_registration(
        actor=request_user(request),
        event=access.event_for_user(user=request_user(request), challenge=challenge),
    )
    return _registration_out(registration)


@router.get(
    "/challenges/{int:challenge_id}/event/registrations",
    response=list[RegistrationRow],
    summary="Who has registered (organisers)",
)
def list_event_registrations(request, challenge_id: int):
    challenge = access.challenge_for_user(
        user=request_user(request),
        pk=challenge_id,
        perm="challenges.view_event_registrations",
        message=_("Only the challenge's organisers can see who has registered."),
    )
    return [
        {
            "user_id": registration.user_id,
            "display_name": registration.user.display_name or "",
            "email": registration.user.email,
            "status": registration.status,
            "registered_at": registration.created_at,
        }
        for registration in event_registrations(
            event=access.event_for_user(user=request_user(request), challenge=challenge)
        )
    ]
