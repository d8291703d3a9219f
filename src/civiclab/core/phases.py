"""Dated phases: periods that open at `starts_at` and close at `ends_at` (or never).

What a person may do often depends on which period is running now: a challenge's submission
or review phase, later a participatory budget's voting or a survey's field time. The rule is
the same everywhere, so it is written once: a period contains a moment from its start
(inclusive) to its end (exclusive); without an end it stays open.

`DatedPeriod` gives a model the two fields and `contains()`; `running()` picks the running
period from loaded rows; `running_q()` says the same as a database filter, so a list and a
permission check never disagree about which phase is current.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import TypeVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

P = TypeVar("P", bound="DatedPeriod")

PAST, CURRENT, FUTURE = "past", "current", "future"


class DatedPeriod(models.Model):
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)

    class Meta:
        abstract = True

    def contains(self, moment: datetime) -> bool:
        return self.starts_at <= moment and (self.ends_at is None or moment < self.ends_at)

    def state_at(self, moment: datetime) -> str:
        """`past`, `current` or `future`, seen from `moment`."""
        if self.contains(moment):
            return CURRENT
        return FUTURE if self.starts_at > moment else PAST


def running(periods: Iterable[P], moment: datetime) -> P | None:
    """The first of `periods` that contains `moment`."""
    return next((period for period in periods if period.contains(moment)), None)


def running_q(moment: datetime, prefix: str = "") -> Q:
    """Rows (or, with `prefix`, related rows) whose period contains `moment`."""
    return Q(**{f"{prefix}starts_at__lte": moment}) & (
        Q(**{f"{prefix}ends_at__isnull": True}) | Q(**{f"{prefix}ends_at__gt": moment})
    )
