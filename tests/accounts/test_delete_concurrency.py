"""Two administrators of one organisation deleting their accounts at the same moment.

Runs on PostgreSQL, where requests really run in parallel; SQLite serialises writers.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from civiclab.accounts.services import user_delete
from civiclab.organisations.models import Membership, Role
from tests.challenges.test_integrity_concurrency import run_together
from tests.factories import OrganisationFactory, member

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL for parallel writers"
    ),
]


def test_two_admins_deleting_their_accounts_at_once_leave_one_admin():
    """Each sees the other as the remaining administrator; only one of them may go."""
    organisation = OrganisationFactory()
    first, second = member(organisation, Role.ADMIN), member(organisation, Role.ADMIN)
    errors = run_together([lambda: user_delete(actor=first), lambda: user_delete(actor=second)])
    assert len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    assert Membership.objects.filter(organisation=organisation, role=Role.ADMIN).count() == 1
