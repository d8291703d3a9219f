"""What the demo's content files hold, as small typed records (read by `loader`).

Content names people and ideas by their keys; the seeding steps look them up.
"""

from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from typing import Any, Literal

from civiclab.challenges.models import IdeaStatus

# In a phase plan: the moment of seeding.
NOW = "now"
# Who supports a challenge's ideas.
SUPPORTERS = ("everyone", "staff")
# How an idea of a challenge ends up after its selection phase.
DECISIONS = (IdeaStatus.SELECTED, IdeaStatus.SHELVED, IdeaStatus.DECLINED)


@dataclass(frozen=True)
class DemoPerson:
    """A demo account: every step that needs a person uses this one type."""

    key: str
    email: str
    display_name: str
    description: str
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoComment:
    author: str
    body: str


@dataclass(frozen=True)
class DemoThread:
    """A comment and the conversation under it; each reply answers the one before."""

    author: str
    body: str
    replies: tuple[DemoComment, ...] = ()


@dataclass(frozen=True)
class DemoDecision:
    """Where an idea ended after the selection phase, and why (shown on its page)."""

    status: str
    reason: str
    shortlist_reason: str = ""


@dataclass(frozen=True)
class DemoIdea:
    key: str
    author: str
    title: str
    summary: str
    description: str
    benefits: str
    beneficiaries: str
    types: tuple[str, ...]
    tags: tuple[str, ...]
    place: str = ""
    # How many people support it (taken from those who may, never its author).
    supporters: int = 0
    # Its merit on each criterion of the scorecard, before the evaluators' own tendencies.
    merit: tuple[int, ...] = ()
    decision: DemoDecision | None = None
    comments: tuple[DemoThread, ...] = ()


@dataclass(frozen=True)
class DemoPhase:
    """A phase in whole days from today (boundaries at 5pm local time), or `NOW`."""

    kind: str
    starts: int | Literal["now"]
    ends: int | Literal["now"] | None


@dataclass(frozen=True)
class DemoTimeline:
    """Days from the moment of seeding between which the ideas arrived."""

    ideas_from: float
    ideas_until: float


@dataclass(frozen=True)
class DemoEvent:
    kind: str
    title: str
    description: str
    place: str
    in_days: int
    starts: time
    hours: float
    capacity: int
    registrants: tuple[str, ...]


@dataclass(frozen=True)
class DemoFlag:
    by: str
    reason: str
    note: str = ""


@dataclass(frozen=True)
class DemoModerationCase:
    idea: str
    author: str
    body: str
    moderator: str
    reason: str
    flags: tuple[DemoFlag, ...]


@dataclass(frozen=True)
class DemoMerge:
    source: str
    target: str
    by: str
    reason: str


@dataclass(frozen=True)
class DemoCriterion:
    name: str
    guidance: str
    weight: Decimal
    lower_is_better: bool


@dataclass(frozen=True)
class DemoScorecard:
    blind: bool
    evaluators_per_idea: int
    pairwise: bool
    guidance: str
    criteria: tuple[DemoCriterion, ...] = ()


@dataclass(frozen=True)
class DemoPairwise:
    voters: tuple[str, ...]
    pairs_per_voter: int


@dataclass(frozen=True)
class DemoReview:
    """The lead's review, hours after the review phase opened."""

    reason: str
    after_hours: float
    not_yet_reviewed: tuple[str, ...] = ()
    shelved: tuple[tuple[str, str], ...] = ()  # (idea, reason)
    shelved_after_hours: float = 0


@dataclass(frozen=True)
class DemoEvaluation:
    tendencies: tuple[tuple[str, float], ...]  # (evaluator, added to each of their scores)
    assigned_after_hours: float
    scored_after_hours: tuple[tuple[str, float], ...]  # (evaluator, hours)
    comments: tuple[tuple[str, str, str], ...] = ()  # (evaluator, idea, comment)

    @property
    def evaluators(self) -> tuple[str, ...]:
        return tuple(key for key, _tendency in self.tendencies)


@dataclass(frozen=True)
class DemoSelection:
    shortlisted_after_hours: float
    decided_before_end_hours: float


@dataclass(frozen=True)
class DemoChallenge:
    slug: str
    title: str
    summary: str
    problem_statement: str
    goals: str
    needs: str
    audience: str
    innovation_types: tuple[str, ...]
    tags: tuple[str, ...]
    lead: str
    sponsor: str
    supported_by: str
    phases: tuple[DemoPhase, ...]
    timeline: DemoTimeline
    ideas: tuple[DemoIdea, ...]
    event: DemoEvent | None = None
    moderation_case: DemoModerationCase | None = None
    merge: DemoMerge | None = None
    scorecard: DemoScorecard | None = None
    pairwise: DemoPairwise | None = None
    review: DemoReview | None = None
    evaluation: DemoEvaluation | None = None
    selection: DemoSelection | None = None


@dataclass(frozen=True)
class DemoIdeaBox:
    supported_by: str
    timeline: DemoTimeline
    ideas: tuple[DemoIdea, ...]


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    sectors: tuple[str, ...]
    # The profile fields `organisation_create` takes (summary, country, level, ...).
    profile: dict[str, Any]
    members: tuple[DemoPerson, ...]
    residents: tuple[DemoPerson, ...] = ()
    joined_days_ago: int = 0
    ledger_policy: dict[str, str] | None = None
    challenges: tuple[DemoChallenge, ...] = ()
    idea_box: DemoIdeaBox | None = None

    def challenge(self, slug: str) -> DemoChallenge:
        return next(challenge for challenge in self.challenges if challenge.slug == slug)

    def all_ideas(self) -> list[DemoIdea]:
        ideas = [idea for challenge in self.challenges for idea in challenge.ideas]
        return ideas + list(self.idea_box.ideas if self.idea_box else ())


@dataclass(frozen=True)
class DemoContent:
    administrator: DemoPerson
    # Residents with an account of their own, in no organisation.
    residents: tuple[DemoPerson, ...]
    organisations: tuple[DemoOrganisation, ...]

    def organisation(self, slug: str) -> DemoOrganisation:
        return next(
            organisation for organisation in self.organisations if organisation.slug == slug
        )

    def people(self) -> list[DemoPerson]:
        """Every demo account, once."""
        people = [self.administrator, *self.residents]
        for organisation in self.organisations:
            people += [*organisation.members, *organisation.residents]
        return people
