import pytest
from django.core.management import call_command

from civiclab.organisations.models import Cofog, Sector


@pytest.mark.django_db(transaction=True)
def test_cofog_sectors_survive_a_database_flush():
    call_command("flush", interactive=False, verbosity=0)

    assert sorted(Sector.objects.values_list("code", flat=True)) == sorted(Cofog.values)
