"""API endpoints for comments: `/<segment>/{<kind>_id}/comments` for every registered model
(`/ideas/{idea_id}/comments`), and `/comments/{id}` for one comment.

Reading follows the object (a token or session, when sent, says who reads: moderators see what
was hidden, and blind review may withhold the names of the object's authors); writing goes
through the discussion services and their permission checks.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema, Status
from ninja.pagination import paginate

from civiclab.accounts.api_auth import PUBLIC_READ
from civiclab.core import idempotency
from civiclab.core.access import NotVisible
from civiclab.core.api import CivicPagination, PersonOut, api_actor, person_out, request_user

from .. import access, blind, selectors
from ..registry import Discussable, discussable_of, discussables
from ..services.comments import COMMENT_MAX_LENGTH, comment_add, comment_delete, comment_edit
from ._compat import idea_id_field, legacy_idea_id
from ._paths import object_id, object_path


class CommentOut(Schema):
    id: int
    on: str = Field(description="The kind of object the comment is on (`idea`).")
    object_id: int = Field(description="The id of the object the comment is on.")
    idea_id: int | None = idea_id_field()
    parent_id: int | None
    author: PersonOut | None = Field(
        description=(
            "None for a deleted comment, and for a comment by one of the object's authors while "
            "blind review hides who wrote it from you (then `by_idea_author` is true)."
        )
    )
    by_idea_author: bool = Field(
        description="Whether one of the object's authors (for an idea: its author or an "
        "accepted co-author) wrote it."
    )
    body: str = Field(description="Empty for a deleted comment, or a hidden one you may not read.")
    created_at: datetime
    edited_at: datetime | None
    is_deleted: bool
    is_hidden: bool
    hidden_reason: str

    @staticmethod
    def resolve_on(comment, context) -> str:
        return _reader(context).kind

    @staticmethod
    def resolve_idea_id(comment, context) -> int | None:
        return legacy_idea_id(_reader(context).kind, comment.object_id)

    @staticmethod
    def resolve_author(comment, context):
        if comment.is_deleted or comment.author_id in _reader(context).masked:
            return None
        return person_out(comment.author)

    @staticmethod
    def resolve_by_idea_author(comment, context) -> bool:
        return comment.author_id in _reader(context).authors

    @staticmethod
    def resolve_body(comment, context) -> str:
        reader = _reader(context)
        readable = not comment.is_deleted and (
            not comment.is_hidden or reader.moderator or comment.author_id == reader.viewer_id
        )
        return comment.body if readable else ""


class CommentIn(Schema):
    body: str = Field(max_length=COMMENT_MAX_LENGTH)
    parent_id: int | None = Field(None, description="The comment this one replies to.")


class CommentChangeIn(Schema):
    body: str = Field(max_length=COMMENT_MAX_LENGTH)


class _Reader:
    """Who reads the comments of one object: decides whether hidden ones show their text and
    whether the object's authors are named (blind review), once per request."""

    def __init__(self, request: HttpRequest | None = None, target: Model | None = None):
        self.kind = ""
        self.viewer_id: int | None = None
        self.moderator = False
        self.authors: frozenset[int] = frozenset()
        self.masked: frozenset[int] = frozenset()
        if request is None or target is None:
            return
        on = discussable_of(target)
        viewer = request_user(request)
        self.kind = on.kind
        if viewer.is_authenticated:
            self.viewer_id = viewer.pk
            self.moderator = on.moderation is not None and viewer.has_perm(
                on.moderation.perm, target
            )
        self.authors = frozenset(on.authors(target))
        self.masked = blind.masked_author_ids(viewer=viewer, target=target)


def _remember_reader(request: HttpRequest, target: Model) -> None:
    request._comment_reader = _Reader(request, target)  # type: ignore[attr-defined]


def _reader(context) -> _Reader:
    request = (context or {}).get("request")
    return getattr(request, "_comment_reader", None) or _Reader()


def _add_object_routes(router: Router, on: Discussable) -> None:
    @router.get(
        object_path(on, "/comments"),
        response=list[CommentOut],
        auth=PUBLIC_READ,
        summary=f"Comments on the {on.kind}",
        operation_id=f"{on.kind}_comments_list",
    )
    @paginate(CivicPagination)
    def list_comments(request, pk: int = object_id(on)):
        """All comments in posting order; `parent_id` nests replies (at most three levels)."""
        target = access.target_for_user(user=request_user(request), on=on, pk=pk)
        _remember_reader(request, target)
        return selectors.target_comments(target=target)

    @router.post(
        object_path(on, "/comments"),
        response={201: CommentOut},
        summary="Add a comment",
        operation_id=f"{on.kind}_comments_add",
    )
    def add_comment(
        request,
        payload: CommentIn,
        pk: int = object_id(on),
        idempotency_key: str = Header(
            "",
            alias=idempotency.HEADER,
            max_length=idempotency.KEY_MAX_LENGTH,
            description=(
                "Optional. A value of your choice, unique per comment you mean to add: sending "
                "the same key again answers with the comment the first request added instead "
                "of adding a second."
            ),
        ),
    ):
        actor = api_actor(request)
        target = access.target_for_user(user=request_user(request), on=on, pk=pk)
        parent = None
        if payload.parent_id is not None:
            try:
                parent = access.comment_for_user(user=actor, pk=payload.parent_id, target=target)
            except NotVisible:
                message = _("There is no such comment on this %(kind)s.") % {"kind": on.label}
                raise ValidationError({"parent_id": [message]}) from None
        comment = comment_add(
            actor=actor,
            target=target,
            body=payload.body,
            parent=parent,
            idempotency_key=idempotency_key,
        )
        _remember_reader(request, target)
        return Status(201, comment)


def _add_comment_routes(router: Router) -> None:
    @router.patch("/comments/{comment_id}", response=CommentOut, summary="Change your comment")
    def change_comment(request, comment_id: int, payload: CommentChangeIn):
        """Only your own comment, in the first 15 minutes."""
        actor = api_actor(request)
        comment = access.comment_for_user(user=request_user(request), pk=comment_id)
        target = comment.target
        comment = comment_edit(actor=actor, comment=comment, body=payload.body)
        _remember_reader(request, target)
        return comment

    @router.delete("/comments/{comment_id}", response={204: None}, summary="Delete your comment")
    def delete_comment(request, comment_id: int):
        """The text goes; the place (and its replies) stay, shown as a deleted comment."""
        actor = api_actor(request)
        comment_delete(
            actor=actor, comment=access.comment_for_user(user=request_user(request), pk=comment_id)
        )
        return Status(204, None)


def build_router() -> Router:
    router = Router(tags=["participation"])
    for on in discussables():
        _add_object_routes(router, on)
    _add_comment_routes(router)
    return router
