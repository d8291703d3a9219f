"""The `civiclab` commands: demo, serve and worker."""

import os
import socket
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.test import override_settings

from civiclab.core.jobs import job_start
from civiclab.core.models import JobProgress
from civiclab.core.tasks import purge_expired
from civiclab.demo.content import demo_content
from civiclab.demo.management.commands import serve

CIVICLAB = Path(sys.executable).with_name("civiclab")


# --- serve --------------------------------------------------------------------------------


def test_development_server_only_when_debug_is_on():
    assert serve.choose_server(debug=True) == "runserver"
    assert serve.choose_server(debug=False) == "gunicorn"


@pytest.fixture
def started(monkeypatch):
    """Record which server `civiclab serve` would start instead of starting it."""
    calls = []
    monkeypatch.setattr(
        serve, "call_command", lambda *args, **kwargs: calls.append(("runserver", args, kwargs))
    )
    monkeypatch.setattr(serve, "run_gunicorn", lambda options: calls.append(("gunicorn", options)))
    return calls


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@override_settings(DEBUG=True)
def test_serve_with_debug_runs_the_development_server(started):
    port = free_port()
    call_command("serve", port=port, stdout=StringIO())
    [(server, args, _)] = started
    assert server == "runserver"
    assert args == ("runserver", f"127.0.0.1:{port}")


@override_settings(DEBUG=False)
def test_serve_without_debug_runs_gunicorn_with_web_concurrency_workers(started, monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    port = free_port()
    call_command("serve", port=port, host="0.0.0.0", stdout=StringIO())
    [(server, options)] = started
    assert server == "gunicorn"
    assert options["bind"] == f"0.0.0.0:{port}"
    assert options["workers"] == 3


def test_a_bad_web_concurrency_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "lots")
    with pytest.raises(CommandError, match="WEB_CONCURRENCY"):
        serve.worker_count()


def test_a_port_in_use_is_a_clear_error(started):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(CommandError, match=f"Port {port} .* already in use"):
            call_command("serve", port=port)
    assert started == []


def test_gunicorn_application_serves_the_civiclab_wsgi_app(monkeypatch):
    from gunicorn.app.base import BaseApplication

    loaded = {}

    def run(self):
        loaded.update(app=self.load(), workers=self.cfg.workers, bind=self.cfg.bind)

    monkeypatch.setattr(BaseApplication, "run", run)
    serve.run_gunicorn(serve.gunicorn_options(host="127.0.0.1", port=8765, workers=2))
    from django.core.handlers.wsgi import WSGIHandler

    assert isinstance(loaded.pop("app"), WSGIHandler)
    assert loaded == {"workers": 2, "bind": ["127.0.0.1:8765"]}


# --- worker -------------------------------------------------------------------------------


def test_worker_is_a_civiclab_command():
    assert get_commands()["worker"] == "civiclab.demo"


@pytest.mark.django_db(transaction=True)
def test_worker_runs_queued_tasks_from_the_database():
    database_backend = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with override_settings(TASKS=database_backend):
        job = job_start(owner=None, label="Housekeeping", total=4)
        result = purge_expired.enqueue(job_id=str(job.pk))
        assert JobProgress.objects.get(pk=job.pk).state == JobProgress.State.QUEUED
        call_command("worker", batch=True, startup_delay=False, reload=False, verbosity=0)
        result.refresh()
        assert result.status == "SUCCESSFUL"
    assert JobProgress.objects.get(pk=job.pk).state == JobProgress.State.DONE


# --- demo, end to end in a separate process ------------------------------------------------


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


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchone()[0]


def snapshot(db: Path) -> tuple[int, int, int]:
    return (
        count(db, "SELECT COUNT(*) FROM accounts_user"),
        count(db, "SELECT COUNT(*) FROM organisations_organisation"),
        count(db, "SELECT COUNT(*) FROM organisations_membership"),
    )


def test_demo_seeds_once_keeps_data_and_starts_over_on_reset(tmp_path):
    db = tmp_path / "civiclab.sqlite3"

    first = run_civiclab(tmp_path, "demo", "--no-serve")
    assert first.returncode == 0, first.stderr
    assert "DEMO ONLY" in first.stdout
    assert "civiclab-demo" in first.stdout
    assert "admin@eastbrook.example" in first.stdout
    # The printed logins work with the password alone, and the output says why.
    assert "Two-step sign-in is optional here" in first.stdout
    seeded = snapshot(db)
    # Every person of the demo's content, and every role they hold.
    people = demo_content().people()
    assert seeded == (len(people), 2, sum(len(person.roles) for person in people))

    # Something a demo user did since: it must survive a second run.
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE accounts_user SET display_name = 'Renamed' WHERE id = 1")
    second = run_civiclab(tmp_path, "demo", "--no-serve")
    assert second.returncode == 0, second.stderr
    assert "keeping it" in second.stdout
    assert snapshot(db) == seeded
    assert count(db, "SELECT COUNT(*) FROM accounts_user WHERE display_name = 'Renamed'") == 1

    reset = run_civiclab(tmp_path, "demo", "--no-serve", "--reset")
    assert reset.returncode == 0, reset.stderr
    assert snapshot(db) == seeded
    assert count(db, "SELECT COUNT(*) FROM accounts_user WHERE display_name = 'Renamed'") == 0


def test_demo_uses_the_sqlite_file_named_by_database_url(tmp_path):
    elsewhere = tmp_path / "elsewhere" / "x.db"
    result = run_civiclab(
        tmp_path / "data", "demo", "--no-serve", DATABASE_URL=f"sqlite:///{elsewhere}"
    )
    assert result.returncode == 0, result.stderr
    assert snapshot(elsewhere)[1] == 2
    assert not (tmp_path / "data" / "civiclab.sqlite3").exists()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        ({"DATABASE_URL": "sqlite:////proc/no/such/place.db"}, "/proc/no"),
        ({"CIVICLAB_DATA_DIR": "/proc/no-such-dir"}, "CIVICLAB_DATA_DIR"),
    ],
)
def test_bad_configuration_is_one_clear_line_and_a_failure(tmp_path, env, message):
    data_dir = Path(env.pop("CIVICLAB_DATA_DIR", tmp_path))
    result = run_civiclab(data_dir, "demo", "--no-serve", **env)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_demo_refuses_a_port_in_use_before_doing_anything(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_civiclab(tmp_path, "demo", "--port", str(port))
    assert result.returncode != 0
    assert "already in use" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "civiclab.sqlite3").exists()
