"""Reads for moderators: the organisation's open flags, grouped by the item they report."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from civiclab.challenges.models import Comment, Flag, Idea, MergeRecord


@dataclass
class QueueItem:
    """One reported idea or comment with its open flags."""

    kind: str  # "idea" or "comment"
    item: Idea | Comment
    idea: Idea
    flags: list[Flag] = field(default_factory=list)

    @property
    def reasons(self) -> list[tuple[str, int]]:
        counts = Counter(flag.get_reason_display() for flag in self.flags)
        return counts.most_common()

    @property
    def first_reported(self):
        return self.flags[0].created_at


def open_flags(*, organisation) -> QuerySet:
    """Open flags on ideas and comments of `organisation`, oldest first."""
    return (
        Flag.objects.filter(resolution=Flag.Resolution.OPEN)
        .filter(Q(idea__organisation=organisation) | Q(comment__idea__organisation=organisation))
        .select_related(
            "reporter",
            "idea",
            "idea__author",
            "idea__organisation",
            "idea__challenge",
            "comment",
            "comment__author",
            "comment__idea",
            "comment__idea__organisation",
        )
        .order_by("created_at", "id")
    )


def open_flag_count(*, organisation) -> int:
    return open_flags(organisation=organisation).count()


def organisation_section_context(request, organisation) -> dict:
    """For the organisation's page: moderators see how many reports wait for them."""
    user = request.user
    if not user.is_authenticated or not user.has_perm(
        "challenges.view_moderation_queue", organisation
    ):
        return {"may_moderate": False}
    return {"may_moderate": True, "open_flags": open_flag_count(organisation=organisation)}


def moderation_queue(*, organisation) -> list[QueueItem]:
    """Open flags of the organisation grouped by item, the longest-waiting item first."""
    groups: dict[tuple[str, int], QueueItem] = {}
    for flag in open_flags(organisation=organisation):
        if flag.idea_id:
            key, item, idea = ("idea", flag.idea_id), flag.idea, flag.idea
        else:
            key, item, idea = ("comment", flag.comment_id), flag.comment, flag.comment.idea
        group = groups.get(key)
        if group is None:
            group = groups[key] = QueueItem(kind=key[0], item=item, idea=idea)
        group.flags.append(flag)
    return list(groups.values())


def hidden_items(*, organisation, limit: int = 50) -> tuple[list[Idea], list[Comment]]:
    """Ideas and comments of the organisation that are hidden now, newest first."""
    ideas = list(
        Idea.objects.filter(organisation=organisation, is_hidden=True)
        .select_related("organisation")
        .order_by("-updated_at")[:limit]
    )
    comments = list(
        Comment.objects.filter(idea__organisation=organisation, is_hidden=True)
        .select_related("author", "idea", "idea__organisation")
        .order_by("-created_at")[:limit]
    )
    return ideas, comments


def merges_of(*, idea: Idea) -> QuerySet:
    """Merges into or out of `idea`, newest first."""
    return (
        MergeRecord.objects.filter(Q(source=idea) | Q(target=idea))
        .select_related("source", "target", "source__organisation")
        .order_by("-created_at")
    )
