"""Reads for the home page: a signed-in person's work in challenges, and what a visitor sees.

Each function answers in a fixed number of queries however many organisations, challenges
and ideas there are, and reads roles as they are now: a role held once and removed since
(an evaluator's old assignments, a former decision maker's shortlist) shows nothing. What a
block counts it also links to, and the linked page applies the same rule.

For visitors everything is counted over what is public only: published challenges open to
everyone in active organisations, their ideas that are neither hidden nor merged away, and
the people who wrote or supported those ideas.
"""

import json
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from civiclab.accounts.models import User
from civiclab.core import clock
from civiclab.ledger.models import Entry
from civiclab.ledger.selectors import entry_list
from civiclab.organisations.models import Role
from civiclab.organisations.selectors import organisations_where

from ..models import (
    Challenge,
    CoAuthor,
    CoAuthorStatus,
    EventRegistration,
    Idea,
    IdeaStatus,
    PhaseKind,
    RegistrationStatus,
    Support,
)
from .challenges import MANAGER_ROLES, visibility_filter, visible_challenges
from .evaluation import AssignedIdea

# How many rows a list block shows; each says how many more there are.
BLOCK_LIMIT = 8


# --- evaluators ----------------------------------------------------------------------------


@dataclass
class ScoringWork:
    challenge: Challenge
    assigned: int
    submitted: int

    @property
    def to_score(self) -> int:
        return self.assigned - self.submitted


def challenges_to_score(*, user: User) -> list[ScoringWork]:
    """Challenges in which ideas are assigned to `user` to score, with `assigned` and
    `submitted` counts, the most open work first. Only where `user` is an evaluator now;
    ideas merged away or written by `user` are left out, as the scoring rule refuses them."""
    organisation_ids = organisations_where(user=user, roles=(Role.EVALUATOR,))
    if not organisation_ids:
        return []
    mine = Q(ideas__assignments__evaluator=user) & ~Q(ideas__status=IdeaStatus.MERGED)
    mine &= ~Q(ideas__author=user)
    challenges = (
        Challenge.objects.filter(organisation_id__in=organisation_ids)
        .annotate(
            assigned=Count("ideas__assignments", filter=mine),
            submitted=Count(
                "ideas__assignments",
                filter=mine & Q(ideas__assignments__evaluation__submitted_at__isnull=False),
            ),
        )
        .filter(assigned__gt=0)
        .select_related("organisation")
        .prefetch_related("phases")
    )
    rows = [
        ScoringWork(challenge=c, assigned=c.assigned, submitted=c.submitted) for c in challenges
    ]
    return sorted(
        rows, key=lambda w: (-w.to_score, w.challenge.organisation.name, w.challenge.title)
    )


@dataclass
class EvaluationGroup:
    """One challenge's part of an evaluator's work list."""

    challenge: Challenge
    rows: list[AssignedIdea]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def done(self) -> int:
        return sum(1 for row in self.rows if row.state == "submitted")

    @property
    def open(self) -> int:
        return self.total - self.done


def evaluations_by_challenge(rows: list[AssignedIdea]) -> list[EvaluationGroup]:
    """An evaluator's assignments grouped by challenge: challenges with open work first, and
    in each, ideas not yet submitted before those submitted (no query)."""
    groups: dict[int, EvaluationGroup] = {}
    for row in rows:
        challenge = row.idea.challenge
        groups.setdefault(challenge.pk, EvaluationGroup(challenge=challenge, rows=[]))
        groups[challenge.pk].rows.append(row)
    for group in groups.values():
        group.rows.sort(key=lambda row: row.state == "submitted")
    # Stable sort: within "open" and "done", the newest challenge first as the rows came.
    return sorted(groups.values(), key=lambda group: group.open == 0)


# --- decision makers and leads -------------------------------------------------------------


@dataclass
class DecisionWork:
    challenge: Challenge
    shortlisted: int
    decides_now: bool


def challenges_awaiting_decision(*, user: User) -> list[DecisionWork]:
    """Challenges with shortlisted ideas in organisations where `user` decides, with
    `shortlisted` counted; those whose selection phase runs now first."""
    organisation_ids = organisations_where(user=user, roles=(Role.DECISION_MAKER,))
    if not organisation_ids:
        return []
    challenges = list(
        Challenge.objects.filter(
            organisation_id__in=organisation_ids,
            state=Challenge.State.PUBLISHED,
        )
        .annotate(
            shortlisted=Count(
                "ideas", filter=Q(ideas__status=IdeaStatus.SHORTLISTED, ideas__is_hidden=False)
            )
        )
        .filter(shortlisted__gt=0)
        .select_related("organisation")
        .prefetch_related("phases")
        .order_by("organisation__name", "title")
    )
    now = clock.now()
    rows = [
        DecisionWork(
            challenge=c,
            shortlisted=c.shortlisted,
            decides_now=c.current_phase_kind(now) == PhaseKind.SELECTION,
        )
        for c in challenges
    ]
    return sorted(rows, key=lambda w: not w.decides_now)


def decides_anywhere(*, user: User) -> bool:
    """`user` is a decision maker in an active organisation now."""
    return bool(organisations_where(user=user, roles=(Role.DECISION_MAKER,)))


@dataclass
class RunChallenges:
    challenges: list[Challenge]
    total: int


