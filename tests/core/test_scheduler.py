"""Periodic work: the schedule in settings, slots, and one run per slot however many workers."""

import logging
import os
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections
from django.test import override_settings
from django_tasks import task, task_backends

from civiclab.core import clock
from civiclab.core.models import ScheduledRun
from civiclab.core.scheduler import EPOCH, Schedule, Scheduler, schedule_fire
from civiclab.core.scheduler import schedules_from_settings as configured

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
NOON = datetime(2030, 6, 3, 12, 0, tzinfo=UTC)


@task()
def tick() -> str:
    return "tick"


def every(minutes: int, *, name: str = "tick", to=tick) -> Schedule:
    return Schedule(name=name, task=to, every=timedelta(minutes=minutes))


@pytest.fixture
def enqueued():
    """What was enqueued, as (task name, args) pairs, without running it."""
    with override_settings(TASKS=DUMMY):
        backend = task_backends["default"]
        backend.clear()
        yield lambda: [(r.task.name, r.args) for r in backend.results]


# --- the schedule in settings -----------------------------------------------------------------


def test_the_worker_schedules_checkpoints_trending_and_housekeeping_by_default():
    schedules = {s.name: s for s in configured()}
    assert {name: s.task.module_path for name, s in schedules.items()} == {
        "ledger-checkpoint": "civiclab.ledger.tasks.issue_checkpoint",
        "trending-refresh": "civiclab.challenges.services.trending.refresh_trending",
        "housekeeping": "civiclab.core.tasks.purge_expired",
        "notification-digest-daily": "civiclab.core.digests.send_daily_digests",
        "notification-digest-weekly": "civiclab.core.digests.send_weekly_digests",
    }
    assert schedules["ledger-checkpoint"].every == timedelta(minutes=10)
    assert schedules["trending-refresh"].every == timedelta(hours=1)
    assert schedules["housekeeping"].every == timedelta(days=1)
    # Both digests run daily; the weekly one sends once per ISO week (core.digests).
    assert schedules["notification-digest-daily"].every == timedelta(days=1)
    assert schedules["notification-digest-weekly"].every == timedelta(days=1)


def test_zero_turns_a_schedule_off(settings):
    settings.SCHEDULE = {
        "off": {"task": "tests.core.test_scheduler.tick", "every": 0},
        "on": {"task": "tests.core.test_scheduler.tick", "every": 60},
    }
    assert [s.name for s in configured()] == ["on"]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"task": "tests.core.test_scheduler.tick"},
            r"\['x'\] must be a dict with 'task' and 'every'",
        ),
        ({"task": "tests.core.test_scheduler.tick", "every": "often"}, "whole number of seconds"),
        ({"task": "tests.core.test_scheduler.tick", "every": -5}, "whole number of seconds"),
        ({"task": "tests.core.test_scheduler.tick", "every": 10**9}, "the longest is 31622400"),
        ({"task": "civiclab.core.no_such_module.task", "every": 60}, "cannot import"),
        ({"task": "tests.core.test_scheduler.every", "every": 60}, r"is not a task \(decorate"),
    ],
)
def test_a_bad_schedule_names_what_is_wrong(settings, entry, message):
    settings.SCHEDULE = {"x": entry}
    with pytest.raises(ImproperlyConfigured, match=message):
        configured()


# --- slots ------------------------------------------------------------------------------------


def test_slots_are_counted_from_midnight_utc_whenever_a_worker_started():
    ten_minutes = every(10)
    assert ten_minutes.slot_start(NOON + timedelta(minutes=7, seconds=59)) == NOON
    assert ten_minutes.slot_start(NOON + timedelta(minutes=10)) == NOON + timedelta(minutes=10)
    daily = Schedule(name="d", task=tick, every=timedelta(days=1))
    assert daily.slot_start(NOON) == NOON.replace(hour=0)
    assert every(10).slot_start(EPOCH) == EPOCH


@pytest.mark.django_db
def test_a_slot_fires_once_and_the_next_slot_fires_again(enqueued):
    schedule = every(10)
    assert schedule_fire(schedule, worker_id="w1", at=NOON) is not None
    assert schedule_fire(schedule, worker_id="w1", at=NOON + timedelta(minutes=9)) is None
    assert schedule_fire(schedule, worker_id="w1", at=NOON + timedelta(minutes=10)) is not None
    assert enqueued() == [("tick", []), ("tick", [])]
    run = ScheduledRun.objects.get(name="tick")
    assert (run.slot, run.fired_by) == (NOON + timedelta(minutes=10), "w1")
    assert run.task_result_id


@pytest.mark.django_db
def test_two_schedulers_contending_for_a_slot_fire_it_once(enqueued):
    schedules = [every(10, name="often"), every(60, name="hourly")]
    first, second = Scheduler(schedules, worker_id="a"), Scheduler(schedules, worker_id="b")
    assert len(first.fire_due(at=NOON)) == 2
    assert second.fire_due(at=NOON + timedelta(seconds=1)) == []
    # Ten minutes on, the first slot of `often` is due again; whoever wakes first fires it.
    assert len(second.fire_due(at=NOON + timedelta(minutes=10))) == 1
    assert first.fire_due(at=NOON + timedelta(minutes=10)) == []
    assert len(enqueued()) == 3
    assert dict(ScheduledRun.objects.values_list("name", "fired_by")) == {
        "often": "b",
        "hourly": "a",
    }


