"""API endpoints for merging an idea into another and undoing it: `/ideas/{id}/merge` and
`/merges/{id}/unmerge`.
"""

from datetime import datetime

from ninja import Field, Router, Schema, Status

from civiclab.challenges import access
from civiclab.core.api import api_actor, request_user
from civiclab.discussion.api.moderation import OptionalReasonIn

from ..services.merge import idea_merge, merge_undo

router = Router(tags=["participation"])


class MergeIn(Schema):
    target_id: int
    reason: str = Field(max_length=2000)


class MergeOut(Schema):
    id: int
    source_id: int
    target_id: int
    reason: str
    created_at: datetime
    moved_support_user_ids: list[int]
    moved_comment_ids: list[int]
    added_coauthor_user_ids: list[int]
    previous_status: str
    unmerged_at: datetime | None


@router.post("/ideas/{idea_id}/merge", response={201: MergeOut}, summary="Merge into another idea")
def merge(request, idea_id: int, payload: MergeIn):
    """Merge this idea into `target_id` (same challenge); undo with /merges/{id}/unmerge."""
    actor = api_actor(request)
    source = access.idea_for_user(user=request_user(request), pk=idea_id)
    target = access.idea_for_user(user=request_user(request), pk=payload.target_id)
    record = idea_merge(actor=actor, source=source, target=target, reason=payload.reason)
    return Status(201, record)


@router.post("/merges/{merge_id}/unmerge", response=MergeOut, summary="Undo a merge")
def unmerge(request, merge_id: int, payload: OptionalReasonIn):
    actor = api_actor(request)
    record = access.merge_for_user(user=actor, pk=merge_id)
    return merge_undo(actor=actor, record=record, reason=payload.reason)
