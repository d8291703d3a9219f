"""The platform's clock: services, selectors, predicates and templates ask it for the time.

Phases, deadlines, throttles and expiries all depend on "now". Reading it in one place means
tests move time for everything at once with time-machine (`time_machine.travel(...)`) instead
of rewriting phase rows, and the demo can describe a challenge by where it stands today
("in its review phase") rather than by dates that go stale.

Times are aware and in UTC; `today()` is the date in the currently active time zone (the
organisation's, on its pages: see `organisations.middleware`).
"""

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    """The current time, aware, in UTC."""
    return timezone.now()


def today() -> date:
    """Today's date in the active time zone."""
    return timezone.localdate(now())
