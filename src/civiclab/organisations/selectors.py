"""Reads about organisations, memberships and invitations."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from civiclab.accounts.models import User
from civiclab.core import clock

from .models import Invitation, Membership, Organisation, Role
from .predicates import ORGANISATIONS_CACHE, ROLES_EVERYWHERE_CACHE

ROLE_ORDER = {role: index for index, role in enumerate(Role.values)}


def organisations_of_user(*, user: User | AnonymousUser) -> list[Organisation]:
    """The organisations in which `user` holds at least one role, by name."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, ORGANISATIONS_CACHE, None)
    if cached is None:
        cached = list(
            Organisation.objects.filter(memberships__user=user, is_active=True)
            .distinct()
            .order_by("name")
        )
        user.__dict__[ORGANISATIONS_CACHE] = cached
    return cached


def roles_everywhere(*, user: User | AnonymousUser) -> dict[int, frozenset[str]]:
    """The roles `user` holds now in each active organisation, by organisation id; one query,
    remembered on the user object for the request (the home page's blocks all ask)."""
    if not user.is_authenticated:
        return {}
    cached = user.__dict__.get(ROLES_EVERYWHERE_CACHE)
    if cached is None:
        grouped: dict[int, set[str]] = {}
        rows = Membership.objects.filter(user=user, organisation__is_active=True).values_list(
            "organisation_id", "role"
        )
        for organisation_id, role in rows:
            grouped.setdefault(organisation_id, set()).add(role)
        cached = {pk: frozenset(roles) for pk, roles in grouped.items()}
        user.__dict__[ROLES_EVERYWHERE_CACHE] = cached
    return cached


def organisations_where(*, user: User | AnonymousUser, roles: Iterable[str]) -> list[int]:
    """Ids of the active organisations where `user` holds any of `roles` now."""
    wanted = frozenset(roles)
    return [pk for pk, held in roles_everywhere(user=user).items() if held & wanted]


def sort_roles(roles: Iterable[str]) -> list[str]:
    """Roles in the order of `Role` (admin first), for stable display and audit details."""
    return sorted(set(roles), key=lambda role: ROLE_ORDER.get(role, len(ROLE_ORDER)))


def public_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_active=True).order_by("name")


def organisation_list(
    *, country: str = "", level: str = "", sector: str = ""
) -> QuerySet[Organisation]:
    """Active organisations for the public list, with their sectors in one extra query."""
    organisations = public_organisations().prefetch_related("sectors")
    if country:
        organisations = organisations.filter(country=country)
    if level:
        organisations = organisations.filter(level=level)
    if sector:
        organisations = organisations.filter(sectors__code=sector)
    return organisations


def organisation_countries() -> list[str]:
    """Country codes of active organisations, for the list filter."""
    return sorted(set(public_organisations().values_list("country", flat=True)))


def organisation_by_slug(*, slug: str) -> Organisation:
    return Organisation.objects.prefetch_related("sectors").get(slug=slug)


@dataclass
class Member:
    """A person with every role they hold in one organisation."""

    user: User
    roles: list[str] = field(default_factory=list)
    since: datetime | None = None

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.roles]

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles


def members_of(*, organisation: Organisation) -> list[Member]:
    """Everyone holding a role in `organisation`, by name, roles grouped per person."""
    members: dict[int, Member] = {}
    rows = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__display_name", "user__email", "role")
    )
    for membership in rows:
        member = members.setdefault(
            membership.user_id, Member(user=membership.user, since=membership.created_at)
        )
        member.roles.append(membership.role)
        member.since = min(member.since or membership.created_at, membership.created_at)
    for member in members.values():
        member.roles = sort_roles(member.roles)
    return list(members.values())


def member_of(*, organisation: Organisation, user_id: int) -> Member | None:
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return None
    roles = list(
        Membership.objects.filter(organisation=organisation, user=user).values_list(
            "role", flat=True
        )
    )
    if not roles:
        return None
    return Member(user=user, roles=sort_roles(roles))


def memberships_of(*, organisation: Organisation) -> QuerySet[Membership]:
    """One row per role held, for the API."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__display_name", "user_id", "role")
    )


def pending_invitations(*, organisation: Organisation) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(
            organisation=organisation,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=clock.now(),
        )
        .select_related("invited_by")
        .order_by("-created_at")
    )


def memberships_for_profile(*, user: User | AnonymousUser) -> list[tuple[Organisation, list[str]]]:
    """The organisations a person belongs to with the labels of their roles, for the profile."""
    if not user.is_authenticated:
        return []
    grouped: dict[int, tuple[Organisation, list[str]]] = {}
    rows = (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name", "role")
    )
    for membership in rows:
        grouped.setdefault(membership.organisation_id, (membership.organisation, []))[1].append(
            membership.role
        )
    return [
        (organisation, [str(Role(role).label) for role in sort_roles(roles)])
        for organisation, roles in grouped.values()
    ]


def invitations_waiting_for(*, user: User | AnonymousUser) -> list[Invitation]:
    """Open invitations to join an organisation sent to `user`'s address.

    Only once the account has confirmed that address: otherwise anyone could sign up with
    someone else's address and read who invited them where. The page cannot link to the
    invitation itself (only its digest is stored; the link is in the e-mail)."""
    if not user.is_authenticated or not user.email_confirmed:
        return []
    return list(
        Invitation.objects.filter(
            email__iexact=user.email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=clock.now(),
            organisation__is_active=True,
        )
        .select_related("organisation")
        .order_by("-created_at")
    )


def roles_held_anywhere(user: User, roles: frozenset[str]) -> set[str]:
    """Which of `roles` `user` holds in any organisation (for `accounts.mfa`)."""
    return set(Membership.objects.filter(user=user, role__in=roles).values_list("role", flat=True))
