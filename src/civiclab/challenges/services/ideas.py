"""Writes of ideas: submit, edit (with its history), attachments and co-authors.

Each function is one transaction with a permission check and an audit event; e-mails leave on
commit (through `core.notifications`). Every submission and edit stores an IdeaRevision with
the idea's fields as they were after it, so the history page can show what changed.
"""

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from civiclab.accounts.confirmation import UNCONFIRMED_MESSAGE
from civiclab.accounts.models import User
from civiclab.challenges.audit import AuditAction
from civiclab.challenges.models import (
    Challenge,
    CoAuthor,
    CoAuthorStatus,
    Idea,
    IdeaRevision,
    InnovationType,
    Tag,
)
from civiclab.challenges.predicates import forget_author_ids, has_confirmed_email
from civiclab.core import clock, idempotency
from civiclab.core.limits import check_lengths
from civiclab.core.markup import render_markdown
from civiclab.core.notifications import notify
from civiclab.core.ratelimit import count_action, minutes_to_wait
from civiclab.core.services import audit_record
from civiclab.discussion import blind
from civiclab.discussion.services.follows import follow_ensure

from ._internal import (
    attachments_add,
    attachments_remove,
    delete_stored_files,
    support_withdraw,
)

# Co-author invitations per author per window (count, seconds): enough for any real team,
# too few to test many addresses for an account.
DEFAULT_COAUTHOR_INVITE_RATE = (20, 3600)

# The fields a person writes; the revision snapshot keeps these (tags by name).
TEXT_FIELDS = (
    "title",
    "summary",
    "description",
    "expected_benefits",
    "beneficiaries",
    "location_name",
)
EDITABLE_FIELDS = (*TEXT_FIELDS, "innovation_types", "tags", "latitude", "longitude")


# Checking what was given ------------------------------------------------------------------------


def _clean_types(values: Iterable[object] | None) -> list[str]:
    types = list(dict.fromkeys(str(v) for v in (values or [])))
    unknown = [v for v in types if v not in InnovationType.values]
    if unknown:
        raise ValidationError({"innovation_types": [_("Choose innovation types from the list.")]})
    return types


def _clean_tags(organisation_id: int, tags: Iterable[Tag | int | str] | None) -> list[Tag]:
    ids = [t.pk if isinstance(t, Tag) else t for t in (tags or [])]
    try:
        ids = [int(i) for i in ids]
    except (TypeError, ValueError):
        raise ValidationError({"tags": [_("Choose tags from the list.")]}) from None
    found = list(Tag.objects.filter(organisation_id=organisation_id, pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"tags": [_("Choose tags from the list.")]})
    return found


def _coordinate(value: object, field: str, limit: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("Enter a number.")]}) from None
    if not -limit <= number <= limit:
        raise ValidationError(
            {field: [_("Enter a number between -%(limit)s and %(limit)s.") % {"limit": limit}]}
        )
    return number


def _clean_place(data: dict[str, Any]) -> None:
    data["latitude"] = _coordinate(data.get("latitude"), "latitude", 90)
    data["longitude"] = _coordinate(data.get("longitude"), "longitude", 180)
    if (data["latitude"] is None) != (data["longitude"] is None):
        missing = "longitude" if data["longitude"] is None else "latitude"
        raise ValidationError(
            {missing: [_("Give both latitude and longitude, or neither.")]}, code="pair"
        )


def _rendered_description(fields: dict[str, Any]) -> str | None:
    """Check the text's lengths, then render the description if it is given.

    Called before the transaction opens: a refused length costs no rendering, and rendering
    (linear in the text, but still the slowest step of a write) never holds a write lock, which
    on SQLite would make every other write wait.
    """
    check_lengths(Idea, fields, only=TEXT_FIELDS)
    if "description" not in fields:
        return None
    return render_markdown(str(fields["description"] or "").strip())