@pytest.mark.django_db
def test_a_worker_whose_clock_runs_behind_cannot_fire_a_past_slot(enqueued):
    schedule = every(10)
    schedule_fire(schedule, worker_id="ahead", at=NOON + timedelta(minutes=10))
    assert schedule_fire(schedule, worker_id="behind", at=NOON) is None
    assert len(enqueued()) == 1


class QueueDown:
    """A task whose queue refuses work, as a database error during the enqueue would."""

    def enqueue(self):
        raise RuntimeError("the queue is down")


@pytest.mark.django_db
def test_a_claim_whose_enqueue_fails_leaves_the_slot_to_the_next_worker(enqueued):
    with pytest.raises(RuntimeError):
        schedule_fire(Schedule("tick", QueueDown(), timedelta(minutes=10)), worker_id="a", at=NOON)
    assert schedule_fire(every(10), worker_id="b", at=NOON) is not None
    assert ScheduledRun.objects.get(name="tick").fired_by == "b"
    assert len(enqueued()) == 1


@pytest.mark.django_db
def test_the_scheduler_fires_what_is_due_at_start_then_wakes_at_each_slot(enqueued):
    scheduler = Scheduler([every(10), every(60, name="hourly")], worker_id="w")
    with clock.as_of(NOON + timedelta(minutes=4)):
        scheduler.start()
    try:
        assert len(enqueued()) == 2
        jobs = {job.id: job for job in scheduler.jobs()}
        assert set(jobs) == {"tick", "hourly"}
        for job in jobs.values():
            schedule = job.args[0]
            assert job.func == scheduler._wake
            assert job.trigger.interval == schedule.every
            # The next wake-up is the start of a slot, the same instant in every worker.
            assert schedule.slot_start(job.next_run_time) == job.next_run_time
    finally:
        scheduler.shutdown()
    assert scheduler.jobs() == []


# --- the scheduler's thread -------------------------------------------------------------------


def in_a_thread(function) -> list[BaseException]:
    """Run `function` in its own thread with its own connection, as the scheduler's runs."""
    errors: list[BaseException] = []

    def run():
        try:
            function()
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE)
def test_a_wake_up_enqueues_the_task_in_the_database_queue():
    from django_tasks_db.models import DBTaskResult

    scheduler = Scheduler([every(10)], worker_id="w")

    def wake():
        with clock.as_of(NOON):
            scheduler._wake(scheduler.schedules[0])

    assert in_a_thread(wake) == []
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "tests.core.test_scheduler.tick"
    assert ScheduledRun.objects.get(name="tick").task_result_id == str(queued.id)


@pytest.mark.django_db(transaction=True)
def test_a_wake_up_that_fails_is_logged_and_the_thread_goes_on(caplog):
    scheduler = Scheduler([Schedule("tick", QueueDown(), timedelta(minutes=10))], worker_id="w")
    with caplog.at_level(logging.ERROR, logger="civiclab.core.scheduler"):
        assert in_a_thread(lambda: scheduler._wake(scheduler.schedules[0])) == []
    assert "Could not enqueue the scheduled task tick." in caplog.text
    assert not ScheduledRun.objects.exclude(slot=None).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL for parallel connections"
)
@override_settings(TASKS=DATABASE)
def test_many_workers_waking_at_the_same_instant_enqueue_one_run():
    from django_tasks_db.models import DBTaskResult

    workers = 8
    barrier = threading.Barrier(workers)
    fired: list[str] = []
    errors: list[BaseException] = []
    schedule = every(10)

    def wake(worker_id: str) -> None:
        try:
            barrier.wait()
            if schedule_fire(schedule, worker_id=worker_id, at=NOON) is not None:
                fired.append(worker_id)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wake, args=(f"w{n}",)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(fired) == 1
    assert DBTaskResult.objects.count() == 1
    assert ScheduledRun.objects.get(name="tick").fired_by == fired[0]


# --- several processes on one SQLite file -------------------------------------------------------

FIRE = """
from datetime import UTC, datetime
from civiclab.core.scheduler import schedule_fire, schedules_from_settings
[housekeeping] = [s for s in schedules_from_settings() if s.name == "housekeeping"]
fired = schedule_fire(housekeeping, worker_id="{worker}", at=datetime(2030, 6, 3, 12, tzinfo=UTC))
print("fired" if fired else "skipped")
"""


def _civiclab(data_dir: Path, *args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "civiclab.config.settings.dev",
        "CIVICLAB_DATA_DIR": str(data_dir),
        "LOG_LEVEL": "WARNING",
        "DEBUG": "0",
    }
    env.pop("DATABASE_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "civiclab.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_worker_processes_sharing_an_sqlite_file_enqueue_a_slot_once(tmp_path):
    migrate = _civiclab(tmp_path, "migrate", "-v0")
    assert migrate.wait(timeout=120) == 0, migrate.stderr.read()
    processes = [
        _civiclab(tmp_path, "shell", "-c", FIRE.format(worker=f"process-{n}")) for n in range(4)
    ]
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        outputs.append(out.strip().splitlines()[-1])
    assert sorted(outputs) == ["fired", "skipped", "skipped", "skipped"]
    with sqlite3.connect(tmp_path / "civiclab.sqlite3") as db:
        queued = db.execute("SELECT task_path FROM django_tasks_database_dbtaskresult").fetchall()
        runs = db.execute("SELECT name, slot FROM core_scheduledrun").fetchall()
    assert queued == [("civiclab.core.tasks.purge_expired",)]
    assert [name for name, _ in runs] == ["housekeeping"]
