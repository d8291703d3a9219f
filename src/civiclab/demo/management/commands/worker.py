"""`civiclab worker`: runs queued background tasks and keeps the schedule of periodic work.

The only process a deployment runs besides `civiclab serve`. Each worker also runs the
scheduler (`civiclab.core.scheduler`) in a thread; with several workers, each periodic run is
still enqueued once, because the workers claim it in the database.
"""

import os
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from civiclab.core.scheduler import Scheduler, schedules_from_settings


def every_label(seconds: float) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = int(seconds // size)
            return f"{count} {unit}" if count == 1 else f"{count} {unit}s"
    return f"{int(seconds)} seconds"


class Command(DatabaseWorkerCommand):
    help = (
        "Run background tasks (exports, tallies, e-mails) from the database queue, and enqueue "
        "the periodic work of SCHEDULE (ledger checkpoints, trending, housekeeping) on time. "
        "Start one or more next to `civiclab serve`: each periodic run is enqueued once however "
        "many workers run. `--batch` runs what is queued, then exits, without the schedule."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # A mistyped option gets one line (`civiclab worker: error: ...`), not the whole
        # usage block before it; `--help` still prints everything.
        parser.print_usage = lambda file=None: None  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="Only run tasks; leave the periodic work to the other workers.",
        )

    def handle(self, **options: Any) -> None:
        scheduler = None
        wanted = not (options["batch"] or options.pop("no_scheduler", False))
        # With --reload the parent process only watches files; the worker runs in its child.
        runs_here = not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        if wanted and runs_here:
            scheduler = self.start_scheduler(options["worker_id"], options["verbosity"])
        try:
            super().handle(**options)
        finally:
            if scheduler is not None:
                scheduler.shutdown()

    def start_scheduler(self, worker_id: str, verbosity: int) -> Scheduler | None:
        try:
            schedules = schedules_from_settings()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        if not schedules:
            if verbosity:
                self.stdout.write("No periodic work is scheduled (SCHEDULE is empty or all 0).")
            return None
        scheduler = Scheduler(schedules, worker_id=worker_id)
        scheduler.start()
        if verbosity:
            for job in scheduler.jobs():
                schedule = job.args[0]
                every = every_label(schedule.every.total_seconds())
                self.stdout.write(
                    f"Scheduled {schedule.name}: every {every}, "
                    f"next at {job.next_run_time:%Y-%m-%d %H:%M:%S} UTC."
                )
        return scheduler
