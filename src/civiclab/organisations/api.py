"""The organisations and memberships API: /api/v1/organisations."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import AuthenticationError
from ninja.pagination import paginate

from civiclab.core.api import CivicPagination

from . import selectors, services
from .models import Membership, Organisation
from .schemas import MembershipIn, MembershipOut, OrganisationOut

# Reading organisations is public; the membership endpoints use the API's authentication
# (personal token or browser session) and the services' permission checks.
router = Router(tags=["organisations"])


def _visible_organisation(request, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation.objects.prefetch_related("sectors"), slug=slug)
    if not request.user.has_perm("organisations.view_organisation", organisation):
        raise Http404
    return organisation


def _actor(request):
    user = request.auth if getattr(request.auth, "is_authenticated", False) else request.user
    if not getattr(user, "is_authenticated", False):
        raise AuthenticationError
    return user


@router.get("", response=list[OrganisationOut], auth=None, summary="List organisations")
@paginate(CivicPagination)
def list_organisations(request):
    """Active organisations, by name."""
    return selectors.organisation_list()


@router.get("/{slug}", response=OrganisationOut, auth=None, summary="One organisation")
def get_organisation(request, slug: str):
    return _visible_organisation(request, slug)


@router.get(
    "/{slug}/memberships",
    response=list[MembershipOut],
    summary="Memberships of an organisation (its administrators only)",
)
@paginate(CivicPagination)
def list_memberships(request, slug: str):
    actor = _actor(request)
    organisation = get_object_or_404(Organisation, slug=slug)
    if not actor.has_perm("organisations.view_membership", organisation):
        raise PermissionDenied(_("Only the organisation's administrators can see its members."))
    return selectors.memberships_of(organisation=organisation)


@router.post(
    "/{slug}/memberships",
    response={201: MembershipOut},
    summary="Give an existing account a role",
)
def grant_membership(request, slug: str, payload: MembershipIn):
    actor = _actor(request)
    organisation = get_object_or_404(Organisation, slug=slug)
    user = selectors.user_by_email_or_id(email=payload.email, user_id=payload.user_id)
    if user is None:
        if not actor.has_perm("organisations.manage_membership", organisation):
            # Do not tell outsiders which accounts exist.
            raise PermissionDenied(_("You do not have permission to do this."))
        field = "email" if payload.email is not None else "user_id"
        raise ValidationError({field: _("There is no account with this address or id.")})
    membership = services.membership_grant(
        actor=actor, organisation=organisation, user=user, role=payload.role
    )
    return 201, membership


@router.delete(
    "/{slug}/memberships/{membership_id}",
    response={204: None},
    summary="Take a role away",
)
def revoke_membership(request, slug: str, membership_id: int):
    actor = _actor(request)
    organisation = get_object_or_404(Organisation, slug=slug)
    if not actor.has_perm("organisations.view_membership", organisation):
        raise PermissionDenied(_("You do not have permission to do this."))
    membership = get_object_or_404(
        Membership.objects.select_related("organisation", "user"),
        pk=membership_id,
        organisation=organisation,
    )
    services.membership_revoke(actor=actor, membership=membership)
    return 204, None
