"""Progress of long background jobs: the task writes it, the page polls it.

Each call is a single UPDATE outside any surrounding transaction's concerns, so a page polling
the job sees progress while the task is still working (when the task itself does not hold a
transaction open around its whole run).
"""

import uuid
from datetime import datetime
from typing import Any

from django.db.models import Q

from . import clock
from .models import JobProgress
from .people import Person

State = JobProgress.State
_ACTIVE = Q(state__in=[State.QUEUED, State.RUNNING])


def job_start(*, owner: Person | None, label: str, total: int) -> JobProgress:
    """Create the progress record before enqueueing, so the page can show it at once."""
    if total < 0:
        raise ValueError("A job cannot have a negative number of steps.")
    signed_in = owner is not None and getattr(owner, "is_authenticated", False)
    owner_id = owner.pk if owner is not None and signed_in else None
    return JobProgress.objects.create(owner_id=owner_id, label=label[:200], total=total)


def job_advance(job_id: uuid.UUID | str, *, done: int, message: str = "") -> None:
    """Record that `done` of the job's steps are complete. Ignored once the job has ended."""
    fields: dict[str, Any] = {"state": State.RUNNING, "done": max(0, done), "updated_at": _now()}
    if message:
        fields["message"] = message[:300]
    JobProgress.objects.filter(_ACTIVE, pk=job_id).update(**fields)


def job_finish(job_id: uuid.UUID | str, *, result_url: str = "") -> None:
    """Mark the job done; `result_url` is where its outcome can be seen or downloaded."""
    job = JobProgress.objects.filter(_ACTIVE, pk=job_id).first()
    if job is None:
        return
    JobProgress.objects.filter(pk=job.pk).update(
        state=State.DONE,
        done=max(job.done, job.total),
        result_url=result_url[:300],
        updated_at=_now(),
    )


def job_fail(job_id: uuid.UUID | str, *, message: str) -> None:
    """Mark the job failed with a message the person who started it can act on."""
    JobProgress.objects.filter(_ACTIVE, pk=job_id).update(
        state=State.FAILED, message=message[:300], updated_at=_now()
    )


def _now() -> datetime:
    return clock.now()
