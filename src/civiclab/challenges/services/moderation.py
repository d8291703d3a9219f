"""Flags and moderation: report an idea or a comment, hide, restore, dismiss.

An item is an Idea or a Comment. Every moderation action is audited with the organisation's
id; an automatic hide (enough open flags) is audited with no actor. Hidden items stay visible
to their authors and the moderators, with the reason.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civiclab.challenges.audit import MODERATION_ACTIONS
from civiclab.challenges.models import Comment, Flag, FlagReason, Idea
from civiclab.challenges.rules.participation import author_ids
from civiclab.core import clock
from civiclab.core.notifications import notify
from civiclab.core.services import audit_record
from civiclab.organisations.models import Membership, Role

from .participation import recount_comments

HIDE_REASON_MAX_LENGTH = 300
KIND_LABELS = {"idea": gettext_lazy("idea"), "comment": gettext_lazy("comment")}


def idea_of_item(item: Idea | Comment) -> Idea:
    return item if isinstance(item, Idea) else item.idea


def item_kind(item: Idea | Comment) -> str:
    return "idea" if isinstance(item, Idea) else "comment"


def _flag_filter(item: Idea | Comment) -> dict:
    return {"idea": item} if isinstance(item, Idea) else {"comment": item}


def _item_authors(item: Idea | Comment) -> set[int]:
    return set(author_ids(item)) if isinstance(item, Idea) else {item.author_id}


def _item_url(item: Idea | Comment) -> str:
    idea = idea_of_item(item)
    url = idea.get_absolute_url()
    return url if isinstance(item, Idea) else f"{url}#comment-{item.pk}"


def _users(ids) -> list:
    return list(get_user_model().objects.filter(pk__in=set(ids)))


def moderators_of(organisation) -> list:
    """The organisation's moderators and administrators: who looks after its queue."""
    ids = Membership.objects.filter(
        organisation=organisation, role__in=[Role.MODERATOR, Role.ADMIN]
    ).values_list("user_id", flat=True)
    return _users(ids)


def _clean_reason(reason: str, *, required: bool = True) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError({"reason": [_("Give a reason; it is shown with the decision.")]})
    if len(reason) > HIDE_REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": [
                    _("Keep the reason under %(max)s characters.") % {"max": HIDE_REASON_MAX_LENGTH}
                ]
            }
        )
    return reason


def _set_hidden(item: Idea | Comment, *, hidden: bool, reason: str) -> bool:
    """Hide or show `item`; returns whether anything changed. Keeps the comment count exact."""
    if item.is_hidden == hidden and (not hidden or item.hidden_reason == reason):
        return False
    changed_visibility = item.is_hidden != hidden
    item.is_hidden = hidden
    item.hidden_reason = reason if hidden else ""
    item.save(update_fields=["is_hidden", "hidden_reason"])
    if changed_visibility and isinstance(item, Comment):
        recount_comments(item.idea_id)
    return changed_visibility


def _resolve_open_flags(item, *, actor, resolution: str, reason: str) -> int:
    return Flag.objects.filter(resolution=Flag.Resolution.OPEN, **_flag_filter(item)).update(
        resolution=resolution,
        resolved_by=actor if getattr(actor, "is_authenticated", False) else None,
        resolved_at=clock.now(),
        resolution_reason=reason,
    )


# Flags -------------------------------------------------------------------------------------


def flag_add(*, actor, item: Idea | Comment, reason: str, note: str = "") -> Flag:
    """Report an item to the moderators; at the challenge's threshold it is hidden for review."""
    kind = item_kind(item)
    _require_flag(actor, item, kind)
    if reason not in FlagReason.values:
        raise ValidationError({"reason": [_("Choose why you are reporting this.")]})
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": [_("Keep the detail under 500 characters.")]})
    with transaction.atomic():
        try:
            with transaction.atomic():
                flag = Flag.objects.create(
                    reporter=actor, reason=reason, note=note, **_flag_filter(item)
                )
        except IntegrityError:
            raise ValidationError(
                _("You have already reported this %(kind)s; a moderator will look at it.")
                % {"kind": KIND_LABELS[kind]}
            ) from None
        _hide_when_threshold_reached(item)
    return flag


def _require_flag(actor, item, kind: str) -> None:
    perm = f"challenges.flag_{kind}"
    if not actor.has_perm(perm, item):
        raise PermissionDenied(_("You cannot report this %(kind)s.") % {"kind": KIND_LABELS[kind]})


