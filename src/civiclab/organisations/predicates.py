"""Role predicates for django-rules, shared by every app above `organisations`.

An object belongs to an organisation when it is one, or has an `organisation` attribute. Rules
compose these with state predicates, adhocracy4-style: `rules.add_perm("challenges.add_idea",
is_member & phase_is_open)`.

The roles a person holds are read here too (`roles_of_user`, remembered on the user object for
the request), so the predicates need nothing above them.
"""

import rules
from django.contrib.auth.models import AnonymousUser

from civiclab.accounts.models import User
from civiclab.accounts.predicates import has_confirmed_email

from .models import Invitation, Membership, Organisation, Role

# What a user object remembers for the request: its roles per organisation, and (kept by
# `selectors.organisations_of_user`) the organisations it belongs to.
ROLES_CACHE = "_civiclab_roles"
ORGANISATIONS_CACHE = "_civiclab_organisations"
ROLES_EVERYWHERE_CACHE = "_civiclab_roles_everywhere"


def roles_of_user(
    *, user: User | AnonymousUser, organisation: Organisation | None
) -> frozenset[str]:
    """The roles `user` holds in `organisation`, cached on the user for the request."""
    if not user.is_authenticated or organisation is None:
        return frozenset()
    cache = user.__dict__.setdefault(ROLES_CACHE, {})
    if organisation.pk not in cache:
        cache[organisation.pk] = frozenset(
            Membership.objects.filter(user=user, organisation=organisation).values_list(
                "role", flat=True
            )
        )
    return cache[organisation.pk]


def forget_cached_roles(user: User | AnonymousUser | None) -> None:
    """Drop what `roles_of_user` and `selectors.organisations_of_user` remembered on this user
    object; services call it after changing memberships."""
    if user is None:
        return
    user.__dict__.pop(ROLES_CACHE, None)
    user.__dict__.pop(ORGANISATIONS_CACHE, None)
    user.__dict__.pop(ROLES_EVERYWHERE_CACHE, None)


def organisation_of(obj: object) -> Organisation | None:
    if obj is None:
        return None
    if isinstance(obj, Organisation):
        return obj
    return getattr(obj, "organisation", None)


def has_role(*roles: str) -> rules.Predicate:
    """A predicate true when the user holds any of `roles` in the object's organisation."""
    wanted = frozenset(roles)
    name = "has_role:" + ",".join(sorted(wanted))

    @rules.predicate(name)
    def predicate(user: User | AnonymousUser, obj: object = None) -> bool:
        organisation = organisation_of(obj)
        if organisation is None:
            return False
        return bool(wanted & roles_of_user(user=user, organisation=organisation))

    return predicate


is_org_admin = has_role(Role.ADMIN)
is_innovation_lead = has_role(Role.INNOVATION_LEAD)
is_decision_maker = has_role(Role.DECISION_MAKER)
is_evaluator = has_role(Role.EVALUATOR)
is_moderator = has_role(Role.MODERATOR)
is_staff_member = has_role(Role.STAFF)
is_member = has_role(*Role.values)


@rules.predicate
def is_platform_admin(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


# The organisation's moderators and administrators (and platform admins) look after what
# people contribute: hiding, restoring, merging, the queue of reports.
can_moderate = is_moderator | is_org_admin | is_platform_admin


@rules.predicate
def organisation_is_active(user: User | AnonymousUser, obj: object = None) -> bool:
    organisation = organisation_of(obj)
    return bool(organisation is not None and organisation.is_active)


@rules.predicate
def is_invitee(user: User | AnonymousUser, invitation: Invitation | None) -> bool:
    """The invitation was sent to this account's address."""
    return bool(
        user.is_authenticated
        and invitation is not None
        and invitation.email.lower() == user.email.lower()
    )


# Every app's participation rules compose this one fact about the account (defined in
# accounts, so its own rules can use it too).
__all__ = ["has_confirmed_email"]
