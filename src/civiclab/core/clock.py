"""The platform's clock: services, selectors, predicates and templates ask it for the time.

Phases, deadlines, throttles and expiries all depend on "now". Reading it in one place means
tests move time for everything at once with time-machine (`time_machine.travel(...)`) instead
of rewriting phase rows, and the demo seed can replay a challenge's history through the real
services with `as_of(moment)`, so a selection recorded in a past selection phase is checked
against that phase exactly as it was then.

Times are aware and in UTC; `today()` is the date in the currently active time zone (the
organisation's, on its pages: see `organisations.middleware`).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext

_moment: ContextVar[datetime | None] = ContextVar("civiclab_clock_moment", default=None)


def now() -> datetime:
    """The current time, aware, in UTC (or the moment set by `as_of`)."""
    moment = _moment.get()
    return moment if moment is not None else timezone.now()


def today() -> date:
    """Today's date in the active time zone."""
    return timezone.localdate(now())


@contextmanager
def as_of(moment: datetime) -> Iterator[None]:
    """Within the block, `now()` is `moment`: for replaying history (the demo seed).

    Only code that asks this clock sees the moment; database defaults such as
    `auto_now_add` still stamp the real time.
    """
    if timezone.is_naive(moment):
        raise ValueError("as_of() needs an aware datetime")
    token = _moment.set(moment)
    try:
        yield
    finally:
        _moment.reset(token)


# Dates people schedule things on: nothing the platform runs happened before 2000, and a
# date more than ten years ahead is a typing slip (2206 for 2026), not a plan.
EARLIEST_DATE = datetime(2000, 1, 1, tzinfo=UTC)
YEARS_AHEAD = 10


def latest_date() -> datetime:
    return now() + timedelta(days=round(365.25 * YEARS_AHEAD))


def implausible_date_message(moment: datetime) -> str | None:
    """Why `moment` cannot be a phase or event date, or None when it can."""
    if moment < EARLIEST_DATE:
        return gettext("Enter a date in 2000 or later.")
    if moment > latest_date():
        return gettext("Enter a date at most %(years)s years from now.") % {"years": YEARS_AHEAD}
    return None
