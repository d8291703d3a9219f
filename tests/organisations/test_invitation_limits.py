"""Invitations send e-mail: limited per address and per inviting person."""

import pytest
from django.core.cache import cache

from civiclab.core.ratelimit import RateLimited
from civiclab.organisations import services
from civiclab.organisations.models import Invitation, Role
from tests.factories import OrganisationFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin(organisation):
    return member(organisation, Role.ADMIN)


def invite(organisation, admin, email):
    return services.invitation_send(
        actor=admin, organisation=organisation, email=email, roles=["staff"]
    )


def test_invitations_are_rate_limited_per_address(organisation, admin, settings):
    settings.EMAIL_FORMS_PER_ADDRESS = 2
    for _ in range(2):
        invitation, _token = invite(organisation, admin, email="target@example.org")
        services.invitation_revoke(actor=admin, invitation=invitation)
    other = OrganisationFactory()
    with pytest.raises(RateLimited):
        invite(other, member(other, Role.ADMIN), email="TARGET@example.org")
    assert Invitation.objects.filter(email="target@example.org").count() == 2


def test_invitations_are_rate_limited_per_inviting_person(organisation, admin, settings):
    settings.INVITATIONS_PER_PERSON = 3
    for n in range(3):
        invite(organisation, admin, email=f"colleague{n}@example.org")
    with pytest.raises(RateLimited):
        invite(organisation, admin, email="one-more@example.org")
    assert Invitation.objects.count() == 3
