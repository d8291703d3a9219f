"""Seeding the demo sends no e-mail: its people have made-up addresses."""

import pytest
from django.core import mail

from civiclab.core.models import Notification
from civiclab.demo.seed import seed_demo


@pytest.mark.django_db(transaction=True)
def test_seeding_sends_no_email_but_keeps_the_in_app_notifications():
    seed_demo()
    assert mail.outbox == []
    assert Notification.objects.filter(verb="challenges.idea_status_changed").exists()
