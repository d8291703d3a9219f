"""The demo's content: its people, organisations, challenges, ideas and threads, as TOML files.

The files sit beside this module, one folder per organisation (named by its slug):

    platform.toml                            the platform administrator, residents with a login
    <organisation>/organisation.toml         public profile, sectors, the order of its challenges
    <organisation>/people.toml               members with their roles, and residents
    <organisation>/ledger.toml               what it records in the public ledger on joining
    <organisation>/challenges/<slug>.toml    a challenge: phases, ideas, threads, decisions
    <organisation>/idea-box.toml             ideas in its always-open idea box

People are named by `key` everywhere else; an organisation's files may name the platform's
people and its own. `demo_content()` reads every file once and checks it before anything is
written: every key is known and has the right type, every person and idea named exists, every
choice (role, sector, phase, status...) is one the platform knows. A mistake stops the seed with
a `DemoContentError` naming the file and the key. The seeding code is in `civiclab.demo.steps`.
"""

from functools import cache

from .loader import ROOT, load_content
from .reader import DemoContentError
from .schema import (
    NOW,
    DemoChallenge,
    DemoComment,
    DemoContent,
    DemoCriterion,
    DemoDecision,
    DemoEvaluation,
    DemoEvent,
    DemoFlag,
    DemoIdea,
    DemoIdeaBox,
    DemoMerge,
    DemoModerationCase,
    DemoOrganisation,
    DemoPairwise,
    DemoPerson,
    DemoPhase,
    DemoReview,
    DemoScorecard,
    DemoSelection,
    DemoThread,
    DemoTimeline,
)


@cache
def demo_content() -> DemoContent:
    """The demo's content, read and checked once per process."""
    return load_content(ROOT)


__all__ = [
    "NOW",
    "ROOT",
    "DemoChallenge",
    "DemoComment",
    "DemoContent",
    "DemoContentError",
    "DemoCriterion",
    "DemoDecision",
    "DemoEvaluation",
    "DemoEvent",
    "DemoFlag",
    "DemoIdea",
    "DemoIdeaBox",
    "DemoMerge",
    "DemoModerationCase",
    "DemoOrganisation",
    "DemoPairwise",
    "DemoPerson",
    "DemoPhase",
    "DemoReview",
    "DemoScorecard",
    "DemoSelection",
    "DemoThread",
    "DemoTimeline",
    "demo_content",
    "load_content",
]
