"""Reads for an idea's participation block: support and follow state, the comment thread.

The block costs a fixed number of queries whatever the thread's length: one for the viewer's
support/follow state, one for every comment with its author, one for the merges that carried
comments over, plus the (cached) role and co-author look-ups of the permission checks.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext

from civiclab.challenges.models import Comment, Follow, Idea, MergeRecord, Support
from civiclab.challenges.rules.participation import (
    COMMENT_EDIT_WINDOW,
    author_ids,
    can_merge,
    can_moderate,
    is_author,
)
from civiclab.core import clock

from ..services.participation import MAX_COMMENT_DEPTH


@dataclass
class ViewerState:
    supported: bool = False
    followed: bool = False


def viewer_state(*, user, idea: Idea) -> ViewerState:
    """Whether `user` supports and follows `idea`, in one query."""
    if not user.is_authenticated:
        return ViewerState()
    row = (
        Idea.objects.filter(pk=idea.pk)
        .annotate(
            supported=Exists(Support.objects.filter(idea=OuterRef("pk"), user=user)),
            followed=Exists(Follow.objects.filter(idea=OuterRef("pk"), user=user)),
        )
        .values("supported", "followed")
        .first()
    )
    return ViewerState(**row) if row else ViewerState()


@dataclass
class CommentNode:
    comment: Comment
    depth: int
    children: list["CommentNode"] = field(default_factory=list)
    carried_from: str = ""
    can_edit: bool = False
    can_delete: bool = False
    can_flag: bool = False
    can_reply: bool = False
    show_body: bool = True  # False: hidden from this viewer (placeholder with the reason)
    author_label: str = ""  # the writer's name, or "one of the idea's authors" (blind review)


def carried_over_titles(*, idea: Idea) -> dict[int, str]:
    """Comment id -> title of the idea it was carried over from, for active merges into `idea`."""
    titles: dict[int, str] = {}
    records = MergeRecord.objects.filter(target=idea, unmerged_at__isnull=True).values_list(
        "source__title", "moved_comment_ids"
    )
    for title, comment_ids in records:
        for comment_id in comment_ids or []:
            titles[comment_id] = title
    return titles


@dataclass
class ThreadPermissions:
    """What the viewer may do, decided once for the thread, then applied per comment."""

    user_id: int | None = None
    may_comment: bool = False
    may_flag: bool = False
    is_moderator: bool = False
    is_author: bool = False
    idea_merged: bool = False
    masked_author_ids: frozenset[int] = frozenset()


def masked_author_ids(*, user, idea: Idea, shows_authors: bool | None = None) -> frozenset[int]:
    """The people whose comments on `idea` must not name them to `user`.

    Blind review: who may not learn the idea's authors (`challenges.view_idea_authors`) reads
    the comments of its author and accepted co-authors as "one of the idea's authors".
    Everyone else: nobody. `shows_authors` passes a verdict already reached for this request.
    """
    if shows_authors is None:
        shows_authors = user.has_perm("challenges.view_idea_authors", idea)
    return frozenset() if shows_authors else author_ids(idea)


def comment_author_label(comment: Comment, masked_ids: frozenset[int]) -> str:
    """How a comment's writer is named to a reader for whom `masked_ids` are masked."""
    if comment.author_id in masked_ids:
        return gettext("One of the idea's authors")
    return str(comment.author)


def thread_permissions(*, user, idea: Idea, shows_authors: bool | None = None) -> ThreadPermissions:
    masked = masked_author_ids(user=user, idea=idea, shows_authors=shows_authors)
    if not user.is_authenticated:
        return ThreadPermissions(masked_author_ids=masked)
    return ThreadPermissions(
        masked_author_ids=masked,
        user_id=user.pk,
        may_comment=user.has_perm("challenges.comment_idea", idea),
        may_flag=not idea.is_hidden,
        is_moderator=bool(can_moderate.test(user, idea)),
        is_author=bool(is_author.test(user, idea)),
        idea_merged=idea.status == "merged",
    )


