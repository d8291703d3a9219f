"""API endpoints for following: `/<segment>/{<kind>_id}/follow` (`/ideas/{idea_id}/follow`)."""

from ninja import Field, Router, Schema

from civiclab.core.api import api_actor, request_user

from .. import access
from ..registry import Discussable, discussables
from ..services.follows import follow_set
from ._compat import idea_id_field, legacy_idea_id
from ._paths import object_id, object_path


class FollowOut(Schema):
    on: str = Field(description="The kind of object followed (`idea`).")
    object_id: int
    idea_id: int | None = idea_id_field()
    following: bool


def _answer(on: Discussable, pk: int, following: bool) -> dict:
    return {
        "on": on.kind,
        "object_id": pk,
        "idea_id": legacy_idea_id(on.kind, pk),
        "following": following,
    }


def _add_object_routes(router: Router, on: Discussable) -> None:
    @router.post(
        object_path(on, "/follow"),
        response=FollowOut,
        summary=f"Follow the {on.kind}",
        operation_id=f"{on.kind}_follow",
    )
    def follow(request, pk: int = object_id(on)):
        actor = api_actor(request)
        target = access.target_for_user(user=request_user(request), on=on, pk=pk)
        follow_set(actor=actor, target=target, follow=True)
        return _answer(on, target.pk, True)

    @router.delete(
        object_path(on, "/follow"),
        response=FollowOut,
        summary=f"Stop following the {on.kind}",
        operation_id=f"{on.kind}_unfollow",
    )
    def unfollow(request, pk: int = object_id(on)):
        actor = api_actor(request)
        target = access.target_for_user(user=request_user(request), on=on, pk=pk)
        follow_set(actor=actor, target=target, follow=False)
        return _answer(on, target.pk, False)


def build_router() -> Router:
    router = Router(tags=["participation"])
    for on in discussables():
        _add_object_routes(router, on)
    return router
