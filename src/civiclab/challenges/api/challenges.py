"""API endpoints for challenges, under /api/v1/challenges.

Reading is open to everyone, with the caller's rights when a token or session comes along:
`PUBLIC_READ` tries a Bearer token, then the session, and lets the request through as
anonymous only when no `Authorization` header was sent (a wrong token is a 401, never a
silent downgrade). A challenge the caller may not see is a 404, as on the pages. Writing
needs a signed-in caller; the services check the rights.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from civiclab.accounts.api_auth import PUBLIC_READ
from civiclab.core.api import CivicPagination, PersonOut, request_user
from civiclab.core.limits import LONG_TEXT, TEXT
from civiclab.organisations import access as organisation_access
from civiclab.organisations.models import Organisation

from .. import access
from ..models import Audience, Challenge, InnovationType, PhaseKind
from ..selectors.challenges import active_person, visible_challenges
from ..services.challenges import (
    PhaseDates,
    challenge_create,
    challenge_publish,
    challenge_unpublish,
    challenge_update,
)
from .ideas import TagText

# An `organisation` filter naming no organisation the caller may see (ADR 7: as if missing).
ORGANISATION_NOT_FOUND = "No organisation you may see has this slug."

router = Router(tags=["challenges"])


# --- schemas --------------------------------------------------------------------------------


class PhaseSchema(Schema):
    kind: PhaseKind
    starts_at: datetime
    ends_at: datetime | None = None


class ChallengeOut(Schema):
    id: int
    organisation: str = Field(description="The organisation's slug.")
    slug: str
    title: str
    summary: str
    problem_statement: str
    goals: str
    needs: str
    sponsor: PersonOut | None
    audience: Audience
    innovation_types: list[str]
    tags: list[str] = Field(description="Tag slugs.")
    state: str
    published_at: datetime | None
    is_idea_box: bool
    current_phase: PhaseKind = Field(description="By the clock; `closed` between phases.")
    phases: list[PhaseSchema]
    url: str

    @staticmethod
    def resolve_organisation(challenge: Challenge) -> str:
        return challenge.organisation.slug

    @staticmethod
    def resolve_sponsor(challenge: Challenge):
        sponsor = challenge.sponsor
        if sponsor is None:
            return None
        return {"id": sponsor.pk, "display_name": sponsor.display_name or ""}

    @staticmethod
    def resolve_tags(challenge: Challenge) -> list[str]:
        return [tag.slug for tag in challenge.tags.all()]

    @staticmethod
    def resolve_current_phase(challenge: Challenge) -> str:
        return challenge.current_phase_kind()

    @staticmethod
    def resolve_phases(challenge: Challenge) -> list:
        return list(challenge.phases.all())

    @staticmethod
    def resolve_url(challenge: Challenge, context) -> str:
        request = context["request"]
        return request.build_absolute_uri(challenge.get_absolute_url())


class ChallengeFilters(Schema):
    organisation: str | None = Field(None, max_length=80, description="The organisation's slug.")
    phase: PhaseKind | None = Field(None, description="Only challenges now in this phase.")
    tag: str | None = Field(None, max_length=60, description="A tag slug.")


class ChallengeIn(Schema):
    organisation: str = Field(max_length=80, description="The organisation's slug.")
    title: str = Field(max_length=200)
    summary: str = Field(max_length=300)
    problem_statement: str = Field(max_length=LONG_TEXT)
    goals: str = Field("", max_length=TEXT)
    needs: str = Field("", max_length=TEXT)
    sponsor_id: int | None = Field(None, description="A decision maker of the organisation.")
    audience: Audience = Audience.PUBLIC
    innovation_types: list[InnovationType] = []
    tags: list[TagText] = Field([], description="Tag names; new ones are created.")
    phases: list[PhaseSchema] | None = Field(
        None, description="Naive times are read in the organisation's time zone."
    )


class ChallengePatch(Schema):
    # Leave out what does not change; the fields a challenge cannot lack take no `null`.
    title: str = Field(None, max_length=200)
    summary: str = Field(None, max_length=300)
    problem_statement: str = Field(None, max_length=LONG_TEXT)
    goals: str | None = Field(None, max_length=TEXT)
    needs: str | None = Field(None, max_length=TEXT)
    sponsor_id: int | None = None
    audience: Audience = Field(None)
    innovation_types: list[InnovationType] | None = None
    tags: list[TagText] | None = None
    phases: list[PhaseSchema] | None = None


# --- helpers --------------------------------------------------------------------------------


def _aware(moment: datetime | None, organisation: Organisation) -> datetime | None:
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, organisation.zone)


def _phase_dates(phases, organisation) -> list[PhaseDates]:
    return [
        PhaseDates(
            str(phase.kind),
            _aware(phase.starts_at, organisation),
            _aware(phase.ends_at, organisation),
        )
        for phase in phases
    ]


def _sponsor(sponsor_id: int | None):
    if sponsor_id is None:
        return None
    sponsor = active_person(pk=sponsor_id)
    if sponsor is None:
        raise ValidationError({"sponsor_id": _("There is no person with this id.")})
    return sponsor


def _renamed(error: ValidationError) -> ValidationError:
    """Service field names -> API field names (the sponsor is given by id)."""
    if not hasattr(error, "error_dict"):
        return error
    fields = dict(error.error_dict)
    if "sponsor" in fields:
        fields["sponsor_id"] = fields.pop("sponsor")
    return ValidationError(fields)


def _reloaded(request, challenge: Challenge) -> Challenge:
    """The challenge as it is now, with what its answer shows."""
    return access.challenge_for_user(user=request_user(request), pk=challenge.pk)


# --- challenges -----------------------------------------------------------------------------


@router.get(
    "/challenges",
    response=list[ChallengeOut],
    auth=PUBLIC_READ,
    summary="List the challenges you can see",
    openapi_extra={"responses": {404: {"description": ORGANISATION_NOT_FOUND}}},
)
@paginate(CivicPagination)
def list_challenges(request, filters: Query[ChallengeFilters]):
    organisation = None
    if filters.organisation:
        organisation = organisation_access.organisation_for_user(
            user=request_user(request), slug=filters.organisation
        )
    return visible_challenges(
        user=request_user(request),
        organisation=organisation,
        phase=str(filters.phase or ""),
        tag=filters.tag or "",
    ).select_related("sponsor")


@router.get(
    "/challenges/{int:challenge_id}",
    response=ChallengeOut,
    auth=PUBLIC_READ,
    summary="One challenge",
)
def get_challenge(request, challenge_id: int):
    return access.challenge_for_user(user=request_user(request), pk=challenge_id)


@router.post(
    "/challenges",
    response={201: ChallengeOut},
    summary="Create a challenge (draft)",
    openapi_extra={"responses": {404: {"description": ORGANISATION_NOT_FOUND}}},
)
def create_challenge(request, payload: ChallengeIn):
    user = request_user(request)
    organisation = organisation_access.active_organisation_for_user(
        user=user, slug=payload.organisation
    )
    try:
        challenge = challenge_create(
            actor=user,
            organisation=organisation,
            title=payload.title,
            summary=payload.summary,
            problem_statement=payload.problem_statement,
            goals=payload.goals,
            needs=payload.needs,
            sponsor=_sponsor(payload.sponsor_id),
            audience=payload.audience,
            innovation_types=[str(kind) for kind in payload.innovation_types],
            tag_names=payload.tags,
            phases=(
                _phase_dates(payload.phases, organisation) if payload.phases is not None else None
            ),
        )
    except ValidationError as error:
        raise _renamed(error) from error
    return Status(201, _reloaded(request, challenge))


@router.patch("/challenges/{int:challenge_id}", response=ChallengeOut, summary="Change a challenge")
def update_challenge(request, challenge_id: int, payload: ChallengePatch):
    challenge = access.challenge_for_user(user=request_user(request), pk=challenge_id)
    user = request_user(request)
    changes = payload.dict(exclude_unset=True)
    tag_names = changes.pop("tags", None)
    phases = changes.pop("phases", None)
    if "sponsor_id" in changes:
        changes["sponsor"] = _sponsor(changes.pop("sponsor_id"))
    if "innovation_types" in changes:
        changes["innovation_types"] = [str(kind) for kind in changes["innovation_types"] or []]
    for name in ("title", "summary", "problem_statement", "audience"):
        if name in changes and changes[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    for name in ("goals", "needs"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    try:
        challenge_update(
            actor=user,
            challenge=challenge,
            tag_names=tag_names,
            phases=(
                _phase_dates(payload.phases, challenge.organisation) if phases is not None else None
            ),
            **changes,
        )
    except ValidationError as error:
        raise _renamed(error) from error
    return _reloaded(request, challenge)


@router.post(
    "/challenges/{int:challenge_id}/publish", response=ChallengeOut, summary="Publish a challenge"
)
def publish_challenge(request, challenge_id: int):
    challenge = access.challenge_for_user(user=request_user(request), pk=challenge_id)
    challenge_publish(actor=request_user(request), challenge=challenge)
    return _reloaded(request, challenge)


@router.post(
    "/challenges/{int:challenge_id}/unpublish",
    response=ChallengeOut,
    summary="Back to draft (only without ideas)",
)
def unpublish_challenge(request, challenge_id: int):
    challenge = access.challenge_for_user(user=request_user(request), pk=challenge_id)
    challenge_unpublish(actor=request_user(request), challenge=challenge)
    return _reloaded(request, challenge)


# --- event ----------------------------------------------------------------------------------