def comment_tree(*, idea: Idea, permissions: ThreadPermissions, now=None) -> list[CommentNode]:
    """The idea's comments as nested nodes in posting order (one query, authors joined)."""
    now = now or clock.now()
    comments = list(
        Comment.objects.filter(idea=idea).select_related("author").order_by("created_at", "id")
    )
    carried = carried_over_titles(idea=idea) if comments else {}
    nodes: dict[int, CommentNode] = {}
    roots: list[CommentNode] = []
    for comment in comments:
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        node = CommentNode(
            comment=comment,
            depth=parent.depth + 1 if parent else 1,
            carried_from=carried.get(comment.pk, ""),
            author_label=comment_author_label(comment, permissions.masked_author_ids),
        )
        _decide(node, permissions, now)
        nodes[comment.pk] = node
        (parent.children if parent else roots).append(node)
    return roots


def _decide(node: CommentNode, perms: ThreadPermissions, now) -> None:
    comment = node.comment
    live = not comment.is_deleted and not comment.is_hidden
    own = perms.user_id is not None and comment.author_id == perms.user_id
    node.show_body = not comment.is_deleted and (not comment.is_hidden or own or perms.is_moderator)
    node.can_edit = (
        own and live and not perms.idea_merged and now - comment.created_at <= COMMENT_EDIT_WINDOW
    )
    node.can_delete = own and live
    node.can_flag = perms.may_flag and live and perms.user_id is not None and not own
    node.can_reply = perms.may_comment and live


def count_nodes(nodes: list[CommentNode]) -> int:
    return sum(1 + count_nodes(node.children) for node in nodes)


@dataclass
class ParticipationBlock:
    idea: Idea
    state: ViewerState
    comments: list[CommentNode]
    permissions: ThreadPermissions
    may_support: bool
    may_follow: bool
    may_flag: bool
    may_merge: bool
    is_moderator: bool
    merges: list = field(default_factory=list)
    max_depth: int = MAX_COMMENT_DEPTH


def participation_block(
    *, user, idea: Idea, shows_authors: bool | None = None
) -> ParticipationBlock:
    """Everything the `{% idea_participation %}` tag shows, for `user`.

    `shows_authors`: whether `user` may know the idea's authors, when the page already asked
    (saves asking again); otherwise the rule is asked here, once for the whole thread.
    """
    permissions = thread_permissions(user=user, idea=idea, shows_authors=shows_authors)
    authenticated = user.is_authenticated
    # Those who merge see the idea's merges, to review or undo them (one more query, theirs).
    merges = []
    if authenticated and can_merge.test(user, idea):
        merges = list(
            MergeRecord.objects.filter(Q(source=idea) | Q(target=idea), unmerged_at__isnull=True)
            .select_related("source", "target")
            .order_by("-created_at")
        )
    return ParticipationBlock(
        merges=merges,
        idea=idea,
        state=viewer_state(user=user, idea=idea),
        comments=comment_tree(idea=idea, permissions=permissions),
        permissions=permissions,
        may_support=authenticated and user.has_perm("challenges.support_idea", idea),
        may_follow=authenticated and user.has_perm("challenges.follow_idea", idea),
        may_flag=authenticated and user.has_perm("challenges.flag_idea", idea),
        may_merge=authenticated and user.has_perm("challenges.merge_idea", idea),
        is_moderator=permissions.is_moderator,
    )


def supporters(*, idea: Idea) -> QuerySet:
    """The idea's supports with their people, most recent first (display names are public)."""
    return (
        Support.objects.filter(idea=idea)
        .select_related("user")
        .only("pk", "created_at", "user__id", "user__display_name", "user__is_anonymised")
        .order_by("-created_at", "-pk")
    )


def idea_comments(*, idea: Idea) -> QuerySet:
    """The idea's comments in posting order with their authors (flat; `parent_id` nests them)."""
    return Comment.objects.filter(idea=idea).select_related("author").order_by("created_at", "id")
