"""Whatever arrives, the accounts pages answer with a page or a clear error, never a 500."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

NASTY = [
    "",
    " ",
    "\x00",
    "a" * 10_000,
    "<script>alert(1)</script>",
    "'; DROP TABLE accounts_user; --",
    "ünïcødé@exämple.org",
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
]

FORMS = {
    "accounts:signup": ["display_name", "email", "password1", "password2"],
    "accounts:login": ["email", "password"],
    "accounts:password_reset": ["email"],
}
SIGNED_IN_FORMS = {
    "accounts:profile_edit": ["display_name"],
    "accounts:email_change": ["new_email", "current_password"],
    "accounts:password_change": ["old_password", "new_password1", "new_password2"],
    "accounts:token_create": ["name"],
    "accounts:delete": ["current_password"],
}


@pytest.mark.parametrize("value", NASTY)
@pytest.mark.parametrize("name", FORMS)
def test_public_forms_survive_any_value(client, name, value):
    response = client.post(reverse(name), dict.fromkeys(FORMS[name], value))
    assert response.status_code in (200, 302, 429)


@pytest.mark.parametrize("value", NASTY)
@pytest.mark.parametrize("name", SIGNED_IN_FORMS)
def test_signed_in_forms_survive_any_value(signed_in, name, value):
    response = signed_in.post(reverse(name), dict.fromkeys(SIGNED_IN_FORMS[name], value))
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/confirm/%00/",
        "/accounts/confirm/" + "a" * 5000 + "/",
        "/accounts/confirm/eyJ1Ijoid2F0In0:1t:abc/",
        "/accounts/password-reset/%00/x/",
        "/accounts/tokens/99999999999999999999/revoke/",
    ],
)
def test_odd_urls_do_not_crash(signed_in, path):
    assert signed_in.get(path).status_code in (200, 302, 400, 404)


def test_lists_in_place_of_values_do_not_crash(client, db):
    response = client.post(reverse("accounts:login"), {"email": ["a@b.org", "c@d.org"]})
    assert response.status_code == 200


def test_pages_render_for_every_get(signed_in):
    for name in [
        "profile",
        "profile_edit",
        "email_change",
        "password_change",
        "tokens",
        "token_create",
        "export",
        "delete",
    ]:
        assert signed_in.get(reverse(f"accounts:{name}")).status_code == 200, name
    anonymous = Client()
    for name in [
        "login",
        "signup",
        "password_reset",
        "password_reset_done",
        "check_email",
        "password_reset_complete",
    ]:
        assert anonymous.get(reverse(f"accounts:{name}")).status_code == 200, name
