"""Who may revoke a personal API token: its owner, and nobody else but a platform admin."""

import pytest

from civiclab.accounts.services import token_create
from tests.factories import UserFactory
from tests.permissions import assert_permission_matrix, everyone_except, only

pytestmark = pytest.mark.django_db


def test_nobody_but_the_owner_revokes_a_token():
    # The token belongs to someone outside the matrix; every role, anywhere, is refused.
    assert_permission_matrix(
        "accounts.revoke_apitoken",
        lambda organisation: token_create(actor=UserFactory(), name="laptop")[0],
        expected=only("platform_admin"),
    )


def test_the_owner_revokes_their_own_token():
    owner = UserFactory()
    token, _secret = token_create(actor=owner, name="laptop")
    assert owner.has_perm("accounts.revoke_apitoken", token)


def test_only_accounts_with_a_confirmed_address_create_tokens():
    assert_permission_matrix(
        "accounts.add_apitoken",
        lambda organisation: None,
        expected=everyone_except("anonymous", "unconfirmed_citizen"),
        check=lambda user, obj: user.has_perm("accounts.add_apitoken"),
    )
