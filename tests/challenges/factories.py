"""factory_boy factories for challenges, ideas and tags, shared by every area's tests.

`ChallengeFactory()` makes a published, public challenge whose submission phase is running;
`ChallengeFactory(phase="review")` lays its phases so that review runs at creation. Phases are
laid once: to see the challenge in a later (or earlier) phase, travel in time with
`during(challenge, kind)` (or the `time_machine` fixture's `move_to(moment_in(challenge, kind))`),
which moves the clock and leaves the phases as they are.
"""

from datetime import datetime, timedelta

import factory
import time_machine
from django.utils import timezone

from civiclab.challenges.models import (
    Audience,
    Challenge,
    Idea,
    InvitedAddress,
    Phase,
    PhaseKind,
    Tag,
)
from tests.factories import OrganisationFactory, UserFactory

PHASE_ORDER = [PhaseKind.SUBMISSION, PhaseKind.REVIEW, PhaseKind.SELECTION, PhaseKind.CLOSED]
PHASE_LENGTH = timedelta(days=14)
# How far inside a phase `during` lands when it has to move: well clear of the boundary, and
# far longer than any test runs while the clock ticks on.
INSIDE = timedelta(hours=1)


def phases_around(now: datetime, *, current: str) -> list[Phase]:
    """Unsaved phases, fourteen days each, in which `current` contains `now`.

    Phases before `current` lie in the past, `current` is half over, phases after it lie in the
    future; for `closed` the three working phases are over and the closed phase has begun.
    """
    start = now - PHASE_LENGTH / 2 - PHASE_LENGTH * PHASE_ORDER.index(PhaseKind(current))
    phases = []
    for kind in PHASE_ORDER:
        ends_at = None if kind == PhaseKind.CLOSED else start + PHASE_LENGTH
        phases.append(Phase(kind=kind, starts_at=start, ends_at=ends_at))
        start += PHASE_LENGTH
    return phases


def moment_in(challenge: Challenge, kind: str) -> datetime:
    """The moment of the challenge's `kind` phase nearest to now.

    That is now if the phase runs already, else an hour inside its start (ahead) or its end
    (behind).
    """
    phase = Phase.objects.get(challenge=challenge, kind=kind)
    now = timezone.now()
    if phase.starts_at > now:
        return phase.starts_at + INSIDE
    if phase.ends_at is not None and phase.ends_at <= now:
        return phase.ends_at - INSIDE
    return now


def during(challenge: Challenge, kind: str, *, tick: bool = True) -> time_machine.travel:
    """A time machine to `moment_in(challenge, kind)`, as `with during(challenge, kind): ...`.

    Rows written inside the block carry the travelled time.
    """
    return time_machine.travel(moment_in(challenge, kind), tick=tick)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class ChallengeFactory(factory.django.DjangoModelFactory):
    """A published public challenge open for ideas; `phase="review"` etc. starts it in another."""

    class Meta:
        model = Challenge
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(state=Challenge.State.DRAFT, published_at=None)

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"How might we improve street life {n}?")
    slug = factory.Sequence(lambda n: f"challenge-{n}")
    summary = "Ideas to make our streets safer and more pleasant."
    problem_statement = "Residents report that streets feel unsafe after dark."
    goals = "Fewer incidents reported; more people walking in the evening."
    needs = "Ideas should be affordable within the current budget."
    audience = Audience.PUBLIC
    innovation_types = factory.LazyFunction(list)
    state = Challenge.State.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def phase(obj, create, extracted, **kwargs):
        """The running phase: `submission` unless given; `phase=False` makes none."""
        if not create:
            return
        if extracted is False:
            return
        phases = phases_around(timezone.now(), current=extracted or PhaseKind.SUBMISSION)
        for phase in phases:
            phase.challenge = obj
        Phase.objects.bulk_create(phases)

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.set(extracted)

    @factory.post_generation
    def invited(obj, create, extracted, **kwargs):
        """Invite people (their addresses) or addresses to the challenge."""
        if create and extracted:
            for person in extracted:
                email = person if isinstance(person, str) else person.email
                InvitedAddress.objects.create(challenge=obj, email=email.lower())


class IdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Idea
        skip_postgeneration_save = True

    challenge = factory.SubFactory(ChallengeFactory)
    organisation = factory.LazyAttribute(lambda idea: idea.challenge.organisation)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Idea number {n}")
    summary = "Put lights along the canal path."
    description = "Solar lamps along the canal path, switched on by motion sensors."
    description_html = "<p>Solar lamps along the canal path, switched on by motion sensors.</p>"

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.set(extracted)
