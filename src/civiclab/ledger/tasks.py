"""Background work of the ledger: the periodic checkpoint.

django-tasks has no scheduler of its own. Schedule a checkpoint with cron (or a systemd
timer), either directly:

    */10 * * * *  civiclab ledger checkpoint

or by enqueueing this task for the worker (`civiclab worker`) from any scheduler:

    from civiclab.ledger.tasks import issue_checkpoint; issue_checkpoint.enqueue()
"""

from django_tasks import task

from .services import checkpoint_issue


@task()
def issue_checkpoint() -> int:
    """Sign the current tree head if it grew since the last checkpoint; returns its size."""
    checkpoint, _ = checkpoint_issue()
    return checkpoint.size
