"""Reads for discussions: the comment thread, who follows, and the moderation queue.

A thread costs a fixed number of queries whatever its length: one for every comment with its
author, plus the (cached) role and author look-ups of the permission checks. The queue groups
an organisation's open flags by the item they report.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from civiclab.accounts.models import User
from civiclab.core import clock
from civiclab.organisations.models import Membership, Organisation, Role
from civiclab.organisations.selectors import organisations_where

from . import blind
from .models import Comment, Flag, Follow
from .predicates import COMMENT_EDIT_WINDOW
from .registry import discussable_of, discussables


def target_filter(obj: Model) -> dict[str, Any]:
    """The lookups that find rows about `obj` (a discussable object, or a comment for flags)."""
    return {"content_type": ContentType.objects.get_for_model(type(obj)), "object_id": obj.pk}


def comment_target(comment: Comment) -> Model:
    """The object `comment` is on; a comment outlives its object only by a programming error
    (the same `LookupError` the registry raises for an object it does not know)."""
    target = comment.target
    if target is None:
        raise LookupError(f"The object of comment {comment.pk} is gone.")
    return target


def moderation_queue_url(organisation: Organisation) -> str:
    return reverse("discussion:moderation_queue", kwargs={"org_slug": organisation.slug})


def moderators_of(organisation: Organisation) -> list[User]:
    """The organisation's moderators and administrators: who looks after its queue."""
    ids = Membership.objects.filter(
        organisation=organisation, role__in=[Role.MODERATOR, Role.ADMIN]
    ).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=set(ids)))


# Following ---------------------------------------------------------------------------------


def follows(*, user: User | AnonymousUser, target: Model) -> bool:
    if not user.is_authenticated:
        return False
    return Follow.objects.filter(**target_filter(target), user=user).exists()


def followed_annotation(*, user: User, model: type[Model]) -> Exists:
    """An annotation for a queryset of `model`: whether `user` (signed in) follows each row."""
    return Exists(
        Follow.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id=OuterRef("pk"),
            user=user,
        )
    )


def follower_ids(*, target: Model) -> QuerySet[Follow, int]:
    return Follow.objects.filter(**target_filter(target)).values_list("user_id", flat=True)


# The thread --------------------------------------------------------------------------------


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


@dataclass
class ThreadPermissions:
    """What the viewer may do, decided once for the thread, then applied per comment."""

    user_id: int | None = None
    may_comment: bool = False
    may_flag: bool = False
    is_moderator: bool = False
    is_author: bool = False
    frozen: bool = False
    masked_author_ids: frozenset[int] = frozenset()


def thread_permissions(
    *, user: User | AnonymousUser, target: Model, shows_authors: bool | None = None
) -> ThreadPermissions:
    discussable = discussable_of(target)
    masked = blind.masked_author_ids(viewer=user, target=target, shows=shows_authors)
    if not user.is_authenticated:
        return ThreadPermissions(masked_author_ids=masked)
    return ThreadPermissions(
        masked_author_ids=masked,
        user_id=user.pk,
        may_comment=user.has_perm(discussable.comment_perm, target),
        may_flag=not discussable.is_hidden(target),
        is_moderator=user.has_perm(
            "discussion.view_moderation_queue", discussable.organisation_of(target)
        ),
        is_author=user.pk in discussable.authors(target),
        frozen=discussable.is_frozen(target),
    )


def target_comments(*, target: Model) -> QuerySet[Comment]:
    """The object's comments in posting order with their authors (flat; `parent_id` nests)."""
    return (
        Comment.objects.filter(**target_filter(target))
        .select_related("author")
        .order_by("created_at", "id")
    )


