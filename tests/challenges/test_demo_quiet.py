"""Seeding the demo sends no e-mail: its people have made-up addresses."""

import pytest
from django.core import mail
from django_tasks.signals import task_enqueued

from civiclab.core.models import Notification
from civiclab.demo.seed import seed_demo


@pytest.mark.django_db(transaction=True)
def test_seeding_sends_no_email_but_keeps_the_in_app_notifications():
    enqueued = []

    def record(sender, task_result, **kwargs):
        enqueued.append(task_result.task.name)

    task_enqueued.connect(record, dispatch_uid="tests.demo_quiet")
    try:
        seed_demo()
    finally:
        task_enqueued.disconnect(dispatch_uid="tests.demo_quiet")
    assert mail.outbox == []
    # Nor is any left in the queue for a worker to send later.
    assert "send_notification_emails" not in enqueued
    assert Notification.objects.filter(verb="challenges.idea_status_changed").exists()
