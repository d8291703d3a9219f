"""Writes about challenges: create, edit, phases, invitations, tags, publish, the idea box.

Every function checks its permission, runs in one transaction and records what it changed in
the audit trail inside that transaction.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.text import slugify
from django.utils.translation import gettext as _

from civiclab.accounts.models import User
from civiclab.challenges.audit import AuditAction
from civiclab.core import clock
from civiclab.core.errors import CONFLICT
from civiclab.core.limits import check_lengths
from civiclab.core.services import audit_record
from civiclab.organisations.models import Membership, Organisation, Role

from ..models import Audience, Challenge, InnovationType, InvitedAddress, Phase, PhaseKind
from ._internal import tags_get_or_create

# Addresses under /organisations/<org>/challenges/ that are not challenges.
RESERVED_SLUGS = frozenset({"new"})
IDEA_BOX_SLUG = "idea-box"
PHASE_ORDER = (PhaseKind.SUBMISSION, PhaseKind.REVIEW, PhaseKind.SELECTION, PhaseKind.CLOSED)

# Fields `challenge_update` may change, besides tags.
EDITABLE_FIELDS = (
    "title",
    "summary",
    "problem_statement",
    "goals",
    "needs",
    "sponsor",
    "audience",
    "innovation_types",
)


@dataclass(frozen=True)
class PhaseDates:
    kind: str
    starts_at: datetime
    ends_at: datetime | None = None


def _require(actor: User | AnonymousUser | None, perm: str, obj: Model | None) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


# --- validation -----------------------------------------------------------------------------


def validate_phases(phases: Sequence[PhaseDates]) -> list[PhaseDates]:
    """The phases in order, or a ValidationError naming what is wrong.

    Each kind at most once; every end after its start; phases follow the order submission,
    review, selection, closed and do not overlap; only the last one may be open-ended.
    Errors are keyed `<kind>_starts` / `<kind>_ends`, the names of the phases form's fields.
    """
    kinds = [phase.kind for phase in phases]
    unknown = [kind for kind in kinds if kind not in PhaseKind.values]
    if unknown:
        raise ValidationError(
            _("Unknown phase: %(kinds)s.") % {"kinds": ", ".join(unknown)}, code="phase_kind"
        )
    if len(set(kinds)) != len(kinds):
        raise ValidationError(_("Each phase can appear only once."), code="phase_repeated")
    ordered = sorted(phases, key=lambda phase: PHASE_ORDER.index(PhaseKind(phase.kind)))
    errors: dict[str, list[str]] = {}
    for phase in ordered:
        for field, moment in (("starts", phase.starts_at), ("ends", phase.ends_at)):
            message = moment and clock.implausible_date_message(moment)
            if message:
                errors.setdefault(f"{phase.kind}_{field}", []).append(message)
        if phase.ends_at is not None and phase.ends_at <= phase.starts_at:
            errors.setdefault(f"{phase.kind}_ends", []).append(
                _("The %(phase)s phase must end after it starts.")
                % {"phase": PhaseKind(phase.kind).label.lower()}
            )
    for earlier, later in pairwise(ordered):
        label = PhaseKind(later.kind).label.lower()
        if earlier.ends_at is None:
            errors.setdefault(f"{earlier.kind}_ends", []).append(
                _("Give the %(phase)s phase an end date: the %(next)s phase follows it.")
                % {"phase": PhaseKind(earlier.kind).label.lower(), "next": label}
            )
        elif later.starts_at < earlier.ends_at:
            errors.setdefault(f"{later.kind}_starts", []).append(
                _("The %(phase)s phase must start after the %(previous)s phase ends.")
                % {"phase": label, "previous": PhaseKind(earlier.kind).label.lower()}
            )
    if errors:
        raise ValidationError(errors)
    return ordered


def _clean_innovation_types(types: Iterable[str]) -> list[str]:
    types = list(dict.fromkeys(types))
    unknown = [kind for kind in types if kind not in InnovationType.values]
    if unknown:
        raise ValidationError(
            {"innovation_types": _("Unknown innovation type: %s.") % ", ".join(unknown)}
        )
    return types


def _check_sponsor(organisation: Organisation, sponsor: User | None) -> None:
    if sponsor is None:
        return
    is_decision_maker = Membership.objects.filter(
        organisation=organisation, user=sponsor, role=Role.DECISION_MAKER
    ).exists()
    if not is_decision_maker:
        raise ValidationError(
            {"sponsor": _("The sponsor must be a decision maker of %s.") % organisation.name}
        )


def _check_fields(organisation: Organisation, fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    for name in ("title", "summary", "problem_statement"):
        if name in fields and not str(fields[name] or "").strip():
            errors[name] = _("This field is required.")
    if "audience" in fields and fields["audience"] not in Audience.values:
        errors["audience"] = _("Choose who can take part.")
    if errors:
        raise ValidationError(errors)
    check_lengths(Challenge, fields)
    if "innovation_types" in fields:
        fields["innovation_types"] = _clean_innovation_types(fields["innovation_types"] or [])
    if "sponsor" in fields:
        _check_sponsor(organisation, fields["sponsor"])
    return fields


def _unique_slug(organisation: Organisation, wanted: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(wanted)[:70].strip("-") or "challenge"
    if base in RESERVED_SLUGS:
        base = f"{base}-challenge"
    others = Challenge.objects.filter(organisation=organisation, slug__startswith=base)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    taken = set(others.values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


# --- tags -----------------------------------------------------------------------------------


def parse_tag_names(text: str) -> list[str]:
    """`"Mobility, safety ,  mobility"` -> `["Mobility", "safety"]` (first spelling wins)."""
    names: dict[str, str] = {}
    for raw in (text or "").split(","):
        name = " ".join(raw.split())[:60]
        if name and slugify(name):
            names.setdefault(slugify(name), name)
    return list(names.values())


# --- create and edit ------------------------------------------------------------------------


def challenge_create(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    summary: str,
    problem_statement: str,
    goals: str = "",
    needs: str = "",
    sponsor: User | None = None,
    audience: str = Audience.PUBLIC,
    innovation_types: Iterable[str] = (),
    tag_names: Iterable[str] = (),
    slug: str = "",
    phases: Sequence[PhaseDates] | None = None,
) -> Challenge:
    """A new challenge in draft, with its phases when given: all of it written, or nothing.

    It becomes visible beyond its managers once published.
    """
    _require(actor, "challenges.add_challenge", organisation)
    fields = _check_fields(
        organisation,
        {
            "title": title,
            "summary": summary,
            "problem_statement": problem_statement,
            "goals": goals,
            "needs": needs,
            "sponsor": sponsor,
            "audience": audience,
            "innovation_types": innovation_types,
        },
    )
    ordered = validate_phases(phases) if phases is not None else None
    with transaction.atomic():
        challenge = Challenge.objects.create(
            organisation=organisation,
            slug=_unique_slug(organisation, slug or title),
            state=Challenge.State.DRAFT,
            created_by=actor,
            **fields,
        )
        tags = tags_get_or_create(organisation=organisation, names=tag_names)
        challenge.tags.set(tags)
        audit_record(
            actor=actor,
            action=AuditAction.CHALLENGE_CREATED,
            subject=challenge,
            organisation_id=organisation.pk,
            details={"slug": challenge.slug, "audience": challenge.audience},
        )
        if ordered is not None:
            _write_phases(actor=actor, challenge=challenge, ordered=ordered)
    return challenge


def challenge_update(
    *,
    actor: User,
    challenge: Challenge,
    tag_names: Iterable[str] | None = None,
    phases: Sequence[PhaseDates] | None = None,
    **changes: Any,
) -> Challenge:
    """Change the challenge's description, sponsor, audience, types and (if given) tags and
    phases: all of it written, or nothing."""
    _require(actor, "challenges.change_challenge", challenge)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"challenge_update() cannot change {sorted(unknown)}")
    changes = _check_fields(challenge.organisation, dict(changes))
    ordered = _check_phases(challenge, phases) if phases is not None else None
    with transaction.atomic():
        changed = [name for name, value in changes.items() if getattr(challenge, name) != value]
        for name in changed:
            setattr(challenge, name, changes[name])
        if changed:
            challenge.save(update_fields=[*changed, "updated_at"])
        if tag_names is not None:
            tags = tags_get_or_create(organisation=challenge.organisation, names=tag_names)
            before = set(challenge.tags.values_list("pk", flat=True))
            if before != {tag.pk for tag in tags}:
                challenge.tags.set(tags)
                changed.append("tags")
        if changed:
            audit_record(
                actor=actor,
                action=AuditAction.CHALLENGE_CHANGED,
                subject=challenge,
                organisation_id=challenge.organisation_id,
                details={"fields": sorted(changed)},
            )
        if ordered is not None:
            _write_phases(actor=actor, challenge=challenge, ordered=ordered)
    return challenge


def challenge_set_phases(
    *, actor: User, challenge: Challenge, phases: Sequence[PhaseDates]
) -> list[Phase]:
    """Replace the challenge's phases with these dates (validated: in order, no overlap)."""
    _require(actor, "challenges.change_challenge", challenge)
    ordered = _check_phases(challenge, phases)
    with transaction.atomic():
        return _write_phases(actor=actor, challenge=challenge, ordered=ordered)


