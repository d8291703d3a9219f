"""Reads about challenges: who sees which, lists with filters, the page's figures, events.

The visibility filter mirrors `challenges.view_challenge` in SQL, so lists never show what a
page would refuse: managers (organisation admins, innovation leads) and platform admins see
everything of theirs; others see published challenges whose audience admits them.
"""

from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from civiclab.accounts.models import User
from civiclab.core import clock
from civiclab.core.phases import running_q
from civiclab.organisations.models import Membership, Organisation, Role

from ..models import (
    Audience,
    Challenge,
    Event,
    EventRegistration,
    Idea,
    IdeaStatus,
    InvitedAddress,
    Phase,
    PhaseKind,
    RegistrationStatus,
    Tag,
)

MANAGER_ROLES = (Role.ADMIN, Role.INNOVATION_LEAD)
PHASE_FILTERS = (PhaseKind.SUBMISSION, PhaseKind.REVIEW, PhaseKind.SELECTION, PhaseKind.CLOSED)


def visibility_filter(user: User | AnonymousUser) -> Q:
    """Challenges `user` may see, as a filter on Challenge (the `view_challenge` rule)."""
    published = Q(state=Challenge.State.PUBLISHED)
    active = Q(organisation__is_active=True)
    if not user.is_authenticated:
        return active & published & Q(audience=Audience.PUBLIC)
    if user.is_superuser:
        return Q()
    memberships = Membership.objects.filter(user=user)
    member_of = memberships.values("organisation_id")
    manager_of = memberships.filter(role__in=MANAGER_ROLES).values("organisation_id")
    # An invitation admits the account that has confirmed the invited address (`is_invited`).
    invitations = (
        InvitedAddress.objects.filter(email__iexact=user.email)
        if user.email_confirmed
        else InvitedAddress.objects.none()
    )
    invited_to = invitations.values("challenge_id")
    admitted = (
        Q(audience=Audience.PUBLIC)
        | Q(organisation_id__in=member_of)
        | Q(audience=Audience.INVITED, pk__in=invited_to)
    )
    # A deactivated organisation's challenges stay visible to its own people only.
    visible_organisation = active | Q(organisation_id__in=member_of)
    return Q(organisation_id__in=manager_of) | (visible_organisation & published & admitted)


def _running(kind: str, now: datetime) -> Exists:
    return Exists(Phase.objects.filter(running_q(now), challenge=OuterRef("pk"), kind=kind))


def phase_filter(kind: str, now: datetime | None = None) -> Q:
    """Challenges whose current phase (by the clock) is `kind`; `closed` means none is running."""
    now = now or clock.now()
    if kind == PhaseKind.CLOSED:
        running_any = Exists(
            Phase.objects.filter(
                running_q(now), challenge=OuterRef("pk"), kind__in=PHASE_FILTERS[:3]
            )
        )
        return ~Q(running_any)
    return Q(_running(kind, now))


def visible_challenges(
    *,
    user: User | AnonymousUser,
    organisation: Organisation | None = None,
    phase: str = "",
    tag: str = "",
) -> QuerySet[Challenge]:
    """Challenges `user` may see, newest first, with phases, tags and organisation loaded."""
    challenges = Challenge.objects.filter(visibility_filter(user))
    if organisation is not None:
        challenges = challenges.filter(organisation=organisation)
    if phase:
        challenges = challenges.filter(phase_filter(phase))
    if tag:
        challenges = challenges.filter(
            Exists(Challenge.tags.through.objects.filter(challenge=OuterRef("pk"), tag__slug=tag))
        )
    return (
        challenges.select_related("organisation")
        .prefetch_related("phases", "tags")
        .order_by("is_idea_box", "-published_at", "-created_at", "-id")
    )


def challenge_list(
    *, user: User | AnonymousUser, organisation: Organisation, phase: str = "", tag: str = ""
) -> QuerySet[Challenge]:
    """The organisation's challenges for its list page (the idea box has its own place)."""
    return visible_challenges(user=user, organisation=organisation, phase=phase, tag=tag).filter(
        is_idea_box=False
    )


def visible_tags(*, user: User | AnonymousUser, organisation: Organisation) -> QuerySet[Tag]:
    """The tags the challenge filter offers: those on a challenge `user` may see, so that a
    tag used only by a staff-only or unpublished challenge is not given away."""
    challenges = Challenge.objects.filter(visibility_filter(user), organisation=organisation)
    used = Challenge.tags.through.objects.filter(challenge__in=challenges).values("tag_id")
    return Tag.objects.filter(organisation=organisation, pk__in=used).order_by("name")


def challenge_figures(*, challenge: Challenge) -> dict[str, int]:
    """Ideas (visible, not merged away) and their supports, for the challenge page."""
    figures = (
        Idea.objects.filter(challenge=challenge, is_hidden=False)
        .exclude(status=IdeaStatus.MERGED)
        .aggregate(ideas=Count("id"), supports=Sum("support_count"))
    )
    return {"ideas": figures["ideas"] or 0, "supports": figures["supports"] or 0}


def challenge_has_ideas(*, challenge: Challenge) -> bool:
    return Idea.objects.filter(challenge=challenge).exists()


def active_person(*, pk: int) -> User | None:
    """An active account by id (for naming a sponsor through the API)."""
    return User.objects.filter(pk=pk, is_active=True).first()


def sponsor_choices(*, organisation: Organisation) -> QuerySet[User]:
    """The organisation's decision makers, who may sponsor a challenge."""
    return (
        User.objects.filter(
            memberships__organisation=organisation, memberships__role=Role.DECISION_MAKER
        )
        .order_by("display_name", "email")
        .distinct()
    )


