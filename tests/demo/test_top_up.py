import io

import pytest
from django.core.management import call_command

from civiclab.challenges.models import Challenge
from civiclab.demo import seed


@pytest.mark.django_db
def test_running_the_demo_again_adds_what_newer_seed_steps_bring(monkeypatch):
    older_steps = [step for step in seed.STEPS if step.__name__ != "seed_challenges"]
    monkeypatch.setattr(seed, "STEPS", older_steps)
    seed.seed_demo()
    assert not Challenge.objects.filter(is_idea_box=False).exists()
    monkeypatch.undo()

    out = io.StringIO()
    call_command("demo", no_serve=True, stdout=out)

    assert "adding only what is missing" in out.getvalue()
    assert Challenge.objects.filter(is_idea_box=False).count() == 3
