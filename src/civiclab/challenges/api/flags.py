"""API endpoints for reporting an idea or a comment to the moderators:
`/ideas/{id}/flags` and `/comments/{id}/flags`.
"""

from datetime import datetime

from ninja import Field, Router, Schema, Status

from civiclab.challenges import access
from civiclab.core.api import api_actor, request_user
from civiclab.discussion import access as discussion_access
from civiclab.discussion.models import FlagReason
from civiclab.discussion.services.moderation import flag_add

router = Router(tags=["participation"])


class FlagIn(Schema):
    reason: FlagReason
    note: str = Field("", max_length=500)


class FlagOut(Schema):
    id: int
    reason: str
    note: str
    created_at: datetime
    resolution: str


@router.post("/ideas/{idea_id}/flags", response={201: FlagOut}, summary="Report an idea")
def flag_idea(request, idea_id: int, payload: FlagIn):
    actor = api_actor(request)
    flag = flag_add(
        actor=actor,
        item=access.idea_for_user(user=request_user(request), pk=idea_id),
        reason=payload.reason,
        note=payload.note,
    )
    return Status(201, flag)


@router.post("/comments/{comment_id}/flags", response={201: FlagOut}, summary="Report a comment")
def flag_comment(request, comment_id: int, payload: FlagIn):
    actor = api_actor(request)
    flag = flag_add(
        actor=actor,
        item=discussion_access.comment_for_user(user=request_user(request), pk=comment_id),
        reason=payload.reason,
        note=payload.note,
    )
    return Status(201, flag)
