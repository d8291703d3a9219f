"""GET and PATCH /api/v1/me/notification-preferences."""

import pytest

from civiclab.accounts import services
from civiclab.accounts.models import TokenScope
from civiclab.core.models import NotificationPreference
from civiclab.core.notifications import kinds, preferences_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/notification-preferences"
COMMENT = "challenges.comment_added"


def bearer(user, scope=TokenScope.READ_WRITE):
    _, secret = services.token_create(actor=user, name="script", scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_lists_every_kind_with_the_current_choice_and_the_default(client, user):
    NotificationPreference.objects.create(user=user, kind=COMMENT, delivery="weekly")
    response = client.get(URL, **bearer(user))
    assert response.status_code == 200
    rows = {row["kind"]: row for row in response.json()}
    assert set(rows) == {kind.verb for kind in kinds()}
    assert rows[COMMENT]["delivery"] == "weekly"
    assert rows[COMMENT]["default"] == "immediate"
    assert rows[COMMENT]["label"]


def test_patch_changes_the_kinds_named_and_keeps_the_others(client, user):
    response = client.patch(
        URL, {"preferences": {COMMENT: "daily"}}, content_type="application/json", **bearer(user)
    )
    assert response.status_code == 200
    assert {row["kind"]: row["delivery"] for row in response.json()}[COMMENT] == "daily"
    assert preferences_of(user)[COMMENT] == "daily"
    assert NotificationPreference.objects.filter(user=user).count() == 1


@pytest.mark.parametrize(
    "preferences,field",
    [({"tests.nothing": "daily"}, "tests.nothing"), ({COMMENT: "hourly"}, COMMENT)],
)
def test_an_unknown_kind_or_delivery_is_a_422_naming_it(client, user, preferences, field):
    response = client.patch(
        URL, {"preferences": preferences}, content_type="application/json", **bearer(user)
    )
    assert response.status_code == 422
    body = response.json()
    assert any(name.endswith(field) for name in body["error"]["fields"]), body
    assert not NotificationPreference.objects.filter(user=user).exists()


def test_a_read_only_token_may_read_but_not_change_them(client, user):
    headers = bearer(user, scope=TokenScope.READ)
    assert client.get(URL, **headers).status_code == 200
    response = client.patch(
        URL, {"preferences": {COMMENT: "off"}}, content_type="application/json", **headers
    )
    assert response.status_code == 403
    assert preferences_of(user)[COMMENT] == "immediate"


def test_they_need_credentials(client, user):
    assert client.get(URL).status_code == 401
