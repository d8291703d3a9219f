"""API endpoints for supporting an idea: `/ideas/{id}/supports`, `/supporters` and `/support`.

The count and the supporters' display names are public where the idea is; supporting and
withdrawing need a token or a signed-in session.
"""

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from civiclab.accounts.api_auth import PUBLIC_READ
from civiclab.challenges import access
from civiclab.challenges.models import Idea
from civiclab.core.api import CivicPagination, api_actor, request_user

from ..selectors.participation import supporters, viewer_state
from ..services.participation import support_add, support_remove

router = Router(tags=["participation"])


class SupportStateOut(Schema):
    idea_id: int
    count: int = Field(description="How many people support the idea.")
    supported: bool = Field(description="Whether you support it (false when not signed in).")


class SupporterOut(Schema):
    """A supporter (read from their Support row)."""

    id: int
    display_name: str

    @staticmethod
    def resolve_id(support) -> int:
        return support.user_id

    @staticmethod
    def resolve_display_name(support) -> str:
        return str(support.user)


def _support_state(request, idea: Idea) -> dict:
    state = viewer_state(user=request_user(request), idea=idea)
    count = Idea.objects.values_list("support_count", flat=True).get(pk=idea.pk)
    return {"idea_id": idea.pk, "count": count, "supported": state.supported}


@router.get(
    "/ideas/{idea_id}/supports", response=SupportStateOut, auth=PUBLIC_READ, summary="Support count"
)
def get_supports(request, idea_id: int):
    """How many people support the idea and whether you do."""
    return _support_state(request, access.idea_for_user(user=request_user(request), pk=idea_id))


@router.get(
    "/ideas/{idea_id}/supporters",
    response=list[SupporterOut],
    auth=PUBLIC_READ,
    summary="Who supports an idea",
)
@paginate(CivicPagination)
def list_supporters(request, idea_id: int):
    """Display names of the idea's supporters, most recent first (public, as on the page)."""
    idea = access.idea_for_user(user=request_user(request), pk=idea_id)
    return supporters(idea=idea)


@router.post("/ideas/{idea_id}/support", response=SupportStateOut, summary="Support an idea")
def add_support(request, idea_id: int):
    """Supporting twice changes nothing. Limited to a number of clicks per minute (429)."""
    actor = api_actor(request)
    idea = access.idea_for_user(user=request_user(request), pk=idea_id)
    state = support_add(actor=actor, idea=idea)
    return {"idea_id": idea.pk, "count": state.count, "supported": state.supported}


@router.delete("/ideas/{idea_id}/support", response=SupportStateOut, summary="Withdraw support")
def remove_support(request, idea_id: int):
    actor = api_actor(request)
    idea = access.idea_for_user(user=request_user(request), pk=idea_id)
    state = support_remove(actor=actor, idea=idea)
    return {"idea_id": idea.pk, "count": state.count, "supported": state.supported}
