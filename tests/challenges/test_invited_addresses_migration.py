"""Migration 0002 turns the accounts invited to a challenge into invited addresses, and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("challenges", "0001_initial")]
AFTER = [("challenges", "0002_invited_addresses")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_invited_accounts_become_invited_addresses_and_back():
    old = migrate(BEFORE)
    User = old.get_model("accounts", "User")
    Organisation = old.get_model("organisations", "Organisation")
    Challenge = old.get_model("challenges", "Challenge")
    guest = User.objects.create(email="Guest@Example.org", display_name="Guest")
    organisation = Organisation.objects.create(
        name="Migrated", slug="migrated", country="NL", level="local"
    )
    challenge = Challenge.objects.create(
        organisation=organisation, title="Old", slug="old", audience="invited"
    )
    challenge.invited.add(guest)
    try:
        new = migrate(AFTER)
        InvitedAddress = new.get_model("challenges", "InvitedAddress")
        assert list(InvitedAddress.objects.values_list("challenge_id", "email")) == [
            (challenge.pk, "guest@example.org")
        ]
        old = migrate(BEFORE)
        Challenge = old.get_model("challenges", "Challenge")
        assert list(
            Challenge.objects.get(pk=challenge.pk).invited.values_list("pk", flat=True)
        ) == [guest.pk]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
