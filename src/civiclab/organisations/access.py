"""Loading organisations, members and invitations for a person (see `core.access`).

A deactivated organisation is not visible to people outside it: its pages answer 404 to
them, as if it had never existed.
"""

from django.contrib.auth.models import AnonymousUser

from civiclab.accounts.models import User
from civiclab.core.access import NotVisible, require, visible_or_raise

from . import selectors
from .models import Invitation, Membership, Organisation


def organisation_for_user(
    *, user: User | AnonymousUser, slug: str, perm: str = "", message: str = ""
) -> Organisation:
    organisation = Organisation.objects.prefetch_related("sectors").filter(slug=slug).first()
    return visible_or_raise(
        organisation,
        user=user,
        view_perm="organisations.view_organisation",
        perm=perm,
        message=message,
    )


def active_organisation_for_user(
    *, user: User | AnonymousUser, slug: str, perm: str = "", message: str = ""
) -> Organisation:
    """An organisation taking part now: a deactivated one is not visible here, even to its
    own people (nothing new starts in it)."""
    organisation = Organisation.objects.filter(slug=slug, is_active=True).first()
    return visible_or_raise(
        organisation,
        user=user,
        view_perm="organisations.view_organisation",
        perm=perm,
        message=message,
    )


def member_for_user(
    *, user: User | AnonymousUser, organisation: Organisation, user_id: int
) -> selectors.Member:
    """A member of `organisation` as its member pages show them, for those who see members."""
    require(user, "organisations.view_membership", organisation)
    member = selectors.member_of(organisation=organisation, user_id=user_id)
    if member is None:
        raise NotVisible
    return member


def invitation_for_user(
    *, user: User | AnonymousUser, organisation: Organisation, pk: int
) -> Invitation:
    """One of `organisation`'s invitations, for those who manage invitations."""
    require(user, "organisations.invite_member", organisation)
    invitation = Invitation.objects.filter(pk=pk, organisation=organisation).first()
    if invitation is None:
        raise NotVisible
    return invitation


def membership_for_user(
    *, user: User | AnonymousUser, organisation: Organisation, pk: int
) -> Membership:
    """One role of one member of `organisation`, for those who see its members."""
    require(user, "organisations.view_membership", organisation)
    membership = (
        Membership.objects.select_related("organisation", "user")
        .filter(pk=pk, organisation=organisation)
        .first()
    )
    if membership is None:
        raise NotVisible
    return membership
