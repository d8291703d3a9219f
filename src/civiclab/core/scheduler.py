"""Periodic work without cron: every `civiclab worker` keeps the schedule; each run fires once.

`settings.SCHEDULE` names each periodic task and how often it runs:

    SCHEDULE = {"housekeeping": {"task": "civiclab.core.tasks.purge_expired", "every": 86400}}

Runs fall on fixed slots counted from midnight UTC on 1970-01-01, whenever a worker started:
every 600 seconds is :00, :10, :20 ... of each hour, every 86400 seconds is midnight UTC.

Every worker runs the same schedule in a background thread (APScheduler interval triggers
wake it at the start of each slot). Waking up, a worker *claims* the slot with one conditional
UPDATE on the schedule's `ScheduledRun` row,

    UPDATE core_scheduledrun SET slot = <slot start>, ... WHERE name = <name> AND slot < <start>

and, only if its UPDATE changed the row, enqueues the task in the same transaction. The
database lets one of several contending transactions change the row (PostgreSQL's row lock
makes the others re-check `slot < <start>` and find it false; SQLite lets one writer at a
time), so a slot fires once however many workers run, with nothing but the database that
already holds the task queue. A claim whose enqueue fails rolls back and leaves the slot to
the next worker. A worker whose clock runs behind cannot fire a slot that is already past.

A worker that starts mid-slot fires the current slot at once unless someone already has, so a
run missed while every worker was down is caught up (once, not once per missed slot).
Why APScheduler and not django-crontask, and why not a leader lease: docs/adr/0008.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connections, transaction
from django.db.models import Q
from django.utils.module_loading import import_string
from django_tasks.base import Task, TaskResult

from . import clock
from .models import ScheduledRun

logger = logging.getLogger(__name__)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Past this a slot no longer falls on a day boundary in any sense an operator would expect.
LONGEST = timedelta(days=366)
NAME_LENGTH = 80  # ScheduledRun.name


@dataclass(frozen=True)
class Schedule:
    """One periodic task: a django-tasks `Task` enqueued once per `every`."""

    name: str
    task: Task
    every: timedelta

    def slot_start(self, at: datetime) -> datetime:
        """The start of the slot that `at` falls in."""
        return EPOCH + ((at - EPOCH) // self.every) * self.every


def schedules_from_settings() -> list[Schedule]:
    """The schedules `settings.SCHEDULE` turns on; ImproperlyConfigured names what is wrong."""
    configured = getattr(settings, "SCHEDULE", {})
    if not isinstance(configured, dict):
        raise ImproperlyConfigured("SCHEDULE must be a dict of schedule names to settings.")
    schedules = []
    for name, entry in configured.items():
        where = f"SCHEDULE[{name!r}]"
        if not isinstance(entry, dict) or set(entry) != {"task", "every"}:
            raise ImproperlyConfigured(f"{where} must be a dict with 'task' and 'every'.")
        every = entry["every"]
        if isinstance(every, bool) or not isinstance(every, int) or every < 0:
            raise ImproperlyConfigured(
                f"{where}['every'] must be a whole number of seconds (0 turns it off), "
                f"not {every!r}."
            )
        if every == 0:
            continue
        if timedelta(seconds=every) > LONGEST:
            longest = int(LONGEST.total_seconds())
            raise ImproperlyConfigured(
                f"{where}['every'] is {every} seconds; the longest is {longest}."
            )
        if len(name) > NAME_LENGTH:
            raise ImproperlyConfigured(f"{where}: the name is too long.")
        try:
            task = import_string(entry["task"])
        except ImportError as exc:
            raise ImproperlyConfigured(
                f"{where}['task']: cannot import {entry['task']!r}."
            ) from exc
        if not isinstance(task, Task):
            raise ImproperlyConfigured(
                f"{where}['task']: {entry['task']!r} is not a task (decorate it with @task())."
            )
        schedules.append(Schedule(name=name, task=task, every=timedelta(seconds=every)))
    return schedules


def schedule_fire(
    schedule: Schedule, *, worker_id: str, at: datetime | None = None
) -> TaskResult | None:
    """Enqueue `schedule`'s task for the slot `at` falls in, unless that slot has fired already.

    Returns the task result when this call fired the slot, None when another call had.
    """
    at = at or clock.now()
    slot = schedule.slot_start(at)
    with transaction.atomic():
        ScheduledRun.objects.bulk_create([ScheduledRun(name=schedule.name)], ignore_conflicts=True)
        claimed = (
            ScheduledRun.objects.filter(name=schedule.name)
            .filter(Q(slot__isnull=True) | Q(slot__lt=slot))
            .update(slot=slot, fired_at=at, fired_by=worker_id[:64])
        )
        if not claimed:
            return None
        result = schedule.task.enqueue()
        ScheduledRun.objects.filter(name=schedule.name).update(task_result_id=str(result.id))
    logger.info("Enqueued %s for the run due at %s (task %s).", schedule.name, slot, result.id)
    return result


class Scheduler:
    """The schedule of one worker process, kept by a background thread.

    `start()` first fires, in the calling thread, every slot that is due and not yet fired
    (so a database problem stops the worker at once), then starts the thread.
    """

    def __init__(self, schedules: list[Schedule], *, worker_id: str) -> None:
        self.schedules = schedules
        self.worker_id = worker_id
        self._thread: BackgroundScheduler | None = None

    def fire_due(self, at: datetime | None = None) -> list[Any]:
        """Fire the current slot of every schedule that nobody has fired; the results."""
        fired = (schedule_fire(s, worker_id=self.worker_id, at=at) for s in self.schedules)
        return [result for result in fired if result is not None]

    def start(self) -> None:
        self.fire_due()
        thread = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            # A wake-up that comes late (a busy machine, a suspended laptop) still runs, once.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        for schedule in self.schedules:
            thread.add_job(
                self._wake,
                IntervalTrigger(seconds=schedule.every.total_seconds(), start_date=EPOCH),
                args=[schedule],
                id=schedule.name,
                name=f"civiclab schedule {schedule.name}",
            )
        thread.start()
        self._thread = thread

    def jobs(self) -> list:
        """The running thread's APScheduler jobs (for `civiclab worker` to report)."""
        return self._thread.get_jobs() if self._thread else []

    def shutdown(self) -> None:
        if self._thread is not None and self._thread.running:
            self._thread.shutdown(wait=True)
        self._thread = None

    def _wake(self, schedule: Schedule) -> None:
        try:
            schedule_fire(schedule, worker_id=self.worker_id)
        except OperationalError as exc:
            # Another worker holds the database longer than its busy timeout; it may well be
            # the one firing this slot. The next slot tries again.
            logger.warning("Could not claim the run of %s: %s", schedule.name, exc)
        except Exception:
            logger.exception("Could not enqueue the scheduled task %s.", schedule.name)
        finally:
            # This thread is not a request: give its connection back, as Django does after one.
            connections.close_all()