def challenges_run_by(*, user: User) -> RunChallenges:
    """The challenges of the organisations where `user` runs challenges (administrator or
    innovation lead), drafts and running ones first, without the idea boxes."""
    organisation_ids = organisations_where(user=user, roles=MANAGER_ROLES)
    if not organisation_ids:
        return RunChallenges(challenges=[], total=0)
    challenges = Challenge.objects.filter(organisation_id__in=organisation_ids, is_idea_box=False)
    total = challenges.count()
    if not total:
        return RunChallenges(challenges=[], total=0)
    now = clock.now()
    loaded = list(
        challenges.select_related("organisation")
        .prefetch_related("phases")
        .order_by("organisation__name", "-created_at", "-id")
    )
    # Closed challenges come last: the work is in drafts and running phases (a stable sort,
    # so by organisation and newest first otherwise).
    loaded.sort(key=lambda c: c.is_published and c.current_phase_kind(now) == PhaseKind.CLOSED)
    return RunChallenges(challenges=loaded[:BLOCK_LIMIT], total=total)


# --- everyone who signed in ----------------------------------------------------------------


def coauthor_invitations_for(*, user: User) -> list[CoAuthor]:
    """Invitations to co-write an idea that `user` has not answered, on ideas still open to
    co-authors, not hidden by moderators (the invitee may not open those) and in challenges
    `user` may see."""
    return list(
        CoAuthor.objects.filter(user=user, status=CoAuthorStatus.INVITED, idea__is_hidden=False)
        .exclude(idea__status=IdeaStatus.MERGED)
        .filter(idea__challenge__in=Challenge.objects.filter(visibility_filter(user)))
        .select_related("idea__organisation", "idea__challenge")
        .order_by("-invited_at", "-id")
    )


@dataclass
class MyIdeas:
    ideas: list[Idea]
    total: int
    by_status: dict[str, int]


def ideas_of_author(*, user: User) -> MyIdeas:
    """The ideas `user` wrote or co-wrote, newest first, with what became of them, in
    challenges `user` may still see (two queries)."""
    ideas = Idea.objects.filter(
        Q(author=user)
        | Q(
            Exists(
                CoAuthor.objects.filter(
                    idea=OuterRef("pk"), user=user, status=CoAuthorStatus.ACCEPTED
                )
            )
        ),
        challenge__in=Challenge.objects.filter(visibility_filter(user)),
    )
    by_status = dict(ideas.order_by().values_list("status").annotate(n=Count("pk")))
    total = sum(by_status.values())
    shown = (
        list(
            ideas.select_related("organisation", "challenge").order_by("-created_at", "-id")[
                :BLOCK_LIMIT
            ]
        )
        if total
        else []
    )
    return MyIdeas(ideas=shown, total=total, by_status=by_status)


def events_registered_by(*, user: User) -> list[EventRegistration]:
    """Events `user` has a place for or waits for, that have not ended, soonest first."""
    return list(
        EventRegistration.objects.filter(
            user=user,
            status__in=(RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING),
            event__ends_at__gt=clock.now(),
            event__challenge__in=Challenge.objects.filter(visibility_filter(user)),
        )
        .select_related("event__challenge__organisation")
        .order_by("event__starts_at", "pk")
    )


# --- visitors ------------------------------------------------------------------------------


def public_challenges() -> QuerySet[Challenge]:
    return Challenge.objects.filter(visibility_filter(AnonymousUser()))


def public_ideas() -> QuerySet[Idea]:
    return Idea.objects.filter(challenge__in=public_challenges(), is_hidden=False).exclude(
        status=IdeaStatus.MERGED
    )


def public_figures() -> dict[str, int]:
    """Challenges (not counting idea boxes), ideas and the people who wrote or supported them,
    counted over what is public only (three queries)."""
    ideas = public_ideas()
    people = User.objects.filter(
        Exists(ideas.filter(author=OuterRef("pk")))
        | Exists(Support.objects.filter(user=OuterRef("pk"), idea__in=ideas))
    )
    return {
        "challenges": public_challenges().filter(is_idea_box=False).count(),
        "ideas": ideas.count(),
        "people": people.count(),
    }


def open_challenges_everywhere(*, limit: int = 6) -> list[Challenge]:
    """Public challenges open for ideas in every organisation, newest first."""
    return list(
        visible_challenges(user=AnonymousUser(), phase=PhaseKind.SUBMISSION).filter(
            is_idea_box=False
        )[:limit]
    )


@dataclass
class PublicDecision:
    entry: Entry
    title: str
    challenge: str
    reason: str


def recent_public_decisions(*, limit: int = 5) -> list[PublicDecision]:
    """The latest selections in the ledger whose challenge was public when they were made.

    A selection in a staff-only or invitation-only challenge is recorded with ids and its
    audience, never its texts (`services._internal._selection_payload`); those are skipped
    rather than shown by number. One query: a bounded window of the newest selections.
    """
    decisions = []
    for entry in entry_list(kind="idea.selected")[: limit * 4]:
        payload = json.loads(entry.payload)
        if not isinstance(payload, dict) or payload.get("audience") or not payload.get("title"):
            continue
        decisions.append(
            PublicDecision(
                entry=entry,
                title=str(payload["title"]),
                challenge=str(payload.get("challenge", "")),
                reason=str(payload.get("reason", "")),
            )
        )
        if len(decisions) == limit:
            break
    return decisions
