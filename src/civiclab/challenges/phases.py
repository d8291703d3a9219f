"""What each phase of a challenge allows: one table, read by the predicates (after
adhocracy4's phase contents, where each kind of phase lists the actions it opens).

An action missing from the running phase's row is closed, whoever asks: the rules add who
may do it. Between phases and after the last one the challenge is `closed` and allows none.

A refusal by the timetable says so (`phase_refusal`): which phase closed the action and when,
or when it opens, so that the "you do not have the role" page is left for missing roles.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civiclab.core import clock
from civiclab.core.access import PhaseClosed
from civiclab.core.people import PersonWithPermissions

from .models import Challenge, Idea, PhaseKind

ADD_IDEA = "add_idea"
CHANGE_IDEA = "change_idea"
SUPPORT_IDEA = "support_idea"
COMMENT = "comment"
MERGE_IDEA = "merge_idea"
ASSIGN_EVALUATORS = "assign_evaluators"
EVALUATE_IDEA = "evaluate_idea"
COMPARE_IDEAS = "compare_ideas"
SHORTLIST_IDEA = "shortlist_idea"
SELECT_IDEA = "select_idea"

PHASE_FEATURES: dict[str, frozenset[str]] = {
    PhaseKind.SUBMISSION: frozenset(
        {ADD_IDEA, CHANGE_IDEA, SUPPORT_IDEA, COMMENT, MERGE_IDEA, ASSIGN_EVALUATORS}
    ),
    PhaseKind.REVIEW: frozenset(
        {
            CHANGE_IDEA,
            SUPPORT_IDEA,
            COMMENT,
            MERGE_IDEA,
            ASSIGN_EVALUATORS,
            EVALUATE_IDEA,
            COMPARE_IDEAS,
            SHORTLIST_IDEA,
        }
    ),
    PhaseKind.SELECTION: frozenset({CHANGE_IDEA, COMMENT, MERGE_IDEA, SHORTLIST_IDEA, SELECT_IDEA}),
    PhaseKind.CLOSED: frozenset(),
}


def phases_allowing(feature: str) -> list[str]:
    """The phases in which `feature` is open, in the order they run."""
    return [kind for kind, features in PHASE_FEATURES.items() if feature in features]


# The rules whose refusal may come from the timetable, and the action each one opens.
PERM_FEATURES = {
    "challenges.add_idea": ADD_IDEA,
    "challenges.change_idea": CHANGE_IDEA,
    "challenges.support_idea": SUPPORT_IDEA,
    "challenges.comment_idea": COMMENT,
    "challenges.merge_idea": MERGE_IDEA,
    "challenges.assign_evaluators": ASSIGN_EVALUATORS,
    "challenges.evaluate_idea": EVALUATE_IDEA,
    "challenges.compare_ideas": COMPARE_IDEAS,
    "challenges.shortlist_idea": SHORTLIST_IDEA,
    "challenges.select_idea": SELECT_IDEA,
}

FEATURE_NAMES = {
    ADD_IDEA: gettext_lazy("Submitting ideas"),
    CHANGE_IDEA: gettext_lazy("Changing ideas"),
    SUPPORT_IDEA: gettext_lazy("Supporting ideas"),
    COMMENT: gettext_lazy("Commenting"),
    MERGE_IDEA: gettext_lazy("Merging ideas"),
    ASSIGN_EVALUATORS: gettext_lazy("Assigning evaluators"),
    EVALUATE_IDEA: gettext_lazy("Scoring ideas"),
    COMPARE_IDEAS: gettext_lazy("Comparing ideas"),
    SHORTLIST_IDEA: gettext_lazy("Shortlisting"),
    SELECT_IDEA: gettext_lazy("Selecting ideas"),
}


def _when(moment: datetime, zone: ZoneInfo) -> str:
    return date_format(moment.astimezone(zone), "j F Y, H:i")


def phase_refusal(*, challenge: Challenge, feature: str, now: datetime | None = None) -> str:
    """Why the timetable keeps `feature` closed now, in words; "" when it is open.

    "Supporting ideas closed when the selection phase began on 12 March 2027, 17:00."
    "Submitting ideas opens on 1 April 2027, 09:00, when the submission phase begins."
    """
    now = now or clock.now()
    if feature in PHASE_FEATURES[challenge.current_phase_kind(now)]:
        return ""
    name = FEATURE_NAMES.get(feature, feature)
    zone = challenge.organisation.zone
    phases = sorted(challenge.phases.all(), key=lambda phase: phase.starts_at)
    opening = [p for p in phases if feature in PHASE_FEATURES[p.kind] and p.starts_at > now]
    if opening:
        return _("%(action)s opens on %(when)s, when the %(phase)s phase begins.") % {
            "action": name,
            "when": _when(opening[0].starts_at, zone),
            "phase": opening[0].get_kind_display().lower(),
        }
    ended = [
        (p, p.ends_at)
        for p in phases
        if feature in PHASE_FEATURES[p.kind] and p.ends_at is not None and p.ends_at <= now
    ]
    if not ended:
        return _("%(action)s is not part of this challenge's timetable.") % {"action": name}
    last, ended_at = ended[-1]
    following = next((p for p in phases if p.starts_at == ended_at), None)
    if following is not None:
        return _("%(action)s closed when the %(phase)s phase began on %(when)s.") % {
            "action": name,
            "phase": following.get_kind_display().lower(),
            "when": _when(ended_at, zone),
        }
    return _("%(action)s closed on %(when)s, when the %(phase)s phase ended.") % {
        "action": name,
        "when": _when(ended_at, zone),
        "phase": last.get_kind_display().lower(),
    }


def require_open(
    user: PersonWithPermissions, perm: str, obj: Model | None, message: str = ""
) -> None:
    """`core.access.require`, saying so when the timetable, not a role, refuses.

    `PhaseClosed` is raised only when the phase keeps the action closed; a role or state
    refusal stays a plain `PermissionDenied` with `message`.
    """
    if user.has_perm(perm, obj):
        return
    feature = PERM_FEATURES.get(perm)
    challenge = _challenge_of(obj)
    if feature and challenge is not None:
        reason = phase_refusal(challenge=challenge, feature=feature)
        if reason:
            raise PhaseClosed(reason)
    raise PermissionDenied(message) if message else PermissionDenied


def _challenge_of(obj: object) -> Challenge | None:
    if isinstance(obj, Challenge):
        return obj
    if isinstance(obj, Idea):
        return obj.challenge
    return None
