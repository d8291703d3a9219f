"""API endpoints for reporting to the moderators: `/<segment>/{<kind>_id}/flags` for every
registered model (`/ideas/{idea_id}/flags`) and `/comments/{id}/flags`.
"""

from datetime import datetime

from ninja import Field, Router, Schema, Status

from civiclab.core.api import api_actor, request_user
from civiclab.core.ratelimit import client_network_key

from .. import access
from ..models import FlagReason
from ..registry import Discussable, discussables
from ..services.moderation import NOTE_MAX_LENGTH, flag_add
from ._paths import object_id, object_path


class FlagIn(Schema):
    reason: FlagReason
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


class FlagOut(Schema):
    id: int
    reason: str
    note: str
    created_at: datetime
    resolution: str


def _add_object_routes(router: Router, on: Discussable) -> None:
    @router.post(
        object_path(on, "/flags"),
        response={201: FlagOut},
        summary=f"Report the {on.kind}",
        operation_id=f"{on.kind}_flag",
    )
    def flag(request, payload: FlagIn, pk: int = object_id(on)):
        actor = api_actor(request)
        item = access.target_for_user(user=request_user(request), on=on, pk=pk)
        return Status(
            201,
            flag_add(
                actor=actor,
                item=item,
                reason=payload.reason,
                note=payload.note,
                network=client_network_key(request),
            ),
        )


def _add_comment_routes(router: Router) -> None:
    @router.post(
        "/comments/{comment_id}/flags", response={201: FlagOut}, summary="Report a comment"
    )
    def flag_comment(request, comment_id: int, payload: FlagIn):
        actor = api_actor(request)
        item = access.comment_for_user(user=request_user(request), pk=comment_id)
        return Status(
            201,
            flag_add(
                actor=actor,
                item=item,
                reason=payload.reason,
                note=payload.note,
                network=client_network_key(request),
            ),
        )


def build_router() -> Router:
    router = Router(tags=["participation"])
    for on in discussables():
        _add_object_routes(router, on)
    _add_comment_routes(router)
    return router
