"""Template helpers for challenge pages: `{% load challenges_tags %}`.

Times are written in the challenge organisation's time zone, whatever time zone the page has
activated, so the organisation's page and the challenge page say the same thing.
"""

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from civiclab.core import clock

from ..models import PhaseKind

register = template.Library()

DATETIME_FORMAT = "j F Y, H:i"

PHASE_COLOURS = {
    PhaseKind.SUBMISSION: "blue",
    PhaseKind.REVIEW: "purple",
    PhaseKind.SELECTION: "orange",
    PhaseKind.CLOSED: "grey",
}


def _organisation_time(moment, organisation) -> str:
    if moment is None:
        return ""
    zone = organisation.zone if organisation else timezone.get_current_timezone()
    return date_format(moment.astimezone(zone), DATETIME_FORMAT)


@register.simple_tag
def org_time(moment, organisation) -> str:
    """`12 March 2027, 17:00` in the organisation's time zone."""
    return _organisation_time(moment, organisation)


@register.simple_tag
def phase_tag(challenge) -> str:
    """A coloured tag naming where the challenge stands now."""
    if challenge.state == challenge.State.DRAFT:
        return format_html('<strong class="tag tag--grey">{}</strong>', _("Draft"))
    now = clock.now()
    kind = challenge.current_phase_kind(now)
    if kind == PhaseKind.CLOSED and any(p.starts_at > now for p in challenge.phases.all()):
        # Between phases or before the first one: not closed for good.
        return format_html('<strong class="tag tag--grey">{}</strong>', _("Not open yet"))
    label = _("Always open") if challenge.is_idea_box else _phase_label(kind)
    return format_html(
        '<strong class="tag tag--{}">{}</strong>', PHASE_COLOURS.get(kind, "grey"), label
    )


def _phase_label(kind: str) -> str:
    return {
        PhaseKind.SUBMISSION: _("Open for ideas"),
        PhaseKind.REVIEW: _("In review"),
        PhaseKind.SELECTION: _("Selection"),
        PhaseKind.CLOSED: _("Closed"),
    }[PhaseKind(kind)]


@register.simple_tag
def phase_sentence(challenge, now=None) -> str:
    """Where the challenge stands, in words: "Submission open until 12 March 2027, 17:00"."""
    now = now or clock.now()
    organisation = challenge.organisation
    phases = list(challenge.phases.all())
    current = next((phase for phase in phases if phase.contains(now)), None)
    if current is not None:
        return _current_sentence(current, organisation)
    upcoming = [phase for phase in phases if phase.starts_at > now]
    if upcoming:
        phase = upcoming[0]
        return _("%(phase)s opens on %(when)s") % {
            "phase": phase.get_kind_display(),
            "when": _organisation_time(phase.starts_at, organisation),
        }
    ends = [phase.ends_at for phase in phases if phase.ends_at]
    if ends:
        return _("Closed since %(when)s") % {"when": _organisation_time(max(ends), organisation)}
    return _("No dates set yet")


def _current_sentence(phase, organisation) -> str:
    until = _organisation_time(phase.ends_at, organisation)
    if phase.kind == PhaseKind.SUBMISSION:
        if not until:
            return _("Submission open, with no closing date")
        return _("Submission open until %(when)s") % {"when": until}
    if phase.kind == PhaseKind.REVIEW:
        return (
            _("Ideas in review until %(when)s") % {"when": until} if until else _("Ideas in review")
        )
    if phase.kind == PhaseKind.SELECTION:
        return (
            _("Selection under way until %(when)s") % {"when": until}
            if until
            else _("Selection under way")
        )
    return _("Closed since %(when)s") % {"when": _organisation_time(phase.starts_at, organisation)}
