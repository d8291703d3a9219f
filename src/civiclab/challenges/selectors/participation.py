"""Reads for an idea's participation block: support and follow state, the comment thread.

The block costs a fixed number of queries whatever the thread's length: one for the viewer's
support/follow state, one for every comment with its author, one for the merges that carried
comments over, plus the (cached) role and co-author look-ups of the permission checks. The
thread itself is the discussion app's (`discussion.selectors.comment_tree`).
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from civiclab.accounts.models import User
from civiclab.challenges.models import Idea, IdeaStatus, MergeRecord, Support
from civiclab.challenges.phases import SUPPORT_IDEA, phase_refusal
from civiclab.discussion.registry import Discussable, discussable_of
from civiclab.discussion.selectors import (
    CommentNode,
    ThreadPermissions,
    comment_tree,
    followed_annotation,
    thread_permissions,
)
from civiclab.discussion.services.comments import MAX_COMMENT_DEPTH


@dataclass
class ViewerState:
    supported: bool = False
    followed: bool = False


def viewer_state(*, user: User | AnonymousUser, idea: Idea) -> ViewerState:
    """Whether `user` supports and follows `idea`, in one query."""
    if not user.is_authenticated:
        return ViewerState()
    row = (
        Idea.objects.filter(pk=idea.pk)
        .annotate(
            supported=Exists(Support.objects.filter(idea=OuterRef("pk"), user=user)),
            followed=followed_annotation(user=user, model=Idea),
        )
        .values("supported", "followed")
        .first()
    )
    return ViewerState(**row) if row else ViewerState()


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
class ParticipationBlock:
    idea: Idea
    discussable: Discussable
    state: ViewerState
    comments: list[CommentNode]
    permissions: ThreadPermissions
    may_support: bool
    may_follow: bool
    may_flag: bool
    may_merge: bool
    is_moderator: bool
    merges: list[MergeRecord] = field(default_factory=list)
    # Why supports are closed by the timetable ("" while they are open).
    supports_closed: str = ""
    max_depth: int = MAX_COMMENT_DEPTH


def participation_block(
    *, user: User | AnonymousUser, idea: Idea, shows_authors: bool | None = None
) -> ParticipationBlock:
    """Everything the `{% idea_participation %}` tag shows, for `user`.

    `shows_authors`: whether `user` may know the idea's authors, when the page already asked
    (saves asking again); otherwise blind review is asked here, once for the whole thread.
    """
    permissions = thread_permissions(user=user, target=idea, shows_authors=shows_authors)
    authenticated = user.is_authenticated
    # Those who merge see the idea's merges, to review or undo them (one more query, theirs).
    merges: list[MergeRecord] = []
    if authenticated and user.has_perm("challenges.view_idea_merges", idea):
        merges = list(
            MergeRecord.objects.filter(Q(source=idea) | Q(target=idea), unmerged_at__isnull=True)
            .select_related("source", "target")
            .order_by("-created_at")
        )
    return ParticipationBlock(
        merges=merges,
        idea=idea,
        discussable=discussable_of(idea),
        state=viewer_state(user=user, idea=idea),
        comments=comment_tree(
            target=idea,
            permissions=permissions,
            carried_from=lambda: carried_over_titles(idea=idea),
        ),
        permissions=permissions,
        may_support=authenticated and user.has_perm("challenges.support_idea", idea),
        may_follow=authenticated and user.has_perm("challenges.follow_idea", idea),
        may_flag=authenticated and user.has_perm("challenges.flag_idea", idea),
        may_merge=authenticated and user.has_perm("challenges.merge_idea", idea),
        is_moderator=permissions.is_moderator,
        supports_closed=(
            phase_refusal(challenge=idea.challenge, feature=SUPPORT_IDEA)
            if idea.status != IdeaStatus.MERGED
            else ""
        ),
    )


def supporters(*, idea: Idea) -> QuerySet[Support]:
    """The idea's supports with their people, most recent first (display names are public)."""
    return (
        Support.objects.filter(idea=idea)
        .select_related("user")
        .only("pk", "created_at", "user__id", "user__display_name", "user__is_anonymised")
        .order_by("-created_at", "-pk")
    )