def challenge_has_ended(challenge: Challenge) -> bool:
    """Closed for good: the closed phase (or no phase) runs and none lies ahead, so not a gap
    between phases."""
    now = clock.now()
    phases = list(challenge.phases.all())
    return (
        bool(phases)
        and challenge.current_phase_kind(now) == PhaseKind.CLOSED
        and all(phase.starts_at <= now for phase in phases)
    )


def challenge_outcome(*, challenge: Challenge) -> list[Idea]:
    """The challenge's selected ideas with the public reason, for its page once it closed."""
    return list(
        Idea.objects.filter(challenge=challenge, status=IdeaStatus.SELECTED, is_hidden=False)
        .select_related("organisation")
        .order_by("-status_changed_at", "pk")
    )


# The organisation page's groups of challenges, in the order a challenge lives through them.
PAGE_GROUPS = (
    PhaseKind.SUBMISSION,
    PhaseKind.REVIEW,
    PhaseKind.SELECTION,
    PhaseKind.CLOSED,
)


def challenges_by_phase_for_page(
    *, user: User | AnonymousUser, organisation: Organisation, limit: int = 6
) -> list[tuple[str, list[Challenge]]]:
    """A few of the organisation's challenges in each phase, for its public page; closed
    ones (ended for good, not between phases) carry their selected ideas as `selected`.
    One query per group and one for the outcomes."""
    groups: list[tuple[str, list[Challenge]]] = []
    for phase in PAGE_GROUPS:
        found = list(challenge_list(user=user, organisation=organisation, phase=phase)[:limit])
        if phase == PhaseKind.CLOSED:
            found = [challenge for challenge in found if challenge_has_ended(challenge)]
        groups.append((phase, found))
    closed = groups[-1][1]
    selected: dict[int, list[Idea]] = {challenge.pk: [] for challenge in closed}
    for idea in Idea.objects.filter(
        challenge__in=closed, status=IdeaStatus.SELECTED, is_hidden=False
    ).order_by("title"):
        selected[idea.challenge_id].append(idea)
    for challenge in closed:
        challenge.selected = selected[challenge.pk]  # type: ignore[attr-defined]
    return groups


# --- events ---------------------------------------------------------------------------------


def challenge_event(*, challenge: Challenge) -> Event | None:
    return Event.objects.filter(challenge=challenge).first()


def event_places(*, event: Event) -> dict[str, int | None]:
    counts = dict(
        event.registrations.exclude(status=RegistrationStatus.CANCELLED)
        .values_list("status")
        .annotate(n=Count("id"))
    )
    confirmed = counts.get(RegistrationStatus.CONFIRMED, 0)
    free = None if event.capacity is None else max(0, event.capacity - confirmed)
    return {
        "confirmed": confirmed,
        "waiting": counts.get(RegistrationStatus.WAITING, 0),
        "free": free,
    }


def registration_of(*, event: Event, user: User | AnonymousUser) -> EventRegistration | None:
    if not user.is_authenticated:
        return None
    return EventRegistration.objects.filter(event=event, user=user).first()


def waiting_position(*, registration: EventRegistration) -> int | None:
    """1 for the first person on the waiting list."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = EventRegistration.objects.filter(
        event_id=registration.event_id, status=RegistrationStatus.WAITING
    ).filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, id__lt=registration.id)
    )
    return ahead.count() + 1


def event_registrations(*, event: Event) -> QuerySet[EventRegistration]:
    """Everyone registered, confirmed first then the queue in order, for the organisers."""
    return (
        event.registrations.exclude(status=RegistrationStatus.CANCELLED)
        .select_related("user")
        .order_by("status", "created_at", "id")  # confirmed before waiting
    )


__all__ = [
    "challenge_event",
    "challenge_figures",
    "challenge_has_ended",
    "challenge_has_ideas",
    "challenge_list",
    "challenge_outcome",
    "challenges_by_phase_for_page",
    "event_places",
    "event_registrations",
    "phase_filter",
    "registration_of",
    "sponsor_choices",
    "visibility_filter",
    "visible_challenges",
    "visible_tags",
    "waiting_position",
]


# -- across organisations ------------------------------------------------------------------


def platform_challenges(
    *,
    user: User | AnonymousUser,
    organisation: str = "",
    country: str = "",
    phase: str = "",
    sector: str = "",
) -> QuerySet[Challenge]:
    """Challenges of every organisation that `user` may see, for the platform-wide list.

    Filters: an organisation's slug, its country, the current phase and one of its COFOG
    sectors (challenges have no sector of their own; their organisation's describe them).
    Idea boxes are left out: every organisation has one, and it is never a challenge to find.
    """
    challenges = visible_challenges(user=user, phase=phase).filter(is_idea_box=False)
    if organisation:
        challenges = challenges.filter(organisation__slug=organisation)
    if country:
        challenges = challenges.filter(organisation__country=country)
    if sector:
        challenges = challenges.filter(
            Exists(
                Organisation.sectors.through.objects.filter(
                    organisation_id=OuterRef("organisation_id"), sector_id=sector
                )
            )
        )
    return challenges


def platform_challenge_organisations(*, user: User | AnonymousUser) -> QuerySet[Organisation]:
    """The organisations with a challenge `user` may see (the filter's choices), by name."""
    seen = Challenge.objects.filter(visibility_filter(user), is_idea_box=False).values(
        "organisation_id"
    )
    return Organisation.objects.filter(pk__in=seen).order_by("name")
