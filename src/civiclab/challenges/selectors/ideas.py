"""Reads for one idea's pages: the idea itself, its history, people, files and edits."""

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy

from civiclab.accounts.models import User
from civiclab.challenges.models import (
    CoAuthor,
    CoAuthorStatus,
    Idea,
    IdeaAttachment,
    IdeaRevision,
    InnovationType,
    StatusChange,
    Tag,
)

FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "summary": gettext_lazy("Summary"),
    "description": gettext_lazy("Description"),
    "expected_benefits": gettext_lazy("Expected benefits"),
    "beneficiaries": gettext_lazy("Who benefits"),
    "innovation_types": gettext_lazy("Innovation types"),
    "tags": gettext_lazy("Tags"),
    "location_name": gettext_lazy("Place"),
    "latitude": gettext_lazy("Latitude"),
    "longitude": gettext_lazy("Longitude"),
}


def idea_queryset() -> QuerySet[Idea]:
    """Ideas with what every idea page shows loaded up front."""
    return Idea.objects.select_related(
        "challenge__organisation", "organisation", "author", "merged_into__organisation"
    ).prefetch_related("tags", "challenge__phases")


def status_history(*, idea: Idea) -> list[StatusChange]:
    """Every status change, oldest first: what became of the idea, and why."""
    return list(StatusChange.objects.filter(idea=idea).order_by("created_at", "id"))


def coauthors(*, idea: Idea, include_invited: bool = False) -> list[CoAuthor]:
    statuses = [CoAuthorStatus.ACCEPTED]
    if include_invited:
        statuses.append(CoAuthorStatus.INVITED)
    return list(
        CoAuthor.objects.filter(idea=idea, status__in=statuses)
        .select_related("user")
        .order_by("status", "invited_at", "id")
    )


def open_invitation(*, idea: Idea, user: User | AnonymousUser) -> CoAuthor | None:
    if not user.is_authenticated:
        return None
    return CoAuthor.objects.filter(idea=idea, user=user, status=CoAuthorStatus.INVITED).first()


def attachments(*, idea: Idea) -> list[IdeaAttachment]:
    return list(IdeaAttachment.objects.filter(idea=idea).order_by("created_at", "id"))


def innovation_type_labels(values: Iterable[str] | None) -> list[str]:
    labels = dict(InnovationType.choices)
    return [str(labels.get(value, value)) for value in (values or [])]


def merged_ideas(*, idea: Idea, user: User | AnonymousUser) -> list[Idea]:
    """The ideas merged into `idea` that `user` may read (a hidden one's title stays hidden)."""
    ideas = idea.merged_ideas.select_related("organisation", "challenge__organisation")
    return [other for other in ideas if user.has_perm("challenges.view_idea", other)]


def merged_into(*, idea: Idea, user: User | AnonymousUser) -> Idea | None:
    """The idea `idea` was merged into, when `user` may read it; None for a hidden one, whose
    title the link would otherwise give away."""
    target = idea.merged_into
    if target is None or not user.has_perm("challenges.view_idea", target):
        return None
    return target


# The edit history ------------------------------------------------------------------------------

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass
class FieldDiff:
    name: str
    label: str
    # (operation, text): "equal", "insert" or "delete"; the template escapes the text.
    segments: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class RevisionView:
    revision: IdeaRevision
    number: int
    changes: list[FieldDiff]


def _as_text(value: object) -> str:
    if isinstance(value, list):
        if value and all(v in InnovationType.values for v in value):
            return ", ".join(innovation_type_labels(value))
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The change from `old` to `new` word by word (whitespace kept), as (operation, text)."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    segments: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            segments.append(("equal", "".join(a[a1:a2])))
            continue
        if a2 > a1:
            segments.append(("delete", "".join(a[a1:a2])))
        if b2 > b1:
            segments.append(("insert", "".join(b[b1:b2])))
    return segments


def revision_changes(previous: dict, current: dict) -> list[FieldDiff]:
    changes = []
    for name, label in FIELD_LABELS.items():
        old, new = _as_text(previous.get(name)), _as_text(current.get(name))
        if old != new:
            changes.append(FieldDiff(name=name, label=str(label), segments=word_diff(old, new)))
    return changes


def revision_history(*, idea: Idea) -> list[RevisionView]:
    """The revisions, newest first, each with what changed since the one before."""
    revisions = list(
        IdeaRevision.objects.filter(idea=idea).select_related("editor").order_by("created_at", "id")
    )
    views = []
    previous: dict = {}
    for number, revision in enumerate(revisions, start=1):
        views.append(
            RevisionView(
                revision=revision,
                number=number,
                changes=revision_changes(previous, revision.content or {}),
            )
        )
        previous = revision.content or {}
    return list(reversed(views))


def idea_api_queryset() -> QuerySet[Idea]:
    """Ideas for the API's detail: people and history loaded in a fixed number of queries."""
    return idea_queryset().prefetch_related(
        Prefetch("status_changes", queryset=StatusChange.objects.order_by("created_at", "id")),
        Prefetch(
            "coauthors",
            queryset=CoAuthor.objects.filter(status=CoAuthorStatus.ACCEPTED).select_related("user"),
            to_attr="accepted_coauthors",
        ),
    )


def tags_by_slugs(*, organisation_id: int, slugs: list[str]) -> list[Tag]:
    """The organisation's tags with these slugs (the caller reports slugs that are not there)."""
    return list(Tag.objects.filter(organisation_id=organisation_id, slug__in=slugs))


def revisions_newest_first(*, idea: Idea) -> QuerySet[IdeaRevision]:
    return (
        IdeaRevision.objects.filter(idea=idea)
        .select_related("editor")
        .order_by("-created_at", "-id")
    )


def people_to_tell(idea: Idea) -> list[User]:
    """The author, accepted co-authors and followers of `idea` (each once): whom a decision
    on it is told."""
    coauthors = idea.coauthors.filter(status=CoAuthorStatus.ACCEPTED).values("user_id")
    followers = idea.follows.values("user_id")
    return list(
        User.objects.filter(pk=idea.author_id)
        | User.objects.filter(pk__in=coauthors)
        | User.objects.filter(pk__in=followers)
    )
