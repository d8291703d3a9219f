"""The demo installation: two public bodies, a person for every role, residents, and the city's
challenges with their ideas, threads, evaluations and a selection.

What the demo says (people, texts, threads, plans) is data in `civiclab/demo/content/`; the code
that seeds it through the services is in `civiclab/demo/steps/`, one module per app. This module
keeps the order of the steps and runs them in one transaction. Each step is idempotent (it
looks things up before creating them), so running the seed again changes nothing, and running
it on an older demo database adds what newer steps bring. Later features add their steps to
`STEPS`.

Everything here is DEMO ONLY: every account shares one published password.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test.utils import override_settings

from civiclab.core import clock
from civiclab.core.notifications import emails_withheld

from .content import DemoPerson, demo_content
from .steps import SeedContext, accounts, challenges, ledger, organisations

DEMO_PASSWORD = "civiclab-demo"

Step = Callable[[SeedContext], None]

STEPS: list[Step] = [
    accounts.seed_platform_admin,
    organisations.seed_organisations,
    organisations.seed_members,
    accounts.seed_residents,
    ledger.seed_ledger,
    challenges.seed_challenges,
]


def is_seeded() -> bool:
    email = demo_content().administrator.email
    return get_user_model().objects.filter(email=email).exists()


def seed_demo() -> SeedContext:
    """Run every step in one transaction: the demo is seeded completely or not at all."""
    ctx = SeedContext(
        content=demo_content(), password_hash=make_password(DEMO_PASSWORD), now=clock.now()
    )
    # The demo's people have made-up addresses: what the steps tell them stays in-app (their
    # notifications), and no e-mail is sent or queued when the seed commits.
    quiet = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    with quiet, emails_withheld(), transaction.atomic():
        for step in STEPS:
            step(ctx)
    return ctx


def demo_logins() -> list[tuple[str, list[DemoPerson]]]:
    """The demo accounts, grouped for printing: (heading, people)."""
    content = demo_content()
    return [
        ("Platform", [content.administrator]),
        *[
            (organisation.name, list(organisation.members))
            for organisation in content.organisations
        ],
        ("Residents (citizens)", list(content.residents)),
    ]
