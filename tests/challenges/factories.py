"""factory_boy factories for challenges, ideas and tags, shared by every area's tests.

`ChallengeFactory()` makes a published, public challenge whose submission phase is running.
`set_phase(challenge, kind)` rewrites the phases so that `kind` is the current one (with
earlier phases in the past and later ones in the future); `kind="closed"` puts every phase
in the past.
"""

from datetime import timedelta

import factory
from django.utils import timezone

from civiclab.challenges.models import (
    Audience,
    Challenge,
    Idea,
    Phase,
    PhaseKind,
    Tag,
)
from tests.factories import OrganisationFactory, UserFactory

PHASE_ORDER = [PhaseKind.SUBMISSION, PhaseKind.REVIEW, PhaseKind.SELECTION, PhaseKind.CLOSED]
PHASE_LENGTH = timedelta(days=14)


def set_phase(challenge: Challenge, kind: str, *, now=None) -> Challenge:
    """Replace the challenge's phases so that `kind` runs now.

    Phases before `kind` lie in the past, `kind` contains `now`, phases after it lie in the
    future. For `closed` the three working phases are over and the closed phase has begun.
    The prefetch cache is cleared so `current_phase_kind()` sees the new phases.
    """
    now = now or timezone.now()
    current = PHASE_ORDER.index(PhaseKind(kind))
    challenge.phases.all().delete()
    start = now - PHASE_LENGTH / 2 - PHASE_LENGTH * current
    phases = []
    for phase_kind in PHASE_ORDER:
        ends_at = None if phase_kind == PhaseKind.CLOSED else start + PHASE_LENGTH
        phases.append(Phase(challenge=challenge, kind=phase_kind, starts_at=start, ends_at=ends_at))
        start = start + PHASE_LENGTH
    Phase.objects.bulk_create(phases)
    cache = getattr(challenge, "_prefetched_objects_cache", None)
    if cache:
        cache.pop("phases", None)
    return challenge


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class ChallengeFactory(factory.django.DjangoModelFactory):
    """A published public challenge open for ideas; pass `phase="review"` etc. to move it."""

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
        set_phase(obj, extracted or PhaseKind.SUBMISSION)

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.set(extracted)

    @factory.post_generation
    def invited(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.invited.set(extracted)


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
