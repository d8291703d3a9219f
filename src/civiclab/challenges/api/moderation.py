"""API endpoints for the moderators: an organisation's queue of reports and hiding, showing again
or dismissing the reports on an idea or a comment (`/moderation/...`).
"""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from civiclab.challenges import access
from civiclab.core.api import CivicPagination, api_actor
from civiclab.discussion import access as discussion_access
from civiclab.discussion import selectors as discussion_selectors
from civiclab.discussion.services.moderation import (
    moderation_dismiss,
    moderation_hide,
    moderation_restore,
)
from civiclab.organisations import access as organisation_access

router = Router(tags=["participation"])


class QueueFlagOut(Schema):
    reason: str
    note: str
    created_at: datetime


class QueueItemOut(Schema):
    kind: str = Field(description="`idea` or `comment`.")
    id: int
    idea_id: int
    idea_title: str
    text: str
    is_hidden: bool
    hidden_reason: str
    flags: list[QueueFlagOut]


class ReasonIn(Schema):
    reason: str = Field(max_length=300)


class OptionalReasonIn(Schema):
    reason: str = Field("", max_length=2000)


class ModerationOut(Schema):
    kind: str
    id: int
    is_hidden: bool
    hidden_reason: str


MODERATORS_ONLY = _("Only the organisation's moderators can do this.")


MODERATION_SERVICES = {
    "hide": moderation_hide,
    "restore": moderation_restore,
    "dismiss": moderation_dismiss,
}


def _moderate(request, kind: str, pk: int, action: str, reason: str) -> dict:
    """Load the idea or comment for a moderator and apply `action` through its service."""
    actor = api_actor(request)
    if kind == "idea":
        item = access.idea_for_user(
            user=actor, pk=pk, perm="challenges.moderate_idea", message=MODERATORS_ONLY
        )
    else:
        item = discussion_access.comment_for_user(
            user=actor, pk=pk, perm="discussion.moderate_comment", message=MODERATORS_ONLY
        )
    MODERATION_SERVICES[action](actor=actor, item=item, reason=reason)
    item.refresh_from_db(fields=["is_hidden", "hidden_reason"])
    return {
        "kind": kind,
        "id": item.pk,
        "is_hidden": item.is_hidden,
        "hidden_reason": item.hidden_reason,
    }


@router.get(
    "/organisations/{slug}/moderation/flags",
    response=list[QueueItemOut],
    summary="The moderation queue (moderators)",
)
@paginate(CivicPagination)
def moderation_queue(request, slug: str):
    """Open reports of the organisation, grouped by item, the longest waiting first."""
    actor = api_actor(request)
    organisation = organisation_access.organisation_for_user(
        user=actor,
        slug=slug,
        perm="discussion.view_moderation_queue",
        message=_("Only the organisation's moderators can see its reports."),
    )
    return [
        {
            "kind": entry.kind,
            "id": entry.item.pk,
            "idea_id": entry.target.pk,
            "idea_title": entry.target.title,
            "text": entry.text,
            "is_hidden": entry.item.is_hidden,
            "hidden_reason": entry.item.hidden_reason,
            "flags": [
                {"reason": flag.reason, "note": flag.note, "created_at": flag.created_at}
                for flag in entry.flags
            ],
        }
        for entry in discussion_selectors.moderation_queue(organisation=organisation)
    ]


@router.post("/moderation/ideas/{idea_id}/hide", response=ModerationOut, summary="Hide an idea")
def hide_idea(request, idea_id: int, payload: ReasonIn):
    return _moderate(request, "idea", idea_id, "hide", payload.reason)


@router.post(
    "/moderation/ideas/{idea_id}/restore", response=ModerationOut, summary="Show an idea again"
)
def restore_idea(request, idea_id: int, payload: ReasonIn):
    return _moderate(request, "idea", idea_id, "restore", payload.reason)


@router.post(
    "/moderation/ideas/{idea_id}/dismiss",
    response=ModerationOut,
    summary="Close an idea's reports, keep it visible",
)
def dismiss_idea(request, idea_id: int, payload: OptionalReasonIn):
    return _moderate(request, "idea", idea_id, "dismiss", payload.reason)


@router.post(
    "/moderation/comments/{comment_id}/hide", response=ModerationOut, summary="Hide a comment"
)
def hide_comment(request, comment_id: int, payload: ReasonIn):
    return _moderate(request, "comment", comment_id, "hide", payload.reason)


@router.post(
    "/moderation/comments/{comment_id}/restore",
    response=ModerationOut,
    summary="Show a comment again",
)
def restore_comment(request, comment_id: int, payload: ReasonIn):
    return _moderate(request, "comment", comment_id, "restore", payload.reason)


@router.post(
    "/moderation/comments/{comment_id}/dismiss",
    response=ModerationOut,
    summary="Close a comment's reports, keep it visible",
)
def dismiss_comment(request, comment_id: int, payload: OptionalReasonIn):
    return _moderate(request, "comment", comment_id, "dismiss", payload.reason)