def _apply(idea: Idea, data: dict[str, Any], description_html: str | None) -> list[Tag] | None:
    """Copy the given fields onto `idea` (text stripped) with the description's HTML rendered
    from them beforehand; return the tags when given."""
    for field in TEXT_FIELDS:
        if field in data:
            setattr(idea, field, (data[field] or "").strip())
    if "innovation_types" in data:
        idea.innovation_types = _clean_types(data["innovation_types"])
    if "latitude" in data or "longitude" in data:
        place = {
            "latitude": data.get("latitude", idea.latitude),
            "longitude": data.get("longitude", idea.longitude),
        }
        _clean_place(place)
        idea.latitude, idea.longitude = place["latitude"], place["longitude"]
    if description_html is not None:
        idea.description_html = description_html
    tags = _clean_tags(idea.organisation_id, data["tags"]) if "tags" in data else None
    idea.full_clean(exclude=["challenge", "organisation", "author", "tags", "merged_into"])
    return tags


def snapshot(idea: Idea, tags: list[Tag] | None = None) -> dict[str, Any]:
    """The idea's written fields as plain data, for the edit history."""
    tags = tags if tags is not None else list(idea.tags.all())
    return {
        **{field: getattr(idea, field) for field in TEXT_FIELDS},
        "innovation_types": list(idea.innovation_types or []),
        "tags": sorted(tag.name for tag in tags),
        "latitude": str(idea.latitude) if idea.latitude is not None else "",
        "longitude": str(idea.longitude) if idea.longitude is not None else "",
    }


def _revision(idea: Idea, editor: User, tags: list[Tag] | None) -> IdeaRevision:
    return IdeaRevision.objects.create(
        idea=idea,
        editor=editor if getattr(editor, "is_authenticated", False) else None,
        content=snapshot(idea, tags),
    )


# Submitting and editing -------------------------------------------------------------------------


def idea_create(
    *,
    actor: User,
    challenge: Challenge,
    attachments: Iterable[UploadedFile] = (),
    idempotency_key: str = "",
    **fields: Any,
) -> Idea:
    """Submit an idea to `challenge`.

    `fields`: title, summary, description (Markdown), expected_benefits, beneficiaries,
    innovation_types, tags (Tag objects or ids of the organisation's tags), location_name,
    latitude, longitude. `attachments`: uploaded files (see services/attachments.py).
    `idempotency_key`: the form's one-time token (or an API `Idempotency-Key`); sent again, it
    returns the idea the first submission created instead of creating a second.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown idea fields: {sorted(unknown)}")
    if not actor.has_perm("challenges.add_idea", challenge):
        raise PermissionDenied(_("This challenge does not take ideas from you now."))
    description_html = _rendered_description({"description": "", **fields})
    idempotency_key = idempotency.clean_key(idempotency_key)
    with transaction.atomic():
        earlier = idempotency.claim(user=actor, key=idempotency_key, scope=f"idea:{challenge.pk}")
        if isinstance(earlier, Idea):
            return earlier
        idea = Idea(challenge=challenge, organisation_id=challenge.organisation_id, author=actor)
        tags = _apply(idea, {"tags": [], **fields}, description_html)
        idea.save()
        idea.tags.set(tags or [])
        attachments_add(actor=actor, idea=idea, files=attachments)
        _revision(idea, actor, tags)
        # The author follows the idea from the moment it exists: they hear of its comments.
        follow_ensure(user=actor, target=idea)
        idempotency.record(user=actor, key=idempotency_key, obj=idea)
        audit_record(
            actor=actor,
            action=AuditAction.IDEA_CREATED,
            subject=idea,
            organisation_id=idea.organisation_id,
            details={"challenge": challenge.pk},
        )
    return idea


def idea_update(
    *,
    actor: User,
    idea: Idea,
    attachments: Iterable[UploadedFile] = (),
    remove_attachments: Iterable[int] = (),
    **fields: Any,
) -> Idea:
    """Edit `idea` (author or accepted co-author, while it is open for edits); keeps a revision."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown idea fields: {sorted(unknown)}")
    description_html = _rendered_description(fields)
    with transaction.atomic():
        idea = (
            Idea.objects.select_for_update()
            .select_related("challenge__organisation", "organisation")
            .get(pk=idea.pk)
        )
        if not actor.has_perm("challenges.change_idea", idea):
            raise PermissionDenied(_("You cannot edit this idea now."))
        before = snapshot(idea)
        tags = _apply(idea, fields, description_html)
        idea.save()
        if tags is not None:
            idea.tags.set(tags)
        removed = attachments_remove(idea=idea, attachment_ids=remove_attachments)
        added = attachments_add(actor=actor, idea=idea, files=attachments)
        after = snapshot(idea, tags)
        changed = sorted(field for field in after if after[field] != before[field])
        _revision(idea, actor, tags)
        audit_record(
            actor=actor,
            action=AuditAction.IDEA_CHANGED,
            subject=idea,
            organisation_id=idea.organisation_id,
            details={
                "fields": changed,
                "attachments_added": len(added),
                "attachments_removed": len(removed),
            },
        )
        if removed:
            transaction.on_commit(lambda: delete_stored_files(removed))
    return idea


