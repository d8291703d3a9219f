"""Rules for challenges, their phases and their events (see ../predicates.py).

Who may see a challenge: anyone its audience admits once it is published; its managers
(organisation admins and innovation leads) and platform admins always, drafts included.
Managers create, edit and publish. People the audience admits register for its event while
registration is open and the event has not started.
"""

import rules
from django.core.exceptions import ObjectDoesNotExist

from civiclab.challenges import predicates as p
from civiclab.core import clock
from civiclab.organisations.predicates import is_platform_admin


def _event_of(obj):
    if obj is None:
        return None
    if hasattr(obj, "registrations") and hasattr(obj, "capacity"):
        return obj
    challenge = p.challenge_of(obj)
    return getattr(challenge, "event", None) if challenge is not None else None


@rules.predicate
def event_accepts_registrations(user, obj) -> bool:
    """The challenge has an event, its registration is open and it has not started yet."""
    try:
        event = _event_of(obj)
    except ObjectDoesNotExist:  # the challenge has no event
        return False
    return bool(event and event.registration_open and event.starts_at > clock.now())


can_manage_challenge = p.is_challenge_manager | is_platform_admin

rules.add_perm("challenges.view_challenge", p.can_view_challenge)
# On an organisation (or an object that has one).
rules.add_perm("challenges.add_challenge", can_manage_challenge)
rules.add_perm("challenges.change_challenge", can_manage_challenge)
rules.add_perm("challenges.publish_challenge", can_manage_challenge)
rules.add_perm("challenges.change_event", can_manage_challenge)
rules.add_perm("challenges.view_event_registrations", can_manage_challenge)
rules.add_perm(
    "challenges.register_event",
    rules.is_authenticated & p.is_published & p.audience_admits & event_accepts_registrations,
)
