"""Background tasks shared by every app."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_tasks import task
from django_tasks.base import TaskResultStatus

from . import clock
from .jobs import job_advance, job_fail, job_finish
from .models import JobProgress, SubmissionKey

BATCH_SIZE = 500


def _retention() -> timedelta:
    return timedelta(days=getattr(settings, "JOB_RETENTION_DAYS", 30))


def _delete_in_batches(queryset: QuerySet) -> int:
    """Delete a large set a batch at a time, so no single statement locks the table for long."""
    deleted = 0
    while True:
        ids = list(queryset.values_list("pk", flat=True)[:BATCH_SIZE])
        if not ids:
            return deleted
        deleted += queryset.model.objects.filter(pk__in=ids).delete()[0]


def purge_expired_sessions() -> int:
    return _delete_in_batches(Session.objects.filter(expire_date__lt=clock.now()))


def purge_old_jobs(*, keep: uuid.UUID | str | None = None) -> int:
    cutoff = clock.now() - _retention()
    old = JobProgress.objects.filter(
        state__in=[JobProgress.State.DONE, JobProgress.State.FAILED], updated_at__lt=cutoff
    )
    if keep is not None:
        old = old.exclude(pk=keep)
    return _delete_in_batches(old)


def purge_old_task_results() -> int:
    from django_tasks_db.models import DBTaskResult

    cutoff = clock.now() - _retention()
    finished = [TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]
    return _delete_in_batches(
        DBTaskResult.objects.filter(status__in=finished, finished_at__lt=cutoff)
    )


def purge_old_submission_keys() -> int:
    """Forget which form or idempotency key created what once retries are long over."""
    cutoff = clock.now() - _retention()
    return _delete_in_batches(SubmissionKey.objects.filter(created_at__lt=cutoff))


@task()
def purge_expired(job_id: str | None = None) -> dict[str, int]:
    """Housekeeping: remove expired sessions, old finished job and task records and old
    submission keys.

    Reports each step to the job's progress record when `job_id` is given (start it with
    `job_start(owner=..., label=..., total=4)`).
    """
    steps = [
        ("sessions", _("Removing expired sign-in sessions"), purge_expired_sessions),
        ("jobs", _("Removing old background job records"), lambda: purge_old_jobs(keep=job_id)),
        ("task_results", _("Removing old task results"), purge_old_task_results),
        ("submission_keys", _("Removing old submission keys"), purge_old_submission_keys),
    ]
    removed: dict[str, int] = {}
    try:
        for done, (key, message, step) in enumerate(steps):
            if job_id:
                job_advance(job_id, done=done, message=message)
            removed[key] = step()
    except Exception:
        if job_id:
            job_fail(job_id, message=_("Housekeeping stopped with an error; see the logs."))
        raise
    if job_id:
        job_advance(job_id, done=len(steps), message=_("Housekeeping complete"))
        job_finish(job_id)
    return removed
