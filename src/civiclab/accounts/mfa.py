"""Who must use two-step sign-in, and what this browser session has proved.

MFA_REQUIRED_ROLES names roles: "platform_admin" (staff and superusers, known here) and the
roles other apps know about (an organisation's "admin", "decision_maker", ...), which those
apps report through `register_roles(...)` from their `AppConfig.ready()`, so accounts never
imports them. A person holding one of the named roles:

- must turn two-step sign-in on before doing anything else (`PrivilegedSessionMiddleware`);
- has a *privileged session*, which ends after PRIVILEGED_SESSION_IDLE_MINUTES without a
  request. Superusers always have one, whatever the setting says.

The session remembers when the second step was last passed (`mark_verified`), bound to the
person, so re-authentication (`accounts.reauth`) can ask for it again after a while.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from civiclab.core import clock

PLATFORM_ADMIN = "platform_admin"
VERIFIED_KEY = "_civiclab_mfa_verified"
PENDING_KEY = "_civiclab_mfa_pending"
ENROL_KEY = "_civiclab_mfa_enrol_key"

# Functions (user, role names asked about) -> the role names among them the person holds.
RoleSource = Callable[[Any, frozenset[str]], Iterable[str]]
_role_sources: list[RoleSource] = []


def register_roles(source: RoleSource) -> None:
    """Let an app report which of the asked-about roles a person holds."""
    if source not in _role_sources:
        _role_sources.append(source)


def required_roles() -> frozenset[str]:
    return frozenset(getattr(settings, "MFA_REQUIRED_ROLES", ()) or ())


def held_required_roles(user: Any) -> set[str]:
    """The roles in MFA_REQUIRED_ROLES that `user` holds (no query when none are asked)."""
    if user is None or not user.is_authenticated:
        return set()
    wanted = required_roles()
    held: set[str] = set()
    if PLATFORM_ADMIN in wanted and (user.is_staff or user.is_superuser):
        held.add(PLATFORM_ADMIN)
    others = wanted - {PLATFORM_ADMIN}
    if others:
        for source in _role_sources:
            held.update(set(source(user, frozenset(others))) & others)
    return held


def requires_mfa(user: Any) -> bool:
    """Whether `user` must have two-step sign-in on (holds a role in MFA_REQUIRED_ROLES)."""
    return bool(held_required_roles(user))


def is_privileged(user: Any) -> bool:
    """Whether `user`'s sessions end when idle: a superuser, or a required role's holder."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_superuser) or requires_mfa(user)


def mark_verified(request: HttpRequest, user: Any) -> None:
    """Note that `user` has just passed the second step in this session."""
    request.session[VERIFIED_KEY] = {"user": user.pk, "at": clock.now().timestamp()}


def verified_within(request: HttpRequest, seconds: int) -> bool:
    """Whether the signed-in person passed the second step in this session lately."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if user is None or not user.is_authenticated or session is None:
        return False
    verified = session.get(VERIFIED_KEY)
    if not isinstance(verified, dict) or verified.get("user") != user.pk:
        return False
    age = clock.now().timestamp() - float(verified.get("at", 0))
    return 0 <= age <= seconds
