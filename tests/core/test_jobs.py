"""Job progress services and the housekeeping task that reports through them."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from civiclab.core.access import NotVisible, job_for_user
from civiclab.core.jobs import job_advance, job_fail, job_finish, job_start
from civiclab.core.models import JobProgress, SubmissionKey
from civiclab.core.tasks import purge_expired
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
State = JobProgress.State


def fresh(job):
    return JobProgress.objects.get(pk=job.pk)


def test_a_started_job_is_queued_at_zero_percent():
    owner = UserFactory()
    job = job_start(owner=owner, label="Export ideas", total=4)
    assert (job.state, job.done, job.total, job.percent) == (State.QUEUED, 0, 4, 0)
    assert job.owner == owner


def test_advancing_runs_the_job_and_updates_percent_and_message():
    job = job_start(owner=None, label="Tally ballots", total=4)
    job_advance(job.pk, done=1, message="Counted ward 1")
    job = fresh(job)
    assert (job.state, job.percent, job.message) == (State.RUNNING, 25, "Counted ward 1")


def test_finishing_shows_100_percent_and_the_result():
    job = job_start(owner=None, label="Export", total=10)
    job_advance(job.pk, done=3)
    job_finish(job.pk, result_url="/exports/42/")
    job = fresh(job)
    assert job.finished
    assert (job.state, job.percent, job.done, job.result_url) == (
        State.DONE,
        100,
        10,
        "/exports/42/",
    )


def test_failing_keeps_the_message_and_later_updates_are_ignored():
    job = job_start(owner=None, label="Import", total=5)
    job_advance(job.pk, done=2)
    job_fail(job.pk, message="Row 3 has no e-mail address.")
    job_advance(job.pk, done=5, message="late")
    job_finish(job.pk)
    job = fresh(job)
    assert (job.state, job.done, job.message) == (State.FAILED, 2, "Row 3 has no e-mail address.")


def test_a_negative_total_is_refused():
    with pytest.raises(ValueError, match="negative"):
        job_start(owner=None, label="Nothing", total=-1)


def test_only_the_owner_or_a_platform_admin_sees_a_job():
    owner, other = UserFactory(), UserFactory()
    admin = UserFactory(is_superuser=True)
    job = job_start(owner=owner, label="Export", total=1)
    assert job_for_user(user=owner, pk=job.pk) == job
    assert job_for_user(user=admin, pk=job.pk) == job
    # Someone else's job answers as if there were none: its id confirms nothing.
    with pytest.raises(NotVisible):
        job_for_user(user=other, pk=job.pk)


def test_an_unknown_job_is_not_found():
    import uuid

    with pytest.raises(NotVisible):
        job_for_user(user=UserFactory(), pk=uuid.uuid4())


def make_session(*, expires_in: timedelta) -> str:
    store = SessionStore()
    store["note"] = "x"
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() + expires_in)
    return store.session_key


def test_housekeeping_removes_expired_things_and_reports_progress():
    expired = make_session(expires_in=timedelta(days=-1))
    current = make_session(expires_in=timedelta(days=1))
    old_job = job_start(owner=None, label="Old export", total=1)
    job_finish(old_job.pk)
    JobProgress.objects.filter(pk=old_job.pk).update(updated_at=timezone.now() - timedelta(days=90))
    recent_job = job_start(owner=None, label="Recent export", total=1)
    job_finish(recent_job.pk)
    unfinished_old = job_start(owner=None, label="Stuck", total=1)
    JobProgress.objects.filter(pk=unfinished_old.pk).update(
        updated_at=timezone.now() - timedelta(days=90)
    )

    person = UserFactory()
    old_key = SubmissionKey.objects.create(user=person, key="old-form", scope="idea:1")
    SubmissionKey.objects.filter(pk=old_key.pk).update(
        created_at=timezone.now() - timedelta(days=90)
    )
    SubmissionKey.objects.create(user=person, key="recent-form", scope="idea:1")

    job = job_start(owner=UserFactory(), label="Housekeeping", total=4)
    result = purge_expired.enqueue(job_id=str(job.pk))

    assert result.return_value == {
        "sessions": 1,
        "jobs": 1,
        "task_results": 0,
        "submission_keys": 1,
    }
    assert list(SubmissionKey.objects.values_list("key", flat=True)) == ["recent-form"]
    assert list(Session.objects.values_list("pk", flat=True)) == [current]
    assert not Session.objects.filter(pk=expired).exists()
    remaining = set(JobProgress.objects.values_list("label", flat=True))
    assert remaining == {"Recent export", "Stuck", "Housekeeping"}
    job = fresh(job)
    assert (job.state, job.percent, job.message) == (State.DONE, 100, "Housekeeping complete")


def test_housekeeping_runs_without_a_progress_record():
    make_session(expires_in=timedelta(days=-1))
    assert purge_expired.enqueue().return_value["sessions"] == 1


def test_housekeeping_failure_marks_the_job_failed(monkeypatch):
    def broken():
        raise RuntimeError("disk full")

    monkeypatch.setattr("civiclab.core.tasks.purge_old_task_results", broken)
    job = job_start(owner=None, label="Housekeeping", total=3)
    result = purge_expired.enqueue(job_id=str(job.pk))
    assert result.status == "FAILED"
    job = fresh(job)
    assert job.state == State.FAILED
    assert job.done == 2
    assert "error" in job.message