def comment_tree(
    *,
    target: Model,
    permissions: ThreadPermissions,
    carried_from: Callable[[], dict[int, str]] | None = None,
    now: datetime | None = None,
) -> list[CommentNode]:
    """The object's comments as nested nodes in posting order (one query, authors joined).

    `carried_from`, when given, names where comments came from (comment id -> title), for
    objects whose threads can be carried over from another; it is asked only for a thread
    that has comments.
    """
    now = now or clock.now()
    comments = list(target_comments(target=target))
    carried = carried_from() if comments and carried_from is not None else {}
    label = blind.masked_label(target) if permissions.masked_author_ids else ""
    nodes: dict[int, CommentNode] = {}
    roots: list[CommentNode] = []
    for comment in comments:
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        masked = comment.author_id in permissions.masked_author_ids
        node = CommentNode(
            comment=comment,
            depth=parent.depth + 1 if parent else 1,
            carried_from=carried.get(comment.pk, ""),
            author_label=label if masked else str(comment.author),
        )
        _apply_permissions(node, permissions, now)
        nodes[comment.pk] = node
        (parent.children if parent else roots).append(node)
    return roots


def _apply_permissions(node: CommentNode, perms: ThreadPermissions, now: datetime) -> None:
    comment = node.comment
    live = not comment.is_deleted and not comment.is_hidden
    own = perms.user_id is not None and comment.author_id == perms.user_id
    node.show_body = not comment.is_deleted and (not comment.is_hidden or own or perms.is_moderator)
    node.can_edit = (
        own and live and not perms.frozen and now - comment.created_at <= COMMENT_EDIT_WINDOW
    )
    node.can_delete = own and live
    node.can_flag = perms.may_flag and live and perms.user_id is not None and not own
    node.can_reply = perms.may_comment and live


def comment_author_label(*, viewer: User | AnonymousUser, comment: Comment, target: Model) -> str:
    """How one comment's writer is named to `viewer` (blind review may mask the name)."""
    masked = blind.masked_author_ids(viewer=viewer, target=target)
    return blind.author_label(author=comment.author, target=target, masked_ids=masked)


# The moderation queue ----------------------------------------------------------------------


@dataclass
class QueueItem:
    """One reported object or comment with its open flags."""

    kind: str  # the discussable's kind ("idea") or "comment"
    item: Model
    target: Model
    flags: list[Flag] = field(default_factory=list)
    author_label: str = ""  # a comment's writer as the moderator may know them

    @property
    def reasons(self) -> list[tuple[str, int]]:
        counts = Counter(flag.get_reason_display() for flag in self.flags)
        return counts.most_common()

    @property
    def first_reported(self) -> datetime:
        return self.flags[0].created_at

    @property
    def text(self) -> str:
        """What the queue shows of the item: the comment, or the object's summary."""
        if isinstance(self.item, Comment):
            return self.item.body
        return moderation_summary(self.target)

    @property
    def label(self) -> str:
        """What the item is, in words: "comment", or the object's kind ("idea")."""
        if isinstance(self.item, Comment):
            return _("comment")
        return str(discussable_of(self.target).label)

    @property
    def target_title(self) -> str:
        return discussable_of(self.target).title(self.target)

    @property
    def target_url(self) -> str:
        return discussable_of(self.target).url(self.target)

    @property
    def segment(self) -> str:
        return discussable_of(self.target).segment

    @property
    def target_kind(self) -> str:
        return discussable_of(self.target).kind


def moderation_summary(target: Model) -> str:
    """What moderators are shown of a reported object (an idea's summary, say)."""
    moderation = discussable_of(target).moderation
    return moderation.summary(target) if moderation is not None else ""


def _organisation_targets(organisation: Organisation) -> Q:
    """Rows (comments, flags) on any registered object of `organisation`."""
    condition = Q(pk__in=[])
    for discussable in discussables():
        ids = discussable.model._default_manager.filter(
            **{discussable.organisation_field: organisation}
        ).values("pk")
        condition |= Q(content_type=discussable.content_type(), object_id__in=ids)
    return condition


def open_flags(*, organisation: Organisation) -> QuerySet[Flag]:
    """Open flags on the objects and comments of `organisation`, oldest first."""
    comment_ids = Comment.objects.filter(_organisation_targets(organisation)).values("pk")
    on_comments = Q(
        content_type=ContentType.objects.get_for_model(Comment), object_id__in=comment_ids
    )
    return (
        Flag.objects.filter(resolution=Flag.Resolution.OPEN)
        .filter(_organisation_targets(organisation) | on_comments)
        .select_related("reporter")
        .order_by("created_at", "id")
    )


