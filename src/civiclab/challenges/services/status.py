"""The status workflow of ideas: where an idea stands, why, and who decided.

    submitted -> under review -> shortlisted -> selected
                             \\-> on the shelf / declined (from any open status)
    merged is reached only through a merge (see services/merge.py).

Every change carries a public reason and is kept as a StatusChange. A selection is a public
decision: it is appended to the ledger in the same transaction, and the entry's sequence
number is stored on the StatusChange so the idea's page can link to its proof.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civiclab.accounts.models import User
from civiclab.challenges.audit import AuditAction
from civiclab.challenges.models import Challenge, Idea, IdeaStatus, StatusChange
from civiclab.challenges.selectors.ideas import people_to_tell
from civiclab.core.limits import SHORT_TEXT, too_long_message
from civiclab.core.notifications import notify
from civiclab.core.services import audit_record

from ._internal import record_status_change

REASON_MAX_LENGTH = SHORT_TEXT

S = IdeaStatus
# From each status, the statuses a decision may move an idea to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.SUBMITTED: (S.UNDER_REVIEW, S.SHELVED, S.DECLINED),
    S.UNDER_REVIEW: (S.SHORTLISTED, S.SHELVED, S.DECLINED, S.SUBMITTED),
    S.SHORTLISTED: (S.SELECTED, S.SHELVED, S.DECLINED, S.UNDER_REVIEW),
    S.SELECTED: (),
    S.SHELVED: (S.UNDER_REVIEW,),
    S.DECLINED: (S.UNDER_REVIEW,),
    S.MERGED: (),
}

# The named rule that permits moving an idea to each target status.
PERMISSION_FOR_TARGET: dict[str, str] = {
    S.SUBMITTED: "challenges.change_idea_status",
    S.UNDER_REVIEW: "challenges.change_idea_status",
    S.SHELVED: "challenges.change_idea_status",
    S.DECLINED: "challenges.change_idea_status",
    S.SHORTLISTED: "challenges.shortlist_idea",
    S.SELECTED: "challenges.select_idea",
}

# What the people who follow the idea read, per new status.
STATUS_MESSAGES: dict[str, object] = {
    S.SUBMITTED: gettext_lazy("“%(title)s” is back among the submitted ideas"),
    S.UNDER_REVIEW: gettext_lazy("“%(title)s” is under review"),
    S.SHORTLISTED: gettext_lazy("“%(title)s” has been shortlisted"),
    S.SELECTED: gettext_lazy("“%(title)s” has been selected"),
    S.SHELVED: gettext_lazy("“%(title)s” has been put on the shelf"),
    S.DECLINED: gettext_lazy("“%(title)s” has been declined"),
    S.MERGED: gettext_lazy("“%(title)s” has been merged into another idea"),
}


def statuses_leading_to(target: str) -> tuple[str, ...]:
    """The statuses from which the workflow lets a decision move an idea to `target`."""
    return tuple(source for source, targets in TRANSITIONS.items() if target in targets)


def allowed_targets(*, user: User | AnonymousUser, idea: Idea) -> list[str]:
    """The statuses `user` may move `idea` to now, in workflow order."""
    return [
        target
        for target in TRANSITIONS.get(idea.status, ())
        if user.has_perm(PERMISSION_FOR_TARGET[target], idea)
    ]


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": [_("Give the reason for this decision; it is shown publicly.")]},
            code="required",
        )
    if len(reason) > REASON_MAX_LENGTH:
        message = too_long_message(limit=REASON_MAX_LENGTH, length=len(reason))
        raise ValidationError({"reason": [message]}, code="max_length")
    return reason


def _check_transition(idea: Idea, status: str) -> None:
    if status not in S.values:
        raise ValidationError({"status": [_("Choose a status from the list.")]}, code="invalid")
    if status == S.MERGED:
        raise ValidationError(
            {"status": [_("Ideas are merged from the merge page, which moves their supports.")]},
            code="invalid",
        )
    if status not in TRANSITIONS.get(idea.status, ()):
        raise ValidationError(
            {
                "status": [
                    _("An idea that is “%(current)s” cannot become “%(target)s”.")
                    % {"current": S(idea.status).label, "target": S(status).label}
                ]
            },
            code="transition",
        )


def idea_set_status(*, actor: User, idea: Idea, status: str, reason: str) -> StatusChange:
    """A decision on an idea: checked against the workflow and the actor's rights, with reason.

    Raises PermissionDenied when the actor may not make this kind of decision now, and
    ValidationError (`status` or `reason`) for a transition the workflow does not allow or a
    missing reason. Notifies the author, co-authors and followers (in-app, e-mail on commit).
    """
    status = str(getattr(status, "value", status))
    with transaction.atomic():
        idea = Idea.objects.select_for_update().select_related("organisation").get(pk=idea.pk)
        idea.challenge = _challenge_with_phases(idea.challenge_id)
        # Unknown targets are judged as generic status changes: who may not change statuses
        # at all learns nothing more than that.
        permission = PERMISSION_FOR_TARGET.get(status, "challenges.change_idea_status")
        if not actor.has_perm(permission, idea):
            raise PermissionDenied(_("You cannot make this decision on this idea now."))
        _check_transition(idea, status)
        reason = _clean_reason(reason)
        previous = idea.status
        change = record_status_change(actor=actor, idea=idea, status=status, reason=reason)
        audit_record(
            actor=actor,
            action=AuditAction.IDEA_STATUS_CHANGED,
            subject=idea,
            organisation_id=idea.organisation_id,
            details={
                "from": previous,
                "to": status,
                "ledger_sequence": change.ledger_sequence,
            },
        )
        notify(
            recipients=people_to_tell(idea),
            verb="challenges.idea_status_changed",
            title=str(STATUS_MESSAGES[status]) % {"title": idea.title},
            body=reason,
            url=idea.get_absolute_url(),
            about=idea,
        )
    return change


def _challenge_with_phases(challenge_id: int) -> Challenge:
    return (
        Challenge.objects.select_related("organisation")
        .prefetch_related("phases")
        .get(pk=challenge_id)
    )