# Co-authors -------------------------------------------------------------------------------------


def _invitee(email: str) -> User | None:
    """The active person who has confirmed this address, or None; the caller must not say
    which. An account that only typed the address in at sign-up is not matched."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    if user is None or not user.is_active or getattr(user, "is_anonymised", False):
        return None
    if not has_confirmed_email(user):
        return None
    return user


def _coauthor_invite_rate() -> tuple[int, int]:
    return tuple(getattr(settings, "CHALLENGES_COAUTHOR_INVITE_RATE", DEFAULT_COAUTHOR_INVITE_RATE))


def _check_coauthor_invite_rate(actor: User) -> None:
    """Count one attempt by `actor`; raise RateLimited past the limit.

    The answer does not tell whether an address has an account, but without a limit a script
    could still try addresses and watch the co-authors list.
    """
    limit, seconds = _coauthor_invite_rate()

    def refusal(wait: int) -> str:
        minutes = minutes_to_wait(wait)
        return ngettext(
            "You have sent too many co-author invitations in a short time. "
            "Please wait %(minutes)s minute and try again.",
            "You have sent too many co-author invitations in a short time. "
            "Please wait %(minutes)s minutes and try again.",
            minutes,
        ) % {"minutes": minutes}

    count_action(
        key=f"challenges:coauthor-invite:{actor.pk}", limit=limit, seconds=seconds, message=refusal
    )


def coauthor_invite(*, actor: User, idea: Idea, email: str) -> CoAuthor | None:
    """The author invites an existing person to write the idea with them.

    Whether an address belongs to someone who may take part is not told to the author: for an
    unknown address, or someone outside the challenge's audience, nothing is created and None is
    returned, and the caller gives the same answer as for a real invitation. Attempts are
    rate-limited per author (RateLimited).
    """
    if not actor.has_perm("challenges.manage_coauthors", idea):
        raise PermissionDenied(_("Only the author of the idea invites co-authors."))
    _check_coauthor_invite_rate(actor)
    invitee = _invitee(email)
    if invitee is not None and invitee.pk == idea.author_id:
        raise ValidationError({"email": [_("You are already the author of this idea.")]})
    if invitee is None or not invitee.has_perm("challenges.view_challenge", idea.challenge):
        return None
    if idea.assignments.filter(evaluator=invitee).exists():
        # An evaluator assigned to the idea is never made a co-author of it (that would lift
        # blind review for them and take the idea out of their hands). Refused with the same
        # answer as an unknown address, so that the author does not learn who evaluates it.
        return None
    with transaction.atomic():
        coauthor, created = CoAuthor.objects.select_for_update().get_or_create(
            idea=idea,
            user=invitee,
            defaults={"status": CoAuthorStatus.INVITED, "invited_by": actor},
        )
        if not created:
            if coauthor.status != CoAuthorStatus.DECLINED:
                # Accepted co-authors are named on the idea and invited ones are listed to the
                # author on the co-authors page, so saying so reveals nothing new.
                raise ValidationError(
                    {"email": [_("This person is already a co-author or invited.")]},
                    code="duplicate",
                )
            coauthor.status, coauthor.invited_by = CoAuthorStatus.INVITED, actor
            coauthor.invited_at, coauthor.responded_at = clock.now(), None
            coauthor.save()
        audit_record(
            actor=actor,
            action=AuditAction.COAUTHOR_INVITED,
            subject=idea,
            organisation_id=idea.organisation_id,
            details={"user": invitee.pk},
        )
        # An evaluator under blind review is not told who invites them (the author could
        # otherwise name themselves to an evaluator this way).
        inviter = (
            actor.display_name
            if blind.shows_authors(viewer=invitee, target=idea)
            else blind.masked_label(idea)
        )
        notify(
            recipients=[invitee],
            verb="challenges.coauthor_invited",
            title=_("%(name)s invites you to co-author “%(title)s”")
            % {"name": inviter, "title": idea.title},
            body=_("Open the idea to accept or decline the invitation."),
            url=idea.get_absolute_url(),
            actor=actor,
        )
    return coauthor


def coauthor_respond(*, actor: User, idea: Idea, accept: bool) -> CoAuthor:
    """The invited person accepts or declines; accepted co-authors may edit the idea."""
    if accept and not has_confirmed_email(actor):
        raise PermissionDenied(UNCONFIRMED_MESSAGE)
    with transaction.atomic():
        coauthor = (
            CoAuthor.objects.select_for_update()
            .filter(idea=idea, user_id=actor.pk, status=CoAuthorStatus.INVITED)
            .first()
        )
        if coauthor is None:
            raise PermissionDenied(_("There is no open invitation for you on this idea."))
        if accept and idea.assignments.filter(evaluator_id=actor.pk).exists():
            raise PermissionDenied(
                _("You evaluate this idea, so you cannot become one of its co-authors.")
            )
        coauthor.status = CoAuthorStatus.ACCEPTED if accept else CoAuthorStatus.DECLINED
        coauthor.responded_at = clock.now()
        coauthor.save(update_fields=["status", "responded_at"])
        forget_author_ids(idea)
        if accept:
            # Authors may not support their own idea, so an earlier support stops counting.
            support_withdraw(idea=idea, user=actor)
        audit_record(
            actor=actor,
            action=AuditAction.COAUTHOR_ACCEPTED if accept else AuditAction.COAUTHOR_DECLINED,
            subject=idea,
            organisation_id=idea.organisation_id,
        )
        title = (
            _("%(name)s is now a co-author of “%(title)s”")
            if accept
            else _("%(name)s declined to co-author “%(title)s”")
        )
        notify(
            recipients=[idea.author],
            verb="challenges.coauthor_responded",
            title=title % {"name": actor.display_name, "title": idea.title},
            url=idea.get_absolute_url(),
            actor=actor,
        )
    return coauthor


def coauthor_remove(*, actor: User, coauthor: CoAuthor) -> None:
    """The author removes a co-author (or withdraws an invitation); a co-author may also leave."""
    idea = coauthor.idea
    leaving = coauthor.user_id == actor.pk
    if not leaving and not actor.has_perm("challenges.manage_coauthors", idea):
        raise PermissionDenied(_("Only the author of the idea removes co-authors."))
    with transaction.atomic():
        person = coauthor.user
        CoAuthor.objects.filter(pk=coauthor.pk).delete()
        forget_author_ids(idea)
        audit_record(
            actor=actor,
            action=AuditAction.COAUTHOR_REMOVED,
            subject=idea,
            organisation_id=idea.organisation_id,
            details={"user": person.pk, "left": leaving},
        )
        if not leaving:
            notify(
                recipients=[person],
                verb="challenges.coauthor_removed",
                title=_("You are no longer a co-author of “%(title)s”") % {"title": idea.title},
                url=idea.get_absolute_url(),
            )
