"""API endpoints for the moderators: an organisation's queue of reports, and hiding, showing
again or dismissing the reports on an object (`/moderation/<segment>/{<kind>_id}/...`, as
`/moderation/ideas/{idea_id}/hide`) or a comment (`/moderation/comments/{comment_id}/...`).
"""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from django.db.models import Model
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema
from ninja.pagination import paginate

from civiclab.core.api import CivicPagination, api_actor
from civiclab.organisations import access as organisation_access
from civiclab.organisations.models import Organisation

from .. import access, selectors
from ..registry import Discussable, discussables
from ..services.moderation import (
    HIDE_REASON_MAX_LENGTH,
    moderation_dismiss,
    moderation_hide,
    moderation_restore,
)
from ._compat import idea_id_field, idea_title_field, legacy_idea_id, legacy_idea_title
from ._paths import object_id, object_path


class QueueFlagOut(Schema):
    reason: str
    note: str
    created_at: datetime


class QueueItemOut(Schema):
    kind: str = Field(description="`comment`, or the kind of object reported (`idea`).")
    id: int
    on: str = Field(description="The kind of object reported, or that the comment is on.")
    object_id: int
    object_title: str
    idea_id: int | None = idea_id_field()
    idea_title: str | None = idea_title_field()
    text: str
    is_hidden: bool
    hidden_reason: str
    flags: list[QueueFlagOut]


class ReasonIn(Schema):
    reason: str = Field(max_length=HIDE_REASON_MAX_LENGTH)


class OptionalReasonIn(Schema):
    reason: str = Field("", max_length=2000)


class ModerationOut(Schema):
    kind: str
    id: int
    is_hidden: bool
    hidden_reason: str


MODERATORS_ONLY = _("Only the organisation's moderators can do this.")
ACTIONS: dict[str, tuple[Callable[..., object], type[Schema], str]] = {
    "hide": (moderation_hide, ReasonIn, "Hide {what}"),
    "restore": (moderation_restore, ReasonIn, "Show {what} again"),
    "dismiss": (
        moderation_dismiss,
        OptionalReasonIn,
        "Close the reports on {what}, keep it visible",
    ),
}


def _apply(request, kind: str, item: Model, action: str, reason: str) -> dict:
    """Apply `action` to the loaded item through its service and say where it stands."""
    service = ACTIONS[action][0]
    service(actor=api_actor(request), item=item, reason=reason)
    item.refresh_from_db(fields=["is_hidden", "hidden_reason"])
    return {
        "kind": kind,
        "id": item.pk,
        "is_hidden": item.is_hidden,  # type: ignore[attr-defined]
        "hidden_reason": item.hidden_reason,  # type: ignore[attr-defined]
    }


SLUG_MAX_LENGTH = Organisation._meta.get_field("slug").max_length


def _add_queue_route(router: Router) -> None:
    @router.get(
        "/organisations/{slug}/moderation/flags",
        response=list[QueueItemOut],
        summary="The moderation queue (moderators)",
    )
    @paginate(CivicPagination)
    def moderation_queue(request, slug: Annotated[str, Path(max_length=SLUG_MAX_LENGTH)]):
        """Open reports of the organisation, grouped by item, the longest waiting first."""
        organisation = organisation_access.organisation_for_user(
            user=api_actor(request),
            slug=slug,
            perm="discussion.view_moderation_queue",
            message=_("Only the organisation's moderators can see its reports."),
        )
        return [
            _queue_item(entry) for entry in selectors.moderation_queue(organisation=organisation)
        ]


def _queue_item(entry: selectors.QueueItem) -> dict:
    on = entry.target_kind
    return {
        "kind": entry.kind,
        "id": entry.item.pk,
        "on": on,
        "object_id": entry.target.pk,
        "object_title": entry.target_title,
        "idea_id": legacy_idea_id(on, entry.target.pk),
        "idea_title": legacy_idea_title(on, entry.target_title),
        "text": entry.text,
        "is_hidden": entry.item.is_hidden,
        "hidden_reason": entry.item.hidden_reason,
        "flags": [
            {"reason": flag.reason, "note": flag.note, "created_at": flag.created_at}
            for flag in entry.flags
        ],
    }


def _add_object_routes(router: Router, on: Discussable, action: str) -> None:
    moderation = on.moderation
    if moderation is None:
        return
    _service, body, verb = ACTIONS[action]

    @router.post(
        "/moderation" + object_path(on, f"/{action}"),
        response=ModerationOut,
        summary=verb.format(what=f"the {on.kind}"),
        operation_id=f"{on.kind}_moderation_{action}",
    )
    def moderate(request, payload: body, pk: int = object_id(on)):  # type: ignore[valid-type]
        item = access.target_for_user(
            user=api_actor(request), on=on, pk=pk, perm=moderation.perm, message=MODERATORS_ONLY
        )
        return _apply(request, on.kind, item, action, payload.reason)


def _add_comment_routes(router: Router, action: str) -> None:
    _service, body, verb = ACTIONS[action]

    @router.post(
        f"/moderation/comments/{{comment_id}}/{action}",
        response=ModerationOut,
        summary=verb.format(what="a comment"),
        operation_id=f"comment_moderation_{action}",
    )
    def moderate_comment(request, comment_id: int, payload: body):  # type: ignore[valid-type]
        item = access.comment_for_user(
            user=api_actor(request),
            pk=comment_id,
            perm="discussion.moderate_comment",
            message=MODERATORS_ONLY,
        )
        return _apply(request, "comment", item, action, payload.reason)


def build_router() -> Router:
    router = Router(tags=["participation"])
    _add_queue_route(router)
    for action in ACTIONS:
        for on in discussables():
            _add_object_routes(router, on, action)
        _add_comment_routes(router, action)
    return router
