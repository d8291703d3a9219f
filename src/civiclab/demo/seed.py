"""The demo installation: two public bodies, a person for every role, and some residents.

The seed is a list of steps run in order inside one transaction. Each step is idempotent (it
looks things up before creating them), so running the seed again changes nothing. Later
features add their own steps to `STEPS`.

Everything here is DEMO ONLY: every account shares one published password.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from civiclab.organisations.models import Cofog, Level, Organisation, Role
from civiclab.organisations.services import member_set_roles, organisation_create

DEMO_PASSWORD = "civiclab-demo"
PLATFORM_ADMIN_EMAIL = "platform-admin@civiclab.example"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    display_name: str
    description: str
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    profile: dict[str, Any]
    sectors: tuple[str, ...]
    people: tuple[DemoPerson, ...]


EASTBROOK = DemoOrganisation(
    slug="eastbrook",
    name="City of Eastbrook",
    profile={
        "summary": (
            "A city council in the East Midlands serving 182,400 residents: housing, "
            "waste and recycling, parks, planning and local transport."
        ),
        "country": "GB",
        "level": Level.LOCAL,
        "population_served": 182_400,
        "time_zone": "Europe/London",
        "website": "https://www.eastbrook.example",
        "governance_notes": (
            "Unitary authority run by a leader and cabinet of eight portfolio holders, "
            "elected for four-year terms; decisions above £500,000 go to full council. A "
            "scrutiny committee reviews cabinet decisions and can call them in. Residents' "
            "panels in each of the six wards are consulted on local spending, and the council "
            "has published its procurement pipeline and spending over £500 since 2014. The "
            "innovation team sits in the Chief Executive's office and reports quarterly to "
            "the cabinet member for Resources and Transformation."
        ),
    },
    sectors=(
        Cofog.GENERAL_PUBLIC_SERVICES,
        Cofog.HOUSING_AND_COMMUNITY,
        Cofog.ENVIRONMENTAL_PROTECTION,
    ),
    people=(
        DemoPerson(
            "admin@eastbrook.example",
            "Helen Okafor",
            "Head of Digital Services, organisation administrator",
            (Role.ADMIN,),
        ),
        DemoPerson(
            "innovation-lead@eastbrook.example",
            "Tom Gallagher",
            "Innovation Lead, runs challenges and the portfolio",
            (Role.INNOVATION_LEAD,),
        ),
        DemoPerson(
            "decision-maker@eastbrook.example",
            "Councillor Margaret Osei",
            "Cabinet Member for Resources and Transformation",
            (Role.DECISION_MAKER,),
        ),
        DemoPerson(
            "evaluator@eastbrook.example",
            "Rajesh Patel",
            "Senior Housing Officer, scores ideas and gates",
            (Role.EVALUATOR,),
        ),
        DemoPerson(
            "moderator@eastbrook.example",
            "Claire Dubois",
            "Community Engagement Officer, moderates contributions",
            (Role.MODERATOR,),
        ),
        DemoPerson(
            "staff@eastbrook.example",
            "Owen Hughes",
            "Waste and Recycling Supervisor",
            (Role.STAFF,),
        ),
    ),
)

AGENCY = DemoOrganisation(
    slug="digital-agency",
    name="National Agency for Digital Public Services",
    profile={
        "summary": (
            "The national agency that builds and runs shared digital services: identity, "
            "notifications, the government portal and the benefits application service."
        ),
        "country": "NL",
        "level": Level.NATIONAL,
        "population_served": 17_900_000,
        "time_zone": "Europe/Amsterdam",
        "website": "https://www.digitalagency.example",
        "governance_notes": (
            "An executive agency under the Ministry of the Interior, led by a director-general "
            "who answers to the minister; a supervisory board of representatives from "
            "municipalities, provinces and water boards agrees the annual portfolio. Consensus "
            "across levels of government is the norm, and new shared services are piloted "
            "with a small group of municipalities before national roll-out. Accessibility and "
            "privacy impact assessments are mandatory before any service goes live."
        ),
    },
    sectors=(Cofog.GENERAL_PUBLIC_SERVICES, Cofog.SOCIAL_PROTECTION),
    people=(
        DemoPerson(
            "admin@digitalagency.example",
            "Sanne de Vries",
            "Portfolio Office Manager, organisation administrator",
            (Role.ADMIN,),
        ),
        DemoPerson(
            "innovation-lead@digitalagency.example",
            "Joost van den Berg",
            "Head of the Innovation Lab",
            (Role.INNOVATION_LEAD,),
        ),
        DemoPerson(
            "decision-maker@digitalagency.example",
            "Dr Fatima El Amrani",
            "Deputy Director-General, chairs gate reviews",
            (Role.DECISION_MAKER,),
        ),
        DemoPerson(
            "evaluator@digitalagency.example",
            "Pieter Jansen",
            "Lead Service Designer, scores ideas and gates",
            (Role.EVALUATOR,),
        ),
        DemoPerson(
            "moderator@digitalagency.example",
            "Lotte Visser",
            "Citizen Participation Adviser, moderates contributions",
            (Role.MODERATOR,),
        ),
        DemoPerson(
            "staff@digitalagency.example",
            "Daan Bakker",
            "Developer on the notifications service",
            (Role.STAFF,),
        ),
    ),
)

ORGANISATIONS = (EASTBROOK, AGENCY)

PLATFORM_ADMIN = DemoPerson(
    PLATFORM_ADMIN_EMAIL, "Alex Morgan", "Platform administrator (Django admin)"
)

CITIZENS = (
    DemoPerson("amira.haddad@residents.example", "Amira Haddad", "Resident of Northgate ward"),
    DemoPerson("james.whitfield@residents.example", "James Whitfield", "Resident, cyclist"),
    DemoPerson("grace.mensah@residents.example", "Grace Mensah", "Parent, tenants' association"),
    DemoPerson("ewa.kowalska@residents.example", "Ewa Kowalska", "Small business owner"),
    DemoPerson(
        "noah.peters@residents.example", "Noah Peters", "Student, uses the benefits service"
    ),
)


@dataclass
class SeedContext:
    """What the steps share: the people and organisations made so far."""

    password_hash: str
    platform_admin: Any = None
    organisations: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)


def _person(ctx: SeedContext, person: DemoPerson, **extra: Any):
    """The demo user with this e-mail, created (confirmed, demo password) if missing."""
    User = get_user_model()
    user = User.objects.filter(email=person.email).first()
    if user is None:
        user = User(
            email=person.email,
            display_name=person.display_name,
            email_confirmed_at=timezone.now(),
            password=ctx.password_hash,
            **extra,
        )
        user.save()
    ctx.users[person.email] = user
    return user


def seed_platform_admin(ctx: SeedContext) -> None:
    ctx.platform_admin = _person(ctx, PLATFORM_ADMIN, is_staff=True, is_superuser=True)


def seed_organisations(ctx: SeedContext) -> None:
    for demo in ORGANISATIONS:
        organisation = Organisation.objects.filter(slug=demo.slug).first()
        if organisation is None:
            organisation = organisation_create(
                actor=ctx.platform_admin,
                name=demo.name,
                slug=demo.slug,
                sectors=[str(code) for code in demo.sectors],
                **demo.profile,
            )
        ctx.organisations[demo.slug] = organisation


def seed_members(ctx: SeedContext) -> None:
    for demo in ORGANISATIONS:
        organisation = ctx.organisations[demo.slug]
        for person in demo.people:
            user = _person(ctx, person)
            # Idempotent: the service records a change only when the roles differ.
            member_set_roles(
                actor=ctx.platform_admin,
                organisation=organisation,
                user=user,
                roles=[str(role) for role in person.roles],
            )


def seed_citizens(ctx: SeedContext) -> None:
    for person in CITIZENS:
        _person(ctx, person)


def seed_ledger(ctx: SeedContext) -> None:
    from civiclab.ledger.demo import seed_demo_ledger

    seed_demo_ledger(ctx.organisations.values())


def seed_challenges(ctx: SeedContext) -> None:
    from civiclab.challenges.demo import seed_challenges as seed

    seed(ctx)


Step = Callable[[SeedContext], None]

STEPS: list[Step] = [
    seed_platform_admin,
    seed_organisations,
    seed_members,
    seed_citizens,
    seed_ledger,
    seed_challenges,
]


def is_seeded() -> bool:
    return get_user_model().objects.filter(email=PLATFORM_ADMIN_EMAIL).exists()


def seed_demo() -> SeedContext:
    """Run every step in one transaction: the demo is seeded completely or not at all."""
    ctx = SeedContext(password_hash=make_password(DEMO_PASSWORD))
    # The demo's people have made-up addresses: what the steps tell them stays in-app (their
    # notifications), and no e-mail is sent when the seed commits.
    quiet = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    with quiet, transaction.atomic():
        for step in STEPS:
            step(ctx)
    return ctx


def demo_logins() -> list[tuple[str, list[DemoPerson]]]:
    """The demo accounts, grouped for printing: (heading, people)."""
    return [
        ("Platform", [PLATFORM_ADMIN]),
        *[(demo.name, list(demo.people)) for demo in ORGANISATIONS],
        ("Residents (citizens)", list(CITIZENS)),
        *_challenges_demo_logins(),
    ]


def _challenges_demo_logins() -> list[tuple[str, list]]:
    from civiclab.challenges.demo import EXTRA_STAFF

    return [("City of Eastbrook: more staff in the challenges demo", list(EXTRA_STAFF.values()))]
