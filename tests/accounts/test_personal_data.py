import io
import json
import zipfile

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from civiclab.accounts import services
from civiclab.core import personal_data
from civiclab.core.models import AuditEvent, JobProgress
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_model_linked_to_people_is_covered_by_the_registry():
    """Adding a model with a user link means registering it (or excluding it with a reason)."""
    assert personal_data.uncovered_models() == [], (
        "These models link to users but are neither registered in civiclab.core.personal_data "
        "nor listed in personal_data.EXCLUDED: " + ", ".join(personal_data.uncovered_models())
    )


def test_the_walk_finds_every_kind_of_user_link():
    from django.conf import settings

    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    linked = {
        model._meta.label_lower
        for model in apps.get_models()
        if personal_data.user_link_fields(model)
    }
    assert {"admin.logentry", "core.auditevent", "core.jobprogress", "accounts.apitoken"} <= linked
    assert user_model._meta.label_lower in {e.model_label for e in personal_data.entries()}


def test_the_walk_would_notice_an_unregistered_model(monkeypatch):
    monkeypatch.setattr(personal_data, "_entries", {})
    missing = personal_data.uncovered_models()
    assert "accounts.apitoken" in missing
    assert "accounts.user" in missing


def test_registered_fields_really_point_to_users():
    for entry in personal_data.entries():
        model = apps.get_model(entry.model_label)
        assert set(entry.user_fields) <= set(personal_data.user_link_fields(model)), entry


def test_exclusions_give_a_reason():
    assert all(reason.strip() for reason in personal_data.EXCLUDED.values())


def read_zip(response):
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    assert archive.namelist() == ["data.json"]
    return json.loads(archive.read("data.json"))


def test_download_my_data_contains_everything_registered(signed_in, user):
    services.token_create(actor=user, name="script")
    JobProgress.objects.create(owner=user, label="Export of ideas")
    organisation = OrganisationFactory(name="City of Utrecht")
    MembershipFactory(organisation=organisation, user=user, role="evaluator")
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(organisation),
        object_id=str(organisation.pk),
        object_repr="City of Utrecht",
        action_flag=ADDITION,
    )
    someone_else = UserFactory(email="bob@example.org")
    services.token_create(actor=someone_else, name="bob's token")

    assert signed_in.get(reverse("accounts:export")).status_code == 200
    response = signed_in.post(reverse("accounts:export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    data = read_zip(response)["data"]
    assert set(data) == {entry.model_label for entry in personal_data.entries()}
    assert data["accounts.user"]["email"] == "ada@example.org"
    assert data["accounts.user"]["display_name"] == "Ada Lovelace"
    assert [t["name"] for t in data["accounts.apitoken"]] == ["script"]
    assert "digest" not in data["accounts.apitoken"][0]
    assert [j["label"] for j in data["core.jobprogress"]] == ["Export of ideas"]
    assert data["admin.logentry"][0]["object"] == "City of Utrecht"
    assert "accounts.token_created" in {e["action"] for e in data["core.auditevent"]}
    if "organisations.membership" in data:
        assert data["organisations.membership"][0]["role"] == "evaluator"
    text = json.dumps(data)
    assert "bob@example.org" not in text
    assert "bob's token" not in text
    assert AuditEvent.objects.filter(action="accounts.data_exported", actor=user).exists()


def test_download_needs_sign_in(client, db):
    assert client.post(reverse("accounts:export"))["Location"].startswith("/accounts/login/")
