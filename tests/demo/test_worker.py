"""`civiclab worker`: runs tasks and keeps the schedule of periodic work in the same process."""

import os
import subprocess
import sys
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from civiclab.core.models import ScheduledRun
from civiclab.demo.management.commands.worker import every_label
from civiclab.ledger.models import Checkpoint

CIVICLAB = Path(sys.executable).with_name("civiclab")
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
A_YEAR = 366 * 24 * 60 * 60  # so no slot boundary falls inside a test
YEARLY = {
    "ledger-checkpoint": {"task": "civiclab.ledger.tasks.issue_checkpoint", "every": A_YEAR},
    "housekeeping": {"task": "civiclab.core.tasks.purge_expired", "every": A_YEAR},
}
QUIET = {"startup_delay": False, "reload": False, "interval": 0}


def scheduler_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "APScheduler" and t.is_alive()]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE, SCHEDULE=YEARLY)
def test_the_worker_enqueues_the_due_periodic_work_and_runs_it():
    from django_tasks_db.models import DBTaskResult

    out = StringIO()
    call_command("worker", max_tasks=2, worker_id="the-worker", stdout=out, **QUIET)
    results = dict(DBTaskResult.objects.values_list("task_path", "status"))
    assert results == {
        "civiclab.ledger.tasks.issue_checkpoint": "SUCCESSFUL",
        "civiclab.core.tasks.purge_expired": "SUCCESSFUL",
    }
    assert Checkpoint.objects.exists()
    assert set(ScheduledRun.objects.values_list("name", "fired_by")) == {
        ("ledger-checkpoint", "the-worker"),
        ("housekeeping", "the-worker"),
    }
    text = out.getvalue()
    assert "Scheduled ledger-checkpoint: every 366 days, next at " in text
    assert "Scheduled housekeeping: every 366 days" in text
    assert scheduler_threads() == []


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE, SCHEDULE=YEARLY)
def test_a_second_worker_finds_the_runs_taken_and_enqueues_nothing():
    from django_tasks_db.models import DBTaskResult

    call_command("worker", max_tasks=2, worker_id="first", stdout=StringIO(), **QUIET)
    # The second worker gets one ordinary task; the schedule adds nothing for it to run.
    from civiclab.core.tasks import purge_expired

    purge_expired.enqueue()
    call_command("worker", max_tasks=1, worker_id="second", stdout=StringIO(), **QUIET)
    assert DBTaskResult.objects.count() == 3
    assert set(ScheduledRun.objects.values_list("fired_by", flat=True)) == {"first"}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE, SCHEDULE=YEARLY)
@pytest.mark.parametrize("options", [{"batch": True}, {"no_scheduler": True, "max_tasks": 1}])
def test_a_batch_run_or_no_scheduler_only_runs_tasks(options):
    from civiclab.core.tasks import purge_expired

    result = purge_expired.enqueue()
    call_command("worker", stdout=StringIO(), verbosity=0, **QUIET, **options)
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert not ScheduledRun.objects.exists()


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE, SCHEDULE=YEARLY)
def test_with_reload_the_watching_parent_leaves_the_schedule_to_its_child(monkeypatch):
    from django_tasks_db.management.commands import db_worker

    started = []
    monkeypatch.delenv("RUN_MAIN", raising=False)
    monkeypatch.setattr(db_worker, "run_with_reloader", started.append)
    call_command("worker", reload=True, startup_delay=False, stdout=StringIO())
    assert len(started) == 1
    assert not ScheduledRun.objects.exists()


@pytest.mark.django_db
@override_settings(
    TASKS=DATABASE, SCHEDULE={"nightly": {"task": "civiclab.core.tasks.no_such", "every": 60}}
)
def test_a_bad_schedule_stops_the_worker_with_a_clear_error():
    with pytest.raises(CommandError, match=r"SCHEDULE\['nightly'\]\['task'\]: cannot import"):
        call_command("worker", stdout=StringIO(), **QUIET)


@pytest.mark.django_db
@override_settings(
    TASKS=DATABASE, SCHEDULE={"off": {"task": "civiclab.core.tasks.purge_expired", "every": 0}}
)
def test_a_worker_with_nothing_to_schedule_says_so(monkeypatch):
    from django_tasks_db.management.commands.db_worker import Worker

    monkeypatch.setattr(Worker, "run", lambda self: None)
    out = StringIO()
    call_command("worker", stdout=out, **QUIET)
    assert "No periodic work is scheduled" in out.getvalue()


def test_intervals_read_as_people_say_them():
    assert [every_label(s) for s in (600, 3600, 86400, 7200, 90, 60)] == [
        "10 minutes",
        "1 hour",
        "1 day",
        "2 hours",
        "90 seconds",
        "1 minute",
    ]


# --- the command line -------------------------------------------------------------------------


def run_civiclab(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY"}
    }
    environment.update(CIVICLAB_DATA_DIR=str(data_dir), **env)
    return subprocess.run(
        [str(CIVICLAB), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_the_help_explains_the_schedule(tmp_path):
    result = run_civiclab(tmp_path, "worker", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "periodic work of SCHEDULE" in text
    assert "--no-scheduler" in text


@pytest.mark.parametrize(
    ("args", "env", "code", "message"),
    [
        (["--bogus"], {}, 2, "civiclab worker: error: unrecognized arguments: --bogus"),
        (
            ["--interval=-1"],
            {},
            2,
            "civiclab worker: error: argument --interval: Must be zero or greater",
        ),
        (
            [],
            {"SCHEDULE_HOUSEKEEPING_SECONDS": "nightly"},
            1,
            "civiclab: error: configuration problem: SCHEDULE_HOUSEKEEPING_SECONDS must be a "
            "whole number of seconds (0 turns it off), not 'nightly'.",
        ),
    ],
)
def test_a_bad_option_or_setting_is_one_line_and_a_failure(tmp_path, args, env, code, message):
    result = run_civiclab(tmp_path, "worker", "--no-reload", *args, **env)
    assert result.returncode == code
    assert result.stderr.strip().splitlines() == [message]
