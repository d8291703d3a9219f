from datetime import UTC, datetime

import pytest
from django.utils import timezone

from civiclab.core import clock


def test_now_is_the_real_time_outside_as_of():
    before = timezone.now()
    assert before <= clock.now() <= timezone.now()


def test_as_of_sets_the_moment_for_the_block_only():
    moment = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    with clock.as_of(moment):
        assert clock.now() == moment
        assert clock.today().isoformat() == "2024-03-01"
    assert clock.now() != moment


def test_as_of_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="aware"), clock.as_of(datetime(2024, 3, 1, 12, 0)):
        pass