def open_flags_on(*, item: Model) -> QuerySet[Flag]:
    """The open flags on one object or comment, with their reporters."""
    return Flag.objects.filter(
        resolution=Flag.Resolution.OPEN, **target_filter(item)
    ).select_related("reporter")


def comment_author_labels(
    comments: list[tuple[Comment, Model]], *, viewer: User | AnonymousUser
) -> dict[int, str]:
    """How each (comment, its object)'s writer is named to `viewer` (blind review), by comment
    id; blind review is asked once per object however many of its comments are listed."""
    masked: dict[tuple[type, int], frozenset[int]] = {}
    labels: dict[int, str] = {}
    for comment, target in comments:
        key = (type(target), target.pk)
        if key not in masked:
            masked[key] = blind.masked_author_ids(viewer=viewer, target=target)
        labels[comment.pk] = blind.author_label(
            author=comment.author, target=target, masked_ids=masked[key]
        )
    return labels


def name_comment_authors(
    entries: list[QueueItem], *, viewer: User | AnonymousUser
) -> list[QueueItem]:
    """Name the writers of reported comments as `viewer` may know them (blind review)."""
    comments = [(entry.item, entry.target) for entry in entries if isinstance(entry.item, Comment)]
    labels = comment_author_labels(comments, viewer=viewer)
    for entry in entries:
        if isinstance(entry.item, Comment):
            entry.author_label = labels[entry.item.pk]
    return entries


def open_flag_count(*, organisation: Organisation) -> int:
    return open_flags(organisation=organisation).count()


def _targets(wanted: dict[int, set[int]]) -> dict[tuple[int, int], Model]:
    """(content type id, object id) -> the registered object, one query per kind of object,
    with what its registration joins."""
    found: dict[tuple[int, int], Model] = {}
    for discussable in discussables():
        type_id = discussable.content_type().pk
        ids = wanted.get(type_id)
        if ids:
            loaded = discussable.objects().in_bulk(ids)
            found.update({(type_id, pk): obj for pk, obj in loaded.items()})
    return found


def _with_targets(comments: list[Comment]) -> list[Comment]:
    """Set each comment's object, loaded once for all of them (no query per comment)."""
    wanted: dict[int, set[int]] = {}
    for comment in comments:
        wanted.setdefault(comment.content_type_id, set()).add(comment.object_id)
    targets = _targets(wanted)
    for comment in comments:
        comment.target = targets[comment.content_type_id, comment.object_id]
    return comments


def moderation_queue(*, organisation: Organisation) -> list[QueueItem]:
    """Open flags of the organisation grouped by item, the longest-waiting item first.

    One query for the flags, one for the reported comments and one per kind of object.
    """
    flags = list(open_flags(organisation=organisation))
    comment_type = ContentType.objects.get_for_model(Comment)
    comment_ids = {f.object_id for f in flags if f.content_type_id == comment_type.pk}
    comments = Comment.objects.select_related("author").in_bulk(comment_ids) if comment_ids else {}
    wanted: dict[int, set[int]] = {}
    for flag in flags:
        if flag.content_type_id != comment_type.pk:
            wanted.setdefault(flag.content_type_id, set()).add(flag.object_id)
    for comment in comments.values():
        wanted.setdefault(comment.content_type_id, set()).add(comment.object_id)
    objects = _targets(wanted)
    groups: dict[tuple[int, int], QueueItem] = {}
    for flag in flags:
        key = (flag.content_type_id, flag.object_id)
        group = groups.get(key)
        if group is None:
            item: Model
            if flag.content_type_id == comment_type.pk:
                item = comments[flag.object_id]
                target = objects[item.content_type_id, item.object_id]
                item.target = target  # already loaded: spare the page a query per comment
                kind = "comment"
            else:
                item = target = objects[key]
                kind = discussable_of(target).kind
            group = groups[key] = QueueItem(kind=kind, item=item, target=target)
        group.flags.append(flag)
    return list(groups.values())


