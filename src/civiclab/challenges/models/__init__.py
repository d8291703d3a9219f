"""Challenges, ideas, supports, merges and evaluation: one module per concept."""

from .challenge import Audience, Challenge, InnovationType, InvitedAddress, Phase, PhaseKind, Tag
from .evaluation import (
    Criterion,
    Evaluation,
    EvaluatorAssignment,
    PairwiseComparison,
    Score,
    Scorecard,
)
from .event import Event, EventKind, EventRegistration, RegistrationStatus
from .idea import (
    CoAuthor,
    CoAuthorStatus,
    Idea,
    IdeaAttachment,
    IdeaRevision,
    IdeaStatus,
    StatusChange,
)
from .participation import MergeRecord, Support

__all__ = [
    "Audience",
    "Challenge",
    "CoAuthor",
    "CoAuthorStatus",
    "Criterion",
    "Evaluation",
    "EvaluatorAssignment",
    "Event",
    "EventKind",
    "EventRegistration",
    "Idea",
    "IdeaAttachment",
    "IdeaRevision",
    "IdeaStatus",
    "InnovationType",
    "InvitedAddress",
    "MergeRecord",
    "PairwiseComparison",
    "Phase",
    "PhaseKind",
    "RegistrationStatus",
    "Score",
    "Scorecard",
    "StatusChange",
    "Support",
    "Tag",
]
