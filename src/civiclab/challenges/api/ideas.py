"""API endpoints for one idea: read (with status history and co-authors), edit, decide.

Reading is open to whoever may read the idea (a hidden idea, or one in a challenge the caller
may not see, is a 404, as on the pages). Writing needs a token or a signed-in session; the
services check the rights (403) and the input (422).
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db.models import Value
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict, StringConstraints

from civiclab.accounts.api_auth import PUBLIC_READ
from civiclab.core.api import CivicPagination, PersonOut, person_out, request_user
from civiclab.core.limits import LONG_TEXT, SHORT_TEXT, TEXT
from civiclab.discussion import blind

from .. import access
from ..models import Idea, IdeaRevision, IdeaStatus, InnovationType, Tag
from ..selectors.ideas import idea_api_queryset, revisions_newest_first, tags_by_slugs
from ..services.ideas import idea_update
from ..services.status import idea_set_status

router = Router(tags=["ideas"])


# --- schemas --------------------------------------------------------------------------------


# A tag's name or slug, as long as the model allows.
TagText = Annotated[str, StringConstraints(max_length=Tag._meta.get_field("name").max_length)]


class StatusChangeOut(Schema):
    id: int
    from_status: str = Field(description="Empty for the first change.")
    to_status: IdeaStatus
    reason: str
    created_at: datetime
    ledger_sequence: int | None = Field(
        description="For selections: the public ledger entry that records the decision."
    )


class PlaceOut(Schema):
    name: str
    latitude: Decimal | None
    longitude: Decimal | None


class CountsOut(Schema):
    supports: int
    comments: int
    attachments: int
    revisions: int


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class IdeaOut(Schema):
    id: int
    challenge_id: int
    organisation: str = Field(description="The organisation's slug.")
    title: str
    summary: str
    description: str = Field(description="Markdown, as written.")
    description_html: str = Field(description="The description as sanitised HTML.")
    expected_benefits: str
    beneficiaries: str
    innovation_types: list[str]
    tags: list[str] = Field(description="Tag slugs.")
    place: PlaceOut
    status: IdeaStatus
    status_reason: str
    status_changed_at: datetime | None
    merged_into_id: int | None
    is_hidden: bool
    author: PersonOut | None = Field(
        None, description="Left out for evaluators of the challenge while blind review runs."
    )
    coauthors: list[PersonOut]
    status_changes: list[StatusChangeOut]
    attachments: list[AttachmentOut]
    counts: CountsOut
    created_at: datetime
    updated_at: datetime
    url: str


class IdeaIn(Schema):
    title: str = Field(max_length=150)
    summary: str = Field(max_length=300)
    description: str = Field(
        max_length=LONG_TEXT, description="Markdown; it is sanitised when shown."
    )
    expected_benefits: str = Field("", max_length=TEXT)
    beneficiaries: str = Field("", max_length=300)
    innovation_types: list[InnovationType] = []
    tags: list[TagText] = Field([], description="Slugs of the organisation's tags.")
    location_name: str = Field("", max_length=200)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)


class IdeaPatch(Schema):
    # Leave out what does not change; the fields an idea cannot lack take no `null`.
    title: str = Field(None, max_length=150)
    summary: str = Field(None, max_length=300)
    description: str = Field(
        None, max_length=LONG_TEXT, description="Markdown; it is sanitised when shown."
    )
    expected_benefits: str | None = Field(None, max_length=TEXT)
    beneficiaries: str | None = Field(None, max_length=300)
    innovation_types: list[InnovationType] | None = None
    tags: list[TagText] | None = Field(None, description="Slugs of the organisation's tags.")
    location_name: str | None = Field(None, max_length=200)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)


def _state_settable_statuses(schema: dict) -> None:
    """Ideas are merged on the merge endpoint, which moves their supports, never here."""
    schema["properties"]["status"] = {
        "title": "Status",
        "type": "string",
        "enum": [status.value for status in IdeaStatus if status != IdeaStatus.MERGED],
    }


class StatusIn(Schema):
    model_config = ConfigDict(json_schema_extra=_state_settable_statuses)

    status: IdeaStatus
    reason: str = Field(
        max_length=SHORT_TEXT,
        description="Public: shown on the idea's page and sent to its people.",
    )


class RevisionOut(Schema):
    id: int
    created_at: datetime
    editor: PersonOut | None = Field(
        description="Who made the edit; None while blind review hides the idea's authors from you."
    )
    content: dict = Field(description="The idea's written fields as they were after this edit.")

    @staticmethod
    def resolve_editor(revision: IdeaRevision):
        if not getattr(revision, "editor_shown", True) or revision.editor is None:
            return None
        return person_out(revision.editor)


# --- helpers --------------------------------------------------------------------------------


def _authors(request, idea: Idea) -> dict:
    # Blind review: an evaluator in the challenge does not learn the authors here either.
    if not blind.shows_authors(viewer=request_user(request), target=idea):
        return {"author": None, "coauthors": []}
    return {
        "author": person_out(idea.author),
        "coauthors": [person_out(c.user) for c in idea.accepted_coauthors],
    }


def idea_out(request, idea: Idea) -> dict:
    absolute = request.build_absolute_uri
    attachments = list(idea.attachments.all())
    slug = idea.organisation.slug
    return {
        "id": idea.pk,
        "challenge_id": idea.challenge_id,
        "organisation": slug,
        "title": idea.title,
        "summary": idea.summary,
        "description": idea.description,
        "description_html": idea.description_html,
        "expected_benefits": idea.expected_benefits,
        "beneficiaries": idea.beneficiaries,
        "innovation_types": list(idea.innovation_types or []),
        "tags": [tag.slug for tag in idea.tags.all()],
        "place": {
            "name": idea.location_name,
            "latitude": idea.latitude,
            "longitude": idea.longitude,
        },
        "status": idea.status,
        "status_reason": idea.status_reason,
        "status_changed_at": idea.status_changed_at,
        "merged_into_id": idea.merged_into_id,
        "is_hidden": idea.is_hidden,
        **_authors(request, idea),
        "status_changes": list(idea.status_changes.all()),
        "attachments": [
            {
                "id": a.pk,
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "url": absolute(
                    reverse(
                        "challenges:idea_attachment",
                        kwargs={"org_slug": slug, "pk": idea.pk, "attachment_pk": a.pk},
                    )
                ),
            }
            for a in attachments
        ],
        "counts": {
            "supports": idea.support_count,
            "comments": idea.comment_count,
            "attachments": len(attachments),
            "revisions": idea.revisions.count(),
        },
        "created_at": idea.created_at,
        "updated_at": idea.updated_at,
        "url": absolute(idea.get_absolute_url()),
    }


def full_idea(request, idea_id: int) -> Idea:
    """The idea with everything its answer shows, loaded in a fixed number of queries."""
    return access.idea_for_user(
        user=request_user(request),
        pk=idea_id,
        queryset=idea_api_queryset().prefetch_related("attachments"),
    )


def tags_from_slugs(organisation_id: int, slugs: list[str]) -> list[Tag]:
    slugs = list(dict.fromkeys(slugs))
    tags = tags_by_slugs(organisation_id=organisation_id, slugs=slugs)
    if len(tags) != len(slugs):
        known = {tag.slug for tag in tags}
        missing = ", ".join(slug for slug in slugs if slug not in known)
        raise ValidationError({"tags": [_("Unknown tags: %(tags)s.") % {"tags": missing}]})
    return tags


# --- endpoints ------------------------------------------------------------------------------


@router.get("/ideas/{int:idea_id}", response=IdeaOut, auth=PUBLIC_READ, summary="One idea")
def get_idea(request, idea_id: int):
    return idea_out(request, full_idea(request, idea_id))


@router.patch("/ideas/{int:idea_id}", response=IdeaOut, summary="Edit an idea")
def update_idea(request, idea_id: int, payload: IdeaPatch):
    user = request_user(request)
    idea = access.idea_for_user(user=request_user(request), pk=idea_id)
    fields = payload.dict(exclude_unset=True)
    for name in ("title", "summary", "description"):
        if name in fields and fields[name] is None:
            raise ValidationError({name: [_("This field cannot be empty.")]})
    if "innovation_types" in fields:
        fields["innovation_types"] = [str(kind) for kind in payload.innovation_types or []]
    if "tags" in fields:
        fields["tags"] = tags_from_slugs(idea.organisation_id, payload.tags or [])
    for name in ("expected_benefits", "beneficiaries", "location_name"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    idea_update(actor=user, idea=idea, **fields)
    return idea_out(request, full_idea(request, idea.pk))


@router.post(
    "/ideas/{int:idea_id}/status",
    response={201: StatusChangeOut},
    summary="Change an idea's status, with a public reason",
)
def change_status(request, idea_id: int, payload: StatusIn):
    idea = access.idea_for_user(user=request_user(request), pk=idea_id)
    change = idea_set_status(
        actor=request_user(request), idea=idea, status=str(payload.status), reason=payload.reason
    )
    return Status(201, change)


@router.get(
    "/ideas/{int:idea_id}/revisions",
    response=list[RevisionOut],
    auth=PUBLIC_READ,
    summary="The edit history of an idea, newest first",
)
@paginate(CivicPagination)
def list_revisions(request, idea_id: int):
    user = request_user(request)
    idea = access.idea_for_user(user=user, pk=idea_id)
    # Blind review: editors are the idea's authors, so they go unnamed as the authors do.
    return revisions_newest_first(idea=idea).annotate(
        editor_shown=Value(blind.shows_authors(viewer=user, target=idea))
    )
