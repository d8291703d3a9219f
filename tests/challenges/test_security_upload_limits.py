"""Uploads: a total request size and a file count, enforced before the body is stored.

Before, any number of files of any total size was read and spooled to disk before a form
looked at them (the per-file and per-idea checks ran afterwards).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.test import RequestFactory, override_settings
from django.urls import reverse

from civiclab.challenges.models import Idea, IdeaAttachment
from civiclab.core.request_limits import RequestLimitsMiddleware
from tests.challenges.factories import ChallengeFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
STARTED: list[str] = []


class RecordingHandler(FileUploadHandler):
    """Notes each file Django starts to store, then lets the default handlers store it."""

    def new_file(self, field_name, file_name, *args, **kwargs):
        STARTED.append(file_name)

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


HANDLERS = [
    "tests.challenges.test_security_upload_limits.RecordingHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    STARTED.clear()


def create_url(challenge):
    return reverse(
        "challenges:idea_create",
        kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
    )


def form_data(**extra):
    return {
        "title": "Benches along the river",
        "summary": "Places to rest.",
        "description": "More benches for older walkers.",
        "confirmed": "1",
        **extra,
    }


@override_settings(FILE_UPLOAD_HANDLERS=HANDLERS)
def test_sixth_file_in_one_request_is_refused_before_it_is_stored(client):
    challenge = ChallengeFactory()
    client.force_login(UserFactory())
    files = [SimpleUploadedFile(f"{n}.pdf", PDF) for n in range(6)]
    response = client.post(create_url(challenge), form_data(attachments=files))
    assert response.status_code == 413
    assert "You can send at most 5 files at a time." in response.content.decode()
    assert "5.pdf" not in STARTED
    assert not Idea.objects.exists()
    assert not IdeaAttachment.objects.exists()


@override_settings(FILE_UPLOAD_HANDLERS=HANDLERS, REQUEST_MAX_BYTES=4096)
def test_upload_larger_than_the_request_limit_is_refused_before_it_is_stored(client):
    challenge = ChallengeFactory()
    client.force_login(UserFactory())
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 8000)
    response = client.post(create_url(challenge), form_data(attachments=[big]))
    assert response.status_code == 413
    assert "What you sent is larger than 4.0\xa0KB" in response.content.decode()
    assert STARTED == []
    assert not Idea.objects.exists()


class UnreadableBody:
    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_oversized_body_is_refused_without_reading_it():
    request = RequestFactory().post(
        "/organisations/x/challenges/y/ideas/new/", {"title": "x"}, format="multipart"
    )
    request.META["CONTENT_LENGTH"] = str(10 * 1024**3)  # 10 GB announced
    request._stream = UnreadableBody()
    called = []
    middleware = RequestLimitsMiddleware(lambda request: called.append(request))
    response = middleware(request)
    assert response.status_code == 413
    assert called == []


def test_oversized_api_body_gets_413_in_the_error_shape(client):
    response = client.post(
        "/api/v1/challenges/1/ideas",
        data="{}",
        content_type="application/json",
        CONTENT_LENGTH=str(10 * 1024**3),
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_files_within_the_limits_are_accepted(client):
    challenge = ChallengeFactory()
    client.force_login(UserFactory())
    files = [SimpleUploadedFile(f"{n}.pdf", PDF) for n in range(5)]
    response = client.post(create_url(challenge), form_data(attachments=files))
    assert response.status_code == 302
    assert IdeaAttachment.objects.count() == 5


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_oversized_form_text_beside_files_gets_413_with_a_message(client):
    challenge = ChallengeFactory()
    client.force_login(UserFactory())
    data = form_data(description="d" * 4096, attachments=[SimpleUploadedFile("a.pdf", PDF)])
    response = client.post(create_url(challenge), data)
    assert response.status_code == 413
    assert "The text you sent is larger than 1.0\xa0KB." in response.content.decode()
    assert not Idea.objects.exists()
