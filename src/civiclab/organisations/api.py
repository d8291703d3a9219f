"""The organisations and memberships API: /api/v1/organisations."""

from typing import Annotated

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Router, Status
from ninja.pagination import paginate

from civiclab.accounts import reauth
from civiclab.core.api import CivicPagination, api_actor

from . import access, selectors, services
from .models import Organisation
from .schemas import InvitationIn, InvitationOut, MembershipOut, OrganisationOut

# An organisation's slug in an address, as long as the model allows.
OrganisationSlug = Annotated[str, Path(max_length=Organisation._meta.get_field("slug").max_length)]

# Reading organisations is public; the membership endpoints use the API's authentication
# (personal token or browser session) and the services' permission checks.
router = Router(tags=["organisations"])


@router.get("", response=list[OrganisationOut], auth=None, summary="List organisations")
@paginate(CivicPagination)
def list_organisations(request):
    """Active organisations, by name."""
    return selectors.organisation_list()


@router.get("/{slug}", response=OrganisationOut, auth=None, summary="One organisation")
def get_organisation(request, slug: OrganisationSlug):
    return access.organisation_for_user(user=request.user, slug=slug)


@router.get(
    "/{slug}/memberships",
    response=list[MembershipOut],
    summary="Memberships of an organisation (its administrators only)",
)
@paginate(CivicPagination)
def list_memberships(request, slug: OrganisationSlug):
    organisation = access.organisation_for_user(
        user=api_actor(request),
        slug=slug,
        perm="organisations.view_membership",
        message=_("Only the organisation's administrators can see its members."),
    )
    return selectors.memberships_of(organisation=organisation)


@router.post(
    "/{slug}/memberships",
    response={201: InvitationOut},
    summary="Invite a person, by e-mail address, to hold roles",
)
def invite_member(request, slug: OrganisationSlug, payload: InvitationIn):
    """Send an invitation; the person becomes a member only by accepting it.

    The answer is the same whether or not the address has an account, so the endpoint does
    not tell anyone which addresses are registered.
    """
    actor = api_actor(request)
    organisation = access.organisation_for_user(user=actor, slug=slug)
    # A browser session must have re-authenticated lately, as on the invitation page; a token
    # was itself created only after re-authentication.
    if request.user.is_authenticated and not reauth.is_recent(request):
        raise PermissionDenied(
            _(
                "Inviting someone with roles needs your password entered in the last "
                "%(minutes)s minutes. Confirm it at %(url)s and try again."
            )
            % {
                "minutes": settings.REAUTHENTICATION_MINUTES,
                "url": reauth.confirm_url(
                    reverse("organisations:invite", kwargs={"slug": organisation.slug})
                ),
            }
        )
    invitation, _token = services.invitation_send(
        actor=actor, organisation=organisation, email=payload.email, roles=payload.roles
    )
    return Status(201, invitation)


@router.delete(
    "/{slug}/memberships/{membership_id}",
    response={204: None},
    summary="Take a role away",
)
def revoke_membership(request, slug: OrganisationSlug, membership_id: int):
    actor = api_actor(request)
    organisation = access.organisation_for_user(
        user=actor, slug=slug, perm="organisations.view_membership"
    )
    membership = access.membership_for_user(user=actor, organisation=organisation, pk=membership_id)
    services.membership_revoke(actor=actor, membership=membership)
    return 204, None


@router.get(
    "/{slug}/invitations",
    response=list[InvitationOut],
    summary="Invitations waiting for an answer (its administrators only)",
)
@paginate(CivicPagination)
def list_invitations(request, slug: OrganisationSlug):
    organisation = access.organisation_for_user(
        user=api_actor(request),
        slug=slug,
        perm="organisations.invite_member",
        message=_("Only the organisation's administrators can see its invitations."),
    )
    return selectors.pending_invitations(organisation=organisation)


@router.delete(
    "/{slug}/invitations/{invitation_id}",
    response={204: None},
    summary="Withdraw an invitation",
)
def withdraw_invitation(request, slug: OrganisationSlug, invitation_id: int):
    actor = api_actor(request)
    organisation = access.organisation_for_user(user=actor, slug=slug)
    invitation = access.invitation_for_user(user=actor, organisation=organisation, pk=invitation_id)
    services.invitation_revoke(actor=actor, invitation=invitation)
    return Status(204, None)