def hidden_items(
    *, organisation: Organisation, limit: int = 50
) -> tuple[list[Model], list[Comment]]:
    """Objects and comments of the organisation that are hidden now, newest first."""
    objects: list[Model] = []
    for discussable in discussables():
        if discussable.moderation is None:
            continue
        objects += list(
            discussable.model._default_manager.filter(
                **{discussable.organisation_field: organisation, "is_hidden": True}
            )
            .select_related(*discussable.select_related)
            .order_by(*discussable.moderation.hidden_ordering)[:limit]
        )
    comments = list(
        Comment.objects.filter(_organisation_targets(organisation), is_hidden=True)
        .select_related("author")
        .order_by("-created_at")[:limit]
    )
    return objects, _with_targets(comments)


def organisation_section_context(
    request: HttpRequest, organisation: Organisation
) -> dict[str, Any]:
    """For the organisation's page: moderators see how many reports wait for them."""
    user = request.user
    if not user.is_authenticated or not user.has_perm(
        "discussion.view_moderation_queue", organisation
    ):
        return {"may_moderate": False}
    return {"may_moderate": True, "open_flags": open_flag_count(organisation=organisation)}


def open_flag_counts(*, user: User) -> list[tuple[Organisation, int]]:
    """Open reports per organisation where `user` moderates now (moderator or administrator
    of an active organisation), by organisation name.

    Fixed queries whatever the number of organisations and reports: the organisations, the
    open flags on their objects and comments, the reported comments' objects, and one per
    kind of object to learn its organisation.
    """
    organisation_ids = organisations_where(user=user, roles=(Role.MODERATOR, Role.ADMIN))
    if not organisation_ids:
        return []
    organisations = list(Organisation.objects.filter(pk__in=organisation_ids).order_by("name"))
    condition = Q(pk__in=[])
    for organisation in organisations:
        condition |= _organisation_targets(organisation)
    comment_type = ContentType.objects.get_for_model(Comment)
    comment_ids = Comment.objects.filter(condition).values("pk")
    flags = list(
        Flag.objects.filter(resolution=Flag.Resolution.OPEN)
        .filter(condition | Q(content_type=comment_type, object_id__in=comment_ids))
        .values_list("content_type_id", "object_id")
    )
    on_comments = [object_id for type_id, object_id in flags if type_id == comment_type.pk]
    comment_targets = (
        {
            pk: (type_id, object_id)
            for pk, type_id, object_id in Comment.objects.filter(pk__in=on_comments).values_list(
                "pk", "content_type_id", "object_id"
            )
        }
        if on_comments
        else {}
    )
    wanted: dict[int, set[int]] = {}
    for type_id, object_id in flags:
        if type_id == comment_type.pk:
            type_id, object_id = comment_targets[object_id]
        wanted.setdefault(type_id, set()).add(object_id)
    owner: dict[tuple[int, int], int] = {}
    for discussable in discussables():
        type_id = discussable.content_type().pk
        if wanted.get(type_id):
            field_name = f"{discussable.organisation_field}_id"
            rows = discussable.model._default_manager.filter(pk__in=wanted[type_id])
            owner.update(
                ((type_id, pk), org_id) for pk, org_id in rows.values_list("pk", field_name)
            )
    counts: Counter[int] = Counter()
    for type_id, object_id in flags:
        key = comment_targets[object_id] if type_id == comment_type.pk else (type_id, object_id)
        counts[owner[key]] += 1
    return [(organisation, counts[organisation.pk]) for organisation in organisations]


def workspace_section_context(request: HttpRequest, person: User) -> dict[str, Any] | None:
    """For the home page: the reports that wait in each organisation where `person`
    moderates; shown only to moderators, with a zero where the queue is empty."""
    queues = open_flag_counts(user=person)
    if not queues:
        return None
    return {"queues": queues, "open_flags": sum(count for _organisation, count in queues)}