def _check_phases(challenge: Challenge, phases: Sequence[PhaseDates]) -> list[PhaseDates]:
    """The phases in order for `challenge` as it is now, or a ValidationError."""
    if challenge.is_idea_box:
        raise ValidationError(_("The idea box is always open; its phases cannot be changed."))
    ordered = validate_phases(phases)
    if challenge.is_published and not any(p.kind == PhaseKind.SUBMISSION for p in ordered):
        raise ValidationError(
            {"submission_starts": _("A published challenge needs a submission phase.")}
        )
    return ordered


def _write_phases(*, actor: User, challenge: Challenge, ordered: list[PhaseDates]) -> list[Phase]:
    """Replace the phases with checked dates and audit it, in the caller's transaction."""
    challenge.phases.all().delete()
    created = Phase.objects.bulk_create(
        Phase(challenge=challenge, kind=p.kind, starts_at=p.starts_at, ends_at=p.ends_at)
        for p in ordered
    )
    audit_record(
        actor=actor,
        action=AuditAction.PHASES_SET,
        subject=challenge,
        organisation_id=challenge.organisation_id,
        details={
            p.kind: [p.starts_at.isoformat(), p.ends_at.isoformat() if p.ends_at else None]
            for p in ordered
        },
    )
    _forget_phases(challenge)
    return created


