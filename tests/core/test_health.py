"""The health check load balancers poll: database and task queue."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_an_empty_queue_as_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["task_queue"] == {
        "status": "ok",
        "ready": 0,
        "oldest_ready_age_seconds": 0,
    }
    assert "no-cache" in response["Cache-Control"]


def _ready_task(enqueued_ago: timedelta) -> DBTaskResult:
    task = DBTaskResult.objects.create(
        status=TaskResultStatus.READY,
        task_path="civiclab.core.tasks.purge_expired",
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        priority=0,
        run_after=timezone.now(),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - enqueued_ago)
    return task


def test_a_queue_backlog_is_reported_but_not_fatal(client):
    _ready_task(timedelta(minutes=10))
    _ready_task(timedelta(minutes=1))
    response = client.get("/healthz")
    assert response.status_code == 200
    queue = response.json()["checks"]["task_queue"]
    assert queue["ready"] == 2
    assert 590 <= queue["oldest_ready_age_seconds"] <= 700


def test_healthz_is_503_when_the_database_fails(client):
    with mock.patch("civiclab.core.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"]["status"] == "error"
