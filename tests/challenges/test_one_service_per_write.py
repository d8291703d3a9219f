"""Pages, API and the demo seed reach the same service for the same write, so each write is
checked, audited and made atomic in one place."""

from civiclab.challenges.api import challenges as challenges_api
from civiclab.challenges.api import scorecards as scorecards_api
from civiclab.challenges.services import challenges as challenge_services
from civiclab.challenges.services import evaluation as evaluation_services
from civiclab.challenges.views import challenges as challenges_pages
from civiclab.challenges.views import evaluation as evaluation_pages
from civiclab.demo.steps import challenges as demo_steps


def test_pages_api_and_demo_create_and_change_challenges_through_the_same_services():
    assert challenges_pages.services.challenge_create is challenge_services.challenge_create
    assert challenges_api.challenge_create is challenge_services.challenge_create
    assert demo_steps.challenge_create is challenge_services.challenge_create
    assert challenges_pages.services.challenge_update is challenge_services.challenge_update
    assert challenges_api.challenge_update is challenge_services.challenge_update


def test_page_and_api_change_the_scorecard_through_the_same_service():
    assert evaluation_pages.services.scorecard_replace is evaluation_services.scorecard_replace
    assert scorecards_api.scorecard_replace is evaluation_services.scorecard_replace
    assert demo_steps.scorecard_replace is evaluation_services.scorecard_replace


def test_no_page_or_endpoint_opens_its_own_transaction():
    from pathlib import Path

    package = Path(challenge_services.__file__).parent.parent
    offenders = [
        str(path.relative_to(package))
        for folder in ("views", "api", "templatetags", "management")
        for path in (package / folder).rglob("*.py")
        if "transaction.atomic" in path.read_text()
    ]
    assert offenders == []
