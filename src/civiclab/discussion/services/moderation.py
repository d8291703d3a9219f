"""Flags and moderation: report an object or a comment, hide, restore, dismiss.

An item is a registered discussable object or a Comment. Every moderation action is audited
with the organisation's id; an automatic hide (enough open flags) is audited with no actor.
Only reports from confirmed accounts at least `TRUSTED_ACCOUNT_AGE_DAYS` old count towards an
automatic hide, and at most one per network (`Flag.network`); every report still waits in the
queue. An automatically hidden item keeps an empty `hidden_reason`: its page says it is hidden
until a moderator reviews the reports, where a moderator's hide shows the moderator's reason.
Hidden items stay visible to their authors and the moderators, with the reason. What hiding an
object means is its registration's `moderation`; an object without one takes reports that
moderators can only read.
"""

from collections.abc import Iterable
from datetime import timedelta
from typing import cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civiclab.accounts.models import User
from civiclab.core import clock
from civiclab.core.errors import CONFLICT
from civiclab.core.notifications import notify
from civiclab.core.services import audit_record
from civiclab.discussion.audit import MODERATION_ACTIONS
from civiclab.discussion.models import Comment, Flag, FlagReason
from civiclab.discussion.registry import Discussable, Hideable, Moderation, discussable_of
from civiclab.discussion.selectors import (
    comment_target,
    moderation_queue_url,
    moderators_of,
    target_filter,
)

from .comments import comments_recount

HIDE_REASON_MAX_LENGTH = 300
NOTE_MAX_LENGTH = 500
COMMENT_LABEL = gettext_lazy("comment")


def target_of_item(item: Model) -> Model:
    """The discussable object an item belongs to: itself, or the comment's target."""
    return comment_target(item) if isinstance(item, Comment) else item


def item_kind(item: Model) -> str:
    return "comment" if isinstance(item, Comment) else discussable_of(item).kind


def item_label(item: Model) -> str | Promise:
    return COMMENT_LABEL if isinstance(item, Comment) else discussable_of(item).label


def _item_authors(item: Model) -> set[int]:
    if isinstance(item, Comment):
        return {item.author_id}
    return set(discussable_of(item).authors(item))


def _item_url(item: Model) -> str:
    target = target_of_item(item)
    url = discussable_of(target).url(target)
    return f"{url}#comment-{item.pk}" if isinstance(item, Comment) else url


def _moderation_of(item: Model) -> Moderation | None:
    if isinstance(item, Comment):
        return None
    return discussable_of(item).moderation


def _users(ids: Iterable[int]) -> list[User]:
    return list(get_user_model().objects.filter(pk__in=set(ids)))


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


def _hideable(item: Model) -> Hideable:
    """`item` as the moderators see it: a comment, or an object whose registration has a
    `moderation` (which promises its `is_hidden` and `hidden_reason`)."""
    return item if isinstance(item, Comment) else cast("Hideable", item)


def _set_hidden(item: Model, *, hidden: bool, reason: str) -> bool:
    """Hide or show `item`; returns whether its visibility changed. Keeps comment counts exact.

    Comments and moderated objects alike carry `is_hidden` and `hidden_reason`.
    """
    state = _hideable(item)
    if state.is_hidden == hidden and (not hidden or state.hidden_reason == reason):
        return False
    changed_visibility = state.is_hidden != hidden
    state.is_hidden = hidden
    state.hidden_reason = reason if hidden else ""
    item.save(update_fields=["is_hidden", "hidden_reason"])
    if changed_visibility and isinstance(item, Comment):
        comments_recount(target=comment_target(item))
    return changed_visibility


def _resolve_open_flags(item: Model, *, actor: User, resolution: str, reason: str) -> int:
    return Flag.objects.filter(resolution=Flag.Resolution.OPEN, **target_filter(item)).update(
        resolution=resolution,
        resolved_by=actor if getattr(actor, "is_authenticated", False) else None,
        resolved_at=clock.now(),
        resolution_reason=reason,
    )


# Flags -------------------------------------------------------------------------------------


def _require_flag(actor: User, item: Model) -> None:
    if isinstance(item, Comment):
        perm = "discussion.flag_comment"
    else:
        discussable = discussable_of(item)
        perm = discussable.flag_perm
        # A report asks the moderators to hide; what they cannot hide takes no reports.
        if discussable.moderation is None:
            raise PermissionDenied(
                _("You cannot report this %(kind)s.") % {"kind": item_label(item)}
            )
    if not actor.has_perm(perm, item):
        raise PermissionDenied(_("You cannot report this %(kind)s.") % {"kind": item_label(item)})


def flag_add(*, actor: User, item: Model, reason: str, note: str = "", network: str = "") -> Flag:
    """Report an item to the moderators; at the object's threshold it is hidden for review.

    `network` is the reporter's network digest (`core.ratelimit.client_network_key`); reports
    without one never count towards hiding.
    """
    _require_flag(actor, item)
    if reason not in FlagReason.values:
        raise ValidationError({"reason": [_("Choose why you are reporting this.")]})
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": [_("Keep the detail under 500 characters.")]})
    with transaction.atomic():
        try:
            with transaction.atomic():
                flag = Flag.objects.create(
                    reporter=actor,
                    reason=reason,
                    note=note,
                    network=network[:32],
                    **target_filter(item),
                )
        except IntegrityError:
            raise ValidationError(
                _("You have already reported this %(kind)s; a moderator will look at it.")
                % {"kind": item_label(item)},
                code=CONFLICT,
            ) from None
        _hide_when_threshold_reached(item)
    return flag


