"""The demo seed: both organisations, every role in each, residents, and working logins."""

import pytest
from django.contrib.auth import get_user_model

from civiclab.core.models import AuditEvent
from civiclab.demo.content import demo_content
from civiclab.demo.seed import DEMO_PASSWORD, is_seeded, seed_demo
from civiclab.organisations.models import Level, Membership, Organisation, Role

pytestmark = pytest.mark.django_db

CONTENT = demo_content()
ORGANISATIONS = CONTENT.organisations
CITIZENS = CONTENT.residents
PLATFORM_ADMIN_EMAIL = CONTENT.administrator.email


@pytest.fixture
def seeded():
    seed_demo()


def test_nothing_is_seeded_at_first():
    assert not is_seeded()


def test_seed_creates_a_city_and_a_national_agency(seeded):
    city = Organisation.objects.get(slug="eastbrook")
    agency = Organisation.objects.get(slug="digital-agency")
    assert (city.level, city.country.code, city.time_zone) == (
        Level.LOCAL,
        "GB",
        "Europe/London",
    )
    assert 100_000 < city.population_served < 250_000
    assert set(city.sectors.values_list("code", flat=True)) == {"01", "05", "06"}
    assert city.governance_notes
    assert agency.level == Level.NATIONAL
    assert agency.time_zone != city.time_zone


def test_every_role_is_held_in_both_organisations(seeded):
    for demo in ORGANISATIONS:
        roles = set(
            Membership.objects.filter(organisation__slug=demo.slug).values_list("role", flat=True)
        )
        assert roles == set(Role.values), demo.slug


def test_residents_and_a_platform_admin_exist(seeded):
    User = get_user_model()
    admin = User.objects.get(email=PLATFORM_ADMIN_EMAIL)
    assert admin.is_superuser and admin.is_staff
    for person in CITIZENS:
        citizen = User.objects.get(email=person.email)
        assert not citizen.memberships.exists()


def test_every_demo_user_has_a_confirmed_email(seeded):
    assert not get_user_model().objects.filter(email_confirmed_at__isnull=True).exists()


@pytest.mark.parametrize(
    "email",
    [
        "admin@eastbrook.example",
        "evaluator@digitalagency.example",
        "amira.haddad@residents.example",
        PLATFORM_ADMIN_EMAIL,
    ],
)
def test_demo_users_sign_in_with_the_demo_password(seeded, client, email):
    assert client.login(username=email, password=DEMO_PASSWORD)


def test_demo_password_is_not_accepted_for_a_wrong_account(seeded, client):
    assert not client.login(username="nobody@eastbrook.example", password=DEMO_PASSWORD)


def test_seeding_goes_through_the_services_so_the_audit_trail_has_rows(seeded):
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"organisations.created", "organisations.member_added"} <= actions
    city = Organisation.objects.get(slug="eastbrook")
    assert AuditEvent.objects.filter(
        organisation_id=city.pk, action="organisations.member_added"
    ).count() == len(ORGANISATIONS[0].members)  # with the staff of the challenges demo


def test_seeding_twice_changes_nothing(seeded):
    User = get_user_model()
    before = (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
    )
    seed_demo()
    after = (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before
    assert is_seeded()


def test_no_placeholder_text_in_the_demo(seeded):
    texts = " ".join(
        f"{o.name} {o.summary} {o.governance_notes}" for o in Organisation.objects.all()
    ).lower()
    assert "lorem" not in texts and "ipsum" not in texts