def _forget_phases(challenge: Challenge) -> None:
    cache = getattr(challenge, "_prefetched_objects_cache", None)
    if cache:
        cache.pop("phases", None)


def challenge_set_invited(*, actor: User, challenge: Challenge, emails: Iterable[str]) -> list[str]:
    """Invite exactly these e-mail addresses; returns them, sorted.

    Addresses are invited whether or not they have an account, and the answer does not say
    which do: the list is not a way to find out who is registered. A person is admitted once
    they are signed in with a confirmed account for an invited address (`is_invited`).
    """
    _require(actor, "challenges.change_challenge", challenge)
    wanted = sorted({email.strip().lower() for email in emails if email.strip()})
    with transaction.atomic():
        before = set(challenge.invited_addresses.values_list("email", flat=True))
        after = set(wanted)
        challenge.invited_addresses.filter(email__in=before - after).delete()
        InvitedAddress.objects.bulk_create(
            [InvitedAddress(challenge=challenge, email=email) for email in sorted(after - before)]
        )
        if before != after:
            audit_record(
                actor=actor,
                action=AuditAction.INVITED_CHANGED,
                subject=challenge,
                organisation_id=challenge.organisation_id,
                details={"added": len(after - before), "removed": len(before - after)},
            )
    return wanted


# --- publish --------------------------------------------------------------------------------


