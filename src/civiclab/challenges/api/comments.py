"""API endpoints for an idea's comments: `/ideas/{id}/comments` and `/comments/{id}`.

Reading follows the idea (a token or session, when sent, says who reads: moderators see what
was hidden, and blind review may withhold the names of the idea's authors); writing goes
through the discussion services and their permission checks.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from civiclab.accounts.api_auth import PUBLIC_READ
from civiclab.challenges import access
from civiclab.challenges.models import Idea
from civiclab.core.access import NotVisible
from civiclab.core.api import CivicPagination, PersonOut, api_actor, person_out, request_user
from civiclab.discussion import access as discussion_access
from civiclab.discussion import blind
from civiclab.discussion import selectors as discussion_selectors
from civiclab.discussion.registry import discussable_of
from civiclab.discussion.services.comments import (
    COMMENT_MAX_LENGTH,
    comment_add,
    comment_delete,
    comment_edit,
)

router = Router(tags=["participation"])


class CommentOut(Schema):
    id: int
    idea_id: int
    parent_id: int | None
    author: PersonOut | None = Field(
        description=(
            "None for a deleted comment, and for a comment by one of the idea's authors while "
            "blind review hides who wrote the idea from you (then `by_idea_author` is true)."
        )
    )
    by_idea_author: bool = Field(
        description="Whether the idea's author or one of its accepted co-authors wrote it."
    )
    body: str = Field(description="Empty for a deleted comment, or a hidden one you may not read.")
    created_at: datetime
    edited_at: datetime | None
    is_deleted: bool
    is_hidden: bool
    hidden_reason: str

    @staticmethod
    def resolve_idea_id(comment) -> int:
        return comment.object_id

    @staticmethod
    def resolve_author(comment, context):
        _authors, masked = _comment_authors(context)
        if comment.is_deleted or comment.author_id in masked:
            return None
        return person_out(comment.author)

    @staticmethod
    def resolve_by_idea_author(comment, context) -> bool:
        authors, _masked = _comment_authors(context)
        return comment.author_id in authors

    @staticmethod
    def resolve_body(comment, context) -> str:
        request = (context or {}).get("request")
        viewer_id, moderator = getattr(request, "_participation_reader", (None, False))
        readable = not comment.is_deleted and (
            not comment.is_hidden or moderator or comment.author_id == viewer_id
        )
        return comment.body if readable else ""


class CommentIn(Schema):
    body: str = Field(max_length=COMMENT_MAX_LENGTH)
    parent_id: int | None = Field(None, description="The comment this one replies to.")


class CommentChangeIn(Schema):
    body: str = Field(max_length=COMMENT_MAX_LENGTH)


def _remember_reader(request, idea: Idea) -> None:
    """Who reads the comments decides whether hidden ones show their text and whether the
    idea's authors are named (blind review), once per request (CommentOut)."""
    viewer = request_user(request)
    if viewer.is_authenticated:
        request._participation_reader = (
            viewer.pk,
            viewer.has_perm("challenges.moderate_idea", idea),
        )
    else:
        request._participation_reader = (None, False)
    request._participation_authors = (
        frozenset(discussable_of(idea).authors(idea)),
        blind.masked_author_ids(viewer=viewer, target=idea),
    )


def _comment_authors(context) -> tuple[frozenset[int], frozenset[int]]:
    """(the idea's author and accepted co-authors, those of them withheld from the reader)."""
    request = (context or {}).get("request")
    return getattr(request, "_participation_authors", (frozenset(), frozenset()))


@router.get(
    "/ideas/{idea_id}/comments",
    response=list[CommentOut],
    auth=PUBLIC_READ,
    summary="Comments on an idea",
)
@paginate(CivicPagination)
def list_comments(request, idea_id: int):
    """All comments in posting order; `parent_id` nests replies (at most three levels)."""
    idea = access.idea_for_user(user=request_user(request), pk=idea_id)
    _remember_reader(request, idea)
    return discussion_selectors.target_comments(target=idea)


@router.post("/ideas/{idea_id}/comments", response={201: CommentOut}, summary="Add a comment")
def add_comment(request, idea_id: int, payload: CommentIn):
    actor = api_actor(request)
    idea = access.idea_for_user(user=request_user(request), pk=idea_id)
    parent = None
    if payload.parent_id is not None:
        try:
            parent = discussion_access.comment_for_user(
                user=actor, pk=payload.parent_id, target=idea
            )
        except NotVisible:
            raise ValidationError(
                {"parent_id": [_("There is no such comment on this idea.")]}
            ) from None
    comment = comment_add(actor=actor, target=idea, body=payload.body, parent=parent)
    _remember_reader(request, idea)
    return Status(201, comment)


@router.patch("/comments/{comment_id}", response=CommentOut, summary="Change your comment")
def change_comment(request, comment_id: int, payload: CommentChangeIn):
    """Only your own comment, in the first 15 minutes."""
    actor = api_actor(request)
    comment = discussion_access.comment_for_user(user=request_user(request), pk=comment_id)
    comment = comment_edit(actor=actor, comment=comment, body=payload.body)
    _remember_reader(request, comment.target)
    return comment


@router.delete("/comments/{comment_id}", response={204: None}, summary="Delete your comment")
def delete_comment(request, comment_id: int):
    """The text goes; the place (and its replies) stay, shown as a deleted comment."""
    actor = api_actor(request)
    comment_delete(
        actor=actor,
        comment=discussion_access.comment_for_user(user=request_user(request), pk=comment_id),
    )
    return Status(204, None)
