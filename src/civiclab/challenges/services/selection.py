"""Shortlisting and selecting from the evaluation results.

The status change itself (permission by target status, reason, audit, notifications and, for
selections, the ledger entry) belongs to `services.status.idea_set_status`; these wrappers
name the two decisions the results page offers.
"""

from civiclab.accounts.models import User
from civiclab.challenges.models import Idea, IdeaStatus, StatusChange


def _set_status(*, actor: User, idea: Idea, status: str, reason: str) -> StatusChange:
    # Imported here: the status service lives beside this one and imports the ledger.
    from civiclab.challenges.services.status import idea_set_status

    return idea_set_status(actor=actor, idea=idea, status=status, reason=reason)


def idea_shortlist(*, actor: User, idea: Idea, reason: str) -> StatusChange:
    return _set_status(actor=actor, idea=idea, status=IdeaStatus.SHORTLISTED, reason=reason)


def idea_select(*, actor: User, idea: Idea, reason: str) -> StatusChange:
    return _set_status(actor=actor, idea=idea, status=IdeaStatus.SELECTED, reason=reason)