def challenge_publish(*, actor: User, challenge: Challenge) -> Challenge:
    """Make the challenge visible to its audience; it needs a submission phase first."""
    _require(actor, "challenges.publish_challenge", challenge)
    if challenge.is_published:
        raise ValidationError(_("This challenge is already published."), code=CONFLICT)
    if not challenge.phases.filter(kind=PhaseKind.SUBMISSION).exists():
        raise ValidationError(
            _("Set the dates of the submission phase before publishing."), code="no_phases"
        )
    with transaction.atomic():
        challenge.state = Challenge.State.PUBLISHED
        challenge.published_at = clock.now()
        challenge.save(update_fields=["state", "published_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CHALLENGE_PUBLISHED,
            subject=challenge,
            organisation_id=challenge.organisation_id,
        )
    return challenge


def challenge_unpublish(*, actor: User, challenge: Challenge) -> Challenge:
    """Back to draft, only while nobody has submitted an idea (ideas must stay reachable)."""
    _require(actor, "challenges.publish_challenge", challenge)
    if not challenge.is_published:
        raise ValidationError(_("This challenge is not published."), code=CONFLICT)
    if challenge.is_idea_box:
        raise ValidationError(_("The idea box stays published."), code=CONFLICT)
    with transaction.atomic():
        locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
        if locked.ideas.exists():
            raise ValidationError(
                _("Ideas have been submitted to this challenge, so it stays published."),
                code=CONFLICT,
            )
        challenge.state = Challenge.State.DRAFT
        challenge.published_at = None
        challenge.save(update_fields=["state", "published_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CHALLENGE_UNPUBLISHED,
            subject=challenge,
            organisation_id=challenge.organisation_id,
        )
    return challenge


# --- idea box -------------------------------------------------------------------------------


def challenge_get_or_create_idea_box(
    *, organisation: Organisation, audit: bool = True
) -> Challenge:
    """The organisation's always-open idea box, created (published, public) on first need.

    A system action: no permission check, audited without an actor (`audit=False` when it is
    made together with the organisation, whose own creation is already in the audit trail).
    Two simultaneous first requests are settled by the one-idea-box-per-organisation
    constraint.
    """
    existing = Challenge.objects.filter(organisation=organisation, is_idea_box=True).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            now = clock.now()
            box = Challenge.objects.create(
                organisation=organisation,
                is_idea_box=True,
                slug=_unique_slug(organisation, IDEA_BOX_SLUG),
                title=_("Idea box"),
                summary=_("Share an idea on anything %(name)s could do better.")
                % {"name": organisation.name},
                problem_statement=_(
                    "Not every good idea fits a challenge. Tell us what could work better, "
                    "for residents or for staff, and why."
                ),
                audience=Audience.PUBLIC,
                state=Challenge.State.PUBLISHED,
                published_at=now,
            )
            Phase.objects.create(challenge=box, kind=PhaseKind.SUBMISSION, starts_at=now)
            if audit:
                audit_record(
                    actor=None,
                    action=AuditAction.IDEA_BOX_CREATED,
                    subject=box,
                    organisation_id=organisation.pk,
                )
    except IntegrityError:
        return Challenge.objects.get(organisation=organisation, is_idea_box=True)
    return box


def idea_box_open_with_organisation(organisation: Organisation) -> Challenge:
    """A setup step of new organisations (`organisations.setup_steps`): every organisation
    starts with its idea box, in the transaction that creates it."""
    return challenge_get_or_create_idea_box(organisation=organisation, audit=False)
