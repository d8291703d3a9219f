"""API endpoints for following an idea: `/ideas/{id}/follow`."""

from ninja import Router, Schema

from civiclab.challenges import access
from civiclab.core.api import api_actor, request_user
from civiclab.discussion.services.follows import follow_set

router = Router(tags=["participation"])


class FollowOut(Schema):
    idea_id: int
    following: bool


@router.post("/ideas/{idea_id}/follow", response=FollowOut, summary="Follow an idea")
def follow(request, idea_id: int):
    actor = api_actor(request)
    idea = access.idea_for_user(user=request_user(request), pk=idea_id)
    follow_set(actor=actor, target=idea, follow=True)
    return {"idea_id": idea.pk, "following": True}


@router.delete("/ideas/{idea_id}/follow", response=FollowOut, summary="Stop following an idea")
def unfollow(request, idea_id: int):
    actor = api_actor(request)
    idea = access.idea_for_user(user=request_user(request), pk=idea_id)
    follow_set(actor=actor, target=idea, follow=False)
    return {"idea_id": idea.pk, "following": False}
