"""Background work of the ledger: the periodic checkpoint.

`civiclab worker` enqueues `issue_checkpoint` every ten minutes (`settings.SCHEDULE`,
`SCHEDULE_LEDGER_CHECKPOINT_SECONDS`); `civiclab ledger checkpoint` signs one at once.
"""

from django_tasks import task

from .services import checkpoint_cosign, checkpoint_issue


@task()
def issue_checkpoint() -> int:
    """Sign the current tree head if it grew since the last checkpoint, and have the
    witnesses (LEDGER_WITNESSES) cosign it; returns its size."""
    checkpoint, _ = checkpoint_issue()
    checkpoint_cosign(checkpoint=checkpoint)
    return checkpoint.size
