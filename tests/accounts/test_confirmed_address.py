"""An account whose address is not confirmed creates no API tokens, and is told how to confirm."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from civiclab.accounts.models import ApiToken
from civiclab.accounts.services import token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unconfirmed(client):
    person = UserFactory(email="new@example.org", email_confirmed_at=None)
    client.force_login(person)
    return person


def test_an_unconfirmed_account_cannot_create_api_tokens(unconfirmed):
    with pytest.raises(PermissionDenied) as error:
        token_create(actor=unconfirmed, name="script")
    assert "Confirm your e-mail address" in str(error.value)
    assert not ApiToken.objects.exists()


def test_the_token_page_says_to_confirm_first_and_offers_the_link(client, unconfirmed):
    url = reverse("accounts:token_create")
    for response in (client.get(url), client.post(url, {"name": "script"})):
        assert response.status_code == 403
        page = response.content.decode()
        assert "Confirm your e-mail address" in page
        assert reverse("accounts:resend_confirmation") in page
        assert 'name="name"' not in page
    assert not ApiToken.objects.exists()


def test_the_token_api_refuses_an_unconfirmed_account_with_the_reason(client, unconfirmed):
    response = client.post("/api/v1/me/tokens", {"name": "script"}, content_type="application/json")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "email_not_confirmed"
    assert error["message"].startswith("Confirm your e-mail address first")
    assert not ApiToken.objects.exists()


def test_the_link_is_sent_again_and_the_person_returns_to_the_page(
    client, unconfirmed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:resend_confirmation"), {"next": reverse("accounts:tokens")}
        )
    assert response["Location"] == reverse("accounts:tokens")
    assert mail.outbox[-1].to == ["new@example.org"]
    response = client.post(
        reverse("accounts:resend_confirmation"), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("accounts:profile")
