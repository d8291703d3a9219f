"""API endpoints for participation: supports, comments, following, reports, moderation, merges.

Reads are public where the idea is (a token or session, when sent, says who reads); writes
need a token or a signed-in session and go through the same services (and permission checks)
as the pages. Supporters' display names are public, as the count is.
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
from civiclab.discussion.models import FlagReason
from civiclab.discussion.predicates import can_moderate
from civiclab.discussion.registry import discussable_of
from civiclab.discussion.services import comments as comment_services
from civiclab.discussion.services import follows as follow_services
from civiclab.discussion.services import moderation as moderation_services
from civiclab.discussion.services.comments import COMMENT_MAX_LENGTH
from civiclab.organisations import access as organisation_access

from ..selectors import participation as selectors
from ..services import merge as merge_services
from ..services import participation as services

router = Router(tags=["participation"])


# Schemas -----------------------------------------------------------------------------------


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


class FollowOut(Schema):
    idea_id: int
    following: bool


class FlagIn(Schema):
    reason: FlagReason
    note: str = Field("", max_length=500)


class FlagOut(Schema):
    id: int
    reason: str
    note: str
    created_at: datetime
    resolution: str


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


class ModerationOut(Schema):
    kind: str
    id: int
    is_hidden: bool
    hidden_reason: str


# Helpers -----------------------------------------------------------------------------------


def _remember_reader(request, idea: Idea) -> None:
    """Who reads the comments decides whether hidden ones show their text and whether the
    idea's authors are named (blind review), once per request (CommentOut)."""
    viewer = request_user(request)
    if viewer.is_authenticated:
        request._participation_reader = (viewer.pk, bool(can_moderate.test(viewer, idea)))
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


def _support_state(request, idea: Idea) -> dict:
    state = selectors.viewer_state(user=request_user(request), idea=idea)
    count = Idea.objects.values_list("support_count", flat=True).get(pk=idea.pk)
    return {"idea_id": idea.pk, "count": count, "supported": state.supported}


# Supports ----------------------------------------------------------------------------------


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
    return selectors.supporters(idea=idea)


@router.post("/ideas/{idea_id}/support", response=SupportStateOut, summary="Support an idea")
def add_support(request, idea_id: int):
    """Supporting twice changes nothing. Limited to a number of clicks per minute (429)."""
    actor = api_actor(request)
    idea = access.idea_for_user(user=request_user(request), pk=idea_id)
    state = services.support_add(actor=actor, idea=idea)
    return {"idea_id": idea.pk, "count": state.count, "supported": state.supported}


@router.delete("/ideas/{idea_id}/support", response=SupportStateOut, summary="Withdraw support")
def remove_support(request, idea_id: int):
    actor = api_actor(request)
    idea = access.idea_for_user(user=request_user(request), pk=idea_id)
    state = services.support_remove(actor=actor, idea=idea)
    return {"idea_id": idea.pk, "count": state.count, "supported": state.supported}


# Comments ----------------------------------------------------------------------------------


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
    comment = comment_services.comment_add(
        actor=actor, target=idea, body=payload.body, parent=parent
    )
    _remember_reader(request, idea)
    return Status(201, comment)


@router.patch("/comments/{comment_id}", response=CommentOut, summary="Change your comment")
def change_comment(request, comment_id: int, payload: CommentChangeIn):
    """Only your own comment, in the first 15 minutes."""
    actor = api_actor(request)
    comment = discussion_access.comment_for_user(user=request_user(request), pk=comment_id)
    comment = comment_services.comment_edit(actor=actor, comment=comment, body=payload.body)
    _remember_reader(request, comment.target)
    return comment


@router.delete("/comments/{comment_id}", response={204: None}, summary="Delete your comment")
def delete_comment(request, comment_id: int):
    """The text goes; the place (and its replies) stay, shown as a deleted comment."""
    actor = api_actor(request)
    comment_services.comment_delete(
        actor=actor,
        comment=discussion_access.comment_for_user(user=request_user(request), pk=comment_id),
    )
    return Status(204, None)


# Following ---------------------------------------------------------------------------------


@router.post("/ideas/{idea_id}/follow", response=FollowOut, summary="Follow an idea")
def follow(request, idea_id: int):
    actor = api_actor(request)
    idea = access.idea_for_user(user=request_user(request), pk=idea_id)
    follow_services.follow_set(actor=actor, target=idea, follow=True)
    return {"idea_id": idea.pk, "following": True}


@router.delete("/ideas/{idea_id}/follow", response=FollowOut, summary="Stop following an idea")
def unfollow(request, idea_id: int):
    actor = api_actor(request)
    idea = access.idea_for_user(user=request_user(request), pk=idea_id)
    follow_services.follow_set(actor=actor, target=idea, follow=False)
    return {"idea_id": idea.pk, "following": False}


# Reports -----------------------------------------------------------------------------------


@router.post("/ideas/{idea_id}/flags", response={201: FlagOut}, summary="Report an idea")
def flag_idea(request, idea_id: int, payload: FlagIn):
    actor = api_actor(request)
    flag = moderation_services.flag_add(
        actor=actor,
        item=access.idea_for_user(user=request_user(request), pk=idea_id),
        reason=payload.reason,
        note=payload.note,
    )
    return Status(201, flag)


@router.post("/comments/{comment_id}/flags", response={201: FlagOut}, summary="Report a comment")
def flag_comment(request, comment_id: int, payload: FlagIn):
    actor = api_actor(request)
    flag = moderation_services.flag_add(
        actor=actor,
        item=discussion_access.comment_for_user(user=request_user(request), pk=comment_id),
        reason=payload.reason,
        note=payload.note,
    )
    return Status(201, flag)


# Moderation --------------------------------------------------------------------------------


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


MODERATORS_ONLY = _("Only the organisation's moderators can do this.")
MODERATION_SERVICES = {
    "hide": moderation_services.moderation_hide,
    "restore": moderation_services.moderation_restore,
    "dismiss": moderation_services.moderation_dismiss,
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


# Merges ------------------------------------------------------------------------------------


@router.post("/ideas/{idea_id}/merge", response={201: MergeOut}, summary="Merge into another idea")
def merge(request, idea_id: int, payload: MergeIn):
    """Merge this idea into `target_id` (same challenge); undo with /merges/{id}/unmerge."""
    actor = api_actor(request)
    source = access.idea_for_user(user=request_user(request), pk=idea_id)
    target = access.idea_for_user(user=request_user(request), pk=payload.target_id)
    record = merge_services.idea_merge(
        actor=actor, source=source, target=target, reason=payload.reason
    )
    return Status(201, record)


@router.post("/merges/{merge_id}/unmerge", response=MergeOut, summary="Undo a merge")
def unmerge(request, merge_id: int, payload: OptionalReasonIn):
    actor = api_actor(request)
    record = access.merge_for_user(user=actor, pk=merge_id)
    return merge_services.merge_undo(actor=actor, record=record, reason=payload.reason)