def _hide_when_threshold_reached(item: Idea | Comment) -> None:
    idea = idea_of_item(item)
    threshold = idea.challenge.flags_to_hide
    if item.is_hidden or not threshold:
        return
    open_flags = Flag.objects.filter(resolution=Flag.Resolution.OPEN, **_flag_filter(item)).count()
    if open_flags < threshold:
        return
    reason = _("Reported by several people; waiting for a moderator's review.")
    _set_hidden(item, hidden=True, reason=reason)
    audit_record(
        actor=None,
        action=MODERATION_ACTIONS[item_kind(item), "auto_hidden"],
        subject=item,
        organisation_id=idea.organisation_id,
        details={"open_flags": open_flags, "threshold": threshold, "idea_id": idea.pk},
    )
    notify(
        recipients=moderators_of(idea.organisation),
        verb="challenges.moderation_needed",
        title=_("A contribution was hidden after %(count)s reports") % {"count": open_flags},
        body=_("It waits for your review in the moderation queue."),
        url=_queue_url(idea),
    )


def _queue_url(idea: Idea) -> str:
    from django.urls import reverse

    return reverse("challenges:moderation_queue", kwargs={"org_slug": idea.organisation.slug})


# Moderation --------------------------------------------------------------------------------


def _require_moderation(actor, item) -> None:
    perm = f"challenges.moderate_{item_kind(item)}"
    if not actor.has_perm(perm, item):
        raise PermissionDenied(_("Only the organisation's moderators can do this."))


def _audit(actor, item, verb: str, reason: str, **details) -> None:
    idea = idea_of_item(item)
    audit_record(
        actor=actor,
        action=MODERATION_ACTIONS[item_kind(item), verb],
        subject=item,
        organisation_id=idea.organisation_id,
        details={"reason": reason, "idea_id": idea.pk, **details},
    )


def _notify_authors(item, *, title: str, body: str) -> None:
    notify(
        recipients=_users(_item_authors(item)),
        verb="challenges.moderation_decision",
        title=title,
        body=body,
        url=_item_url(item),
    )


def moderation_hide(*, actor, item: Idea | Comment, reason: str) -> None:
    """Hide an item; the reason is shown publicly in its place."""
    _require_moderation(actor, item)
    reason = _clean_reason(reason)
    with transaction.atomic():
        _set_hidden(item, hidden=True, reason=reason)
        flags = _resolve_open_flags(
            item, actor=actor, resolution=Flag.Resolution.HIDDEN, reason=reason
        )
        _audit(actor, item, "hidden", reason, resolved_flags=flags)
        _notify_authors(
            item,
            title=_("Your %(kind)s was hidden by the moderators")
            % {"kind": KIND_LABELS[item_kind(item)]},
            body=_("Reason: %(reason)s") % {"reason": reason},
        )


def moderation_restore(*, actor, item: Idea | Comment, reason: str) -> None:
    """Show a hidden item again; open flags on it are closed as "kept visible"."""
    _require_moderation(actor, item)
    reason = _clean_reason(reason)
    with transaction.atomic():
        _set_hidden(item, hidden=False, reason="")
        flags = _resolve_open_flags(
            item, actor=actor, resolution=Flag.Resolution.KEPT, reason=reason
        )
        _audit(actor, item, "restored", reason, resolved_flags=flags)
        _notify_authors(
            item,
            title=_("Your %(kind)s is visible again") % {"kind": KIND_LABELS[item_kind(item)]},
            body=_("Reason: %(reason)s") % {"reason": reason},
        )


def moderation_dismiss(*, actor, item: Idea | Comment, reason: str = "") -> int:
    """Close the open flags and keep the item visible (showing it again if it was hidden)."""
    _require_moderation(actor, item)
    reason = _clean_reason(reason, required=False)
    with transaction.atomic():
        was_hidden = item.is_hidden
        _set_hidden(item, hidden=False, reason="")
        flags = _resolve_open_flags(
            item, actor=actor, resolution=Flag.Resolution.KEPT, reason=reason
        )
        _audit(actor, item, "flags_dismissed", reason, resolved_flags=flags, was_hidden=was_hidden)
        if was_hidden:
            _notify_authors(
                item,
                title=_("Your %(kind)s is visible again") % {"kind": KIND_LABELS[item_kind(item)]},
                body=reason,
            )
    return flags
