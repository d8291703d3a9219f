"""Loading challenges, ideas and what hangs off them for a person (see `core.access`).

One loader per entity. Each returns the object when the person may see it and raises
`NotVisible` otherwise: missing, a draft, a staff-only or invitation-only challenge they are
not part of, a hidden idea they did not write or moderate, or anything of a deactivated
organisation they do not belong to. With `perm`, a visible object the person may not act on
raises `PermissionDenied` (with `message`, when given), or `PhaseClosed` when the challenge's
timetable, not a role, keeps the action closed.

Objects below an idea or challenge (attachments, co-authors, merges, criteria,
evaluator assignments) are visible exactly when their idea or challenge is, and are looked
up within it, so an id from another challenge is simply not found. Comments are loaded by
the discussion app (`discussion.access.comment_for_user`).
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet

from civiclab.accounts.models import User
from civiclab.core.access import NotVisible, require, visible_or_raise

from .models import (
    Challenge,
    CoAuthor,
    Criterion,
    EvaluatorAssignment,
    Event,
    Idea,
    IdeaAttachment,
    MergeRecord,
    Phase,
)
from .phases import require_open

VIEW_CHALLENGE = "challenges.view_challenge"
VIEW_IDEA = "challenges.view_idea"


def _challenges() -> QuerySet[Challenge]:
    return Challenge.objects.select_related("organisation", "sponsor").prefetch_related(
        "phases", "tags"
    )


def _ideas() -> QuerySet[Idea]:
    """Ideas with what their permission checks and pages read."""
    return Idea.objects.select_related(
        "challenge__organisation", "organisation", "author", "merged_into__organisation"
    ).prefetch_related(Prefetch("challenge__phases", queryset=Phase.objects.all()), "tags")


def challenge_for_user(
    *,
    user: User | AnonymousUser,
    slug: str | None = None,
    org_slug: str | None = None,
    pk: int | None = None,
    perm: str = "",
    message: str = "",
) -> Challenge:
    """A challenge by its address (`org_slug`, `slug`) or by its id (`pk`)."""
    challenges = _challenges()
    if pk is not None:
        challenges = challenges.filter(pk=pk)
    elif org_slug is not None and slug is not None:
        challenges = challenges.filter(organisation__slug=org_slug, slug=slug)
    else:
        raise NotVisible
    challenge = visible_or_raise(challenges.first(), user=user, view_perm=VIEW_CHALLENGE)
    if perm:
        require_open(user, perm, challenge, message)
    return challenge


def event_for_user(
    *, user: User | AnonymousUser, challenge: Challenge, perm: str = "", message: str = ""
) -> Event:
    """The event of a challenge the person sees (the challenge was loaded through this module)."""
    event = Event.objects.filter(challenge=challenge).first()
    if event is None:
        raise NotVisible
    event.challenge = challenge
    if perm:
        require(user, perm, event, message)
    return event


def idea_for_user(
    *,
    user: User | AnonymousUser,
    pk: int,
    org_slug: str | None = None,
    perm: str = "",
    message: str = "",
    queryset: QuerySet[Idea] | None = None,
) -> Idea:
    """An idea by its id, within the organisation `org_slug` when the address names one.

    `queryset` lets a caller load more at once (the API's detail, say); it must select the
    challenge and its organisation and prefetch the challenge's phases.
    """
    ideas = (queryset if queryset is not None else _ideas()).filter(pk=pk)
    if org_slug is not None:
        ideas = ideas.filter(organisation__slug=org_slug)
    idea = visible_or_raise(ideas.first(), user=user, view_perm=VIEW_IDEA)
    if perm:
        require_open(user, perm, idea, message)
    return idea


def ideas_for_user(*, user: User | AnonymousUser, pks: list[int]) -> list[Idea]:
    """Several ideas, in the order asked; NotVisible if any is not visible."""
    found = _ideas().in_bulk(pks)
    ideas = [found.get(pk) for pk in pks]
    return [visible_or_raise(idea, user=user, view_perm=VIEW_IDEA) for idea in ideas]


def attachment_for_user(*, user: User | AnonymousUser, idea: Idea, pk: int) -> IdeaAttachment:
    """One of a visible idea's attachments."""
    attachment = IdeaAttachment.objects.filter(idea=idea, pk=pk).first()
    visible_or_raise(idea, user=user, view_perm=VIEW_IDEA)
    if attachment is None:
        raise NotVisible
    return attachment


def coauthor_for_user(*, user: User | AnonymousUser, idea: Idea, pk: int) -> CoAuthor:
    """One co-author row (invited, accepted or declined) of a visible idea."""
    visible_or_raise(idea, user=user, view_perm=VIEW_IDEA)
    coauthor = (
        CoAuthor.objects.select_related("user", "idea__organisation")
        .filter(idea=idea, pk=pk)
        .first()
    )
    if coauthor is None:
        raise NotVisible
    return coauthor


def merge_for_user(
    *,
    user: User | AnonymousUser,
    pk: int,
    org_slug: str | None = None,
    perm: str = "",
    message: str = "",
) -> MergeRecord:
    """A merge, seen by those who may read the idea it merged into."""
    records = MergeRecord.objects.select_related(
        "source__organisation",
        "source__challenge",
        "target__organisation",
        "target__challenge__organisation",
        "actor",
        "unmerged_by",
    ).prefetch_related("target__challenge__phases")
    records = records.filter(pk=pk)
    if org_slug is not None:
        records = records.filter(source__organisation__slug=org_slug)
    record = records.first()
    visible_or_raise(record.target if record else None, user=user, view_perm=VIEW_IDEA)
    assert record is not None
    if perm:
        require(user, perm, record, message)
    return record


def criterion_for_user(*, user: User | AnonymousUser, challenge: Challenge, pk: int) -> Criterion:
    """One criterion of a visible challenge's scorecard."""
    visible_or_raise(challenge, user=user, view_perm=VIEW_CHALLENGE)
    criterion = Criterion.objects.filter(pk=pk, scorecard__challenge=challenge).first()
    if criterion is None:
        raise NotVisible
    return criterion


def assignment_for_user(
    *,
    user: User | AnonymousUser,
    pk: int,
    org_slug: str | None = None,
    perm: str = "",
    message: str = "",
) -> EvaluatorAssignment:
    """An evaluator's assignment to an idea, seen by those who may read the idea."""
    assignments = EvaluatorAssignment.objects.select_related("evaluator").filter(pk=pk)
    if org_slug is not None:
        assignments = assignments.filter(idea__organisation__slug=org_slug)
    assignment = assignments.first()
    if assignment is None:
        raise NotVisible
    assignment.idea = idea_for_user(user=user, pk=assignment.idea_id)
    if perm:
        require(user, perm, assignment, message)
    return assignment


def own_assignment_for_user(*, user: User | AnonymousUser, pk: int) -> EvaluatorAssignment:
    """One of the person's own evaluator assignments; anyone else's is not found."""
    assignment = assignment_for_user(user=user, pk=pk)
    if assignment.evaluator_id != user.pk:
        raise NotVisible
    return assignment
