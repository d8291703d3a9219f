"""`civiclab worker`: runs queued background tasks from the database until stopped."""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand


class Command(DatabaseWorkerCommand):
    help = (
        "Run background tasks (exports, tallies, e-mails, housekeeping) from the database "
        "queue. Start one or more next to `civiclab serve`; `--batch` runs what is queued, "
        "then exits."
    )