def _flags_to_hide(item: Model) -> int:
    """The open reports that hide an item: its object's threshold (comments share it)."""
    target = target_of_item(item)
    moderation = discussable_of(target).moderation
    return moderation.flags_to_hide(target) if moderation is not None else 0


def counted_reports(item: Model) -> int:
    """The open reports on `item` that count towards hiding it: from confirmed, active accounts
    at least `TRUSTED_ACCOUNT_AGE_DAYS` old, one per network (a throwaway account, or many
    accounts behind one address, cannot hide anything on its own)."""
    joined_before = clock.now() - timedelta(days=settings.TRUSTED_ACCOUNT_AGE_DAYS)
    return (
        Flag.objects.filter(
            resolution=Flag.Resolution.OPEN,
            reporter__is_active=True,
            reporter__email_confirmed_at__isnull=False,
            reporter__date_joined__lte=joined_before,
            **target_filter(item),
        )
        .exclude(network="")
        .values("network")
        .distinct()
        .count()
    )


def _hide_when_threshold_reached(item: Model) -> None:
    target = target_of_item(item)
    discussable = discussable_of(target)
    threshold = _flags_to_hide(item)
    if _hideable(item).is_hidden or not threshold:
        return
    counted = counted_reports(item)
    if counted < threshold:
        return
    open_flags = Flag.objects.filter(resolution=Flag.Resolution.OPEN, **target_filter(item)).count()
    # No reason: the item's page says it is hidden until a moderator reviews the reports.
    _set_hidden(item, hidden=True, reason="")
    audit_record(
        actor=None,
        action=MODERATION_ACTIONS[item_kind(item), "auto_hidden"],
        subject=item,
        organisation_id=discussable.organisation_id_of(target),
        details={
            "open_flags": open_flags,
            "counted_flags": counted,
            "threshold": threshold,
            f"{discussable.kind}_id": target.pk,
        },
    )
    organisation = discussable.organisation_of(target)
    notify(
        recipients=moderators_of(organisation),
        verb="challenges.moderation_needed",
        title=_("A contribution was hidden after %(count)s reports") % {"count": open_flags},
        body=_("It waits for your review in the moderation queue."),
        url=moderation_queue_url(organisation),
    )


# Moderation --------------------------------------------------------------------------------


def _require_moderation(actor: User, item: Model) -> None:
    if isinstance(item, Comment):
        perm = "discussion.moderate_comment"
    else:
        moderation = _moderation_of(item)
        if moderation is None:
            raise PermissionDenied(_("Only the organisation's moderators can do this."))
        perm = moderation.perm
    if not actor.has_perm(perm, item):
        raise PermissionDenied(_("Only the organisation's moderators can do this."))


def _audit(actor: User, item: Model, verb: str, reason: str, **details: object) -> None:
    target = target_of_item(item)
    discussable: Discussable = discussable_of(target)
    audit_record(
        actor=actor,
        action=MODERATION_ACTIONS[item_kind(item), verb],
        subject=item,
        organisation_id=discussable.organisation_id_of(target),
        details={"reason": reason, f"{discussable.kind}_id": target.pk, **details},
    )


def _notify_authors(item: Model, *, title: str, body: str) -> None:
    notify(
        recipients=_users(_item_authors(item)),
        verb="challenges.moderation_decision",
        title=title,
        body=body,
        url=_item_url(item),
        about=target_of_item(item),
    )


def moderation_hide(*, actor: User, item: Model, reason: str) -> None:
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
            title=_("Your %(kind)s was hidden by the moderators") % {"kind": item_label(item)},
            body=_("Reason: %(reason)s") % {"reason": reason},
        )


def moderation_restore(*, actor: User, item: Model, reason: str) -> None:
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
            title=_("Your %(kind)s is visible again") % {"kind": item_label(item)},
            body=_("Reason: %(reason)s") % {"reason": reason},
        )


def moderation_dismiss(*, actor: User, item: Model, reason: str = "") -> int:
    """Close the open flags and keep the item visible (showing it again if it was hidden)."""
    _require_moderation(actor, item)
    reason = _clean_reason(reason, required=False)
    with transaction.atomic():
        was_hidden = _hideable(item).is_hidden
        _set_hidden(item, hidden=False, reason="")
        flags = _resolve_open_flags(
            item, actor=actor, resolution=Flag.Resolution.KEPT, reason=reason
        )
        _audit(actor, item, "flags_dismissed", reason, resolved_flags=flags, was_hidden=was_hidden)
        if was_hidden:
            _notify_authors(
                item,
                title=_("Your %(kind)s is visible again") % {"kind": item_label(item)},
                body=reason,
            )
    return flags
