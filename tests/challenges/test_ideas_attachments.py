"""Attachments: checked by name and content, limited in size and number, served with a check."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from civiclab.challenges.models import Audience, IdeaAttachment
from civiclab.challenges.services import attachments as attachment_service
from civiclab.challenges.services._internal import attachments_add
from civiclab.challenges.services.ideas import idea_create, idea_update
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 60
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("plan.pdf", PDF, "application/pdf"),
        ("photo.PNG", PNG, "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("costs.docx", DOCX, attachment_service.KINDS["docx"].content_type),
        ("costs.xlsx", XLSX, attachment_service.KINDS["xlsx"].content_type),
        ("notes.odt", ODT, "application/vnd.oasis.opendocument.text"),
        ("counts.csv", b"street,count\nMain,3\n", "text/csv"),
        ("notes.txt", "Café on the corner\n".encode(), "text/plain"),
    ],
)
def test_allowed_kinds_are_accepted(name, data, content_type):
    assert attachment_service.validate_upload(upload(name, data)) == content_type


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("setup.exe", EXE, "file_type"),
        ("page.html", HTML, "file_type"),
        ("image.svg", b"<svg/>", "file_type"),
        ("no-extension", PDF, "file_type"),
        ("report.pdf", EXE, "file_content"),  # a program called .pdf
        ("report.pdf", HTML, "file_content"),  # a web page called .pdf
        ("notes.txt", HTML, "file_content"),
        ("photo.png", JPEG, "file_content"),
        ("costs.docx", XLSX, "file_content"),
        ("costs.docx", b"PK\x03\x04 not really a zip", "file_content"),
        ("notes.odt", DOCX, "file_content"),
        ("data.csv", b"a,b\x00c", "file_content"),
        ("empty.pdf", b"", "file_empty"),
    ],
)
def test_wrong_content_is_refused_whatever_the_name(name, data, code):
    with pytest.raises(ValidationError) as caught:
        attachment_service.validate_upload(upload(name, data))
    assert caught.value.code == code
    assert name in caught.value.messages[0] or code == "file_empty" or name in str(caught.value)


def test_files_over_the_size_limit_are_refused(settings):
    settings.IDEA_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as caught:
        attachment_service.validate_upload(upload("big.pdf", PDF + b"x" * 200))
    assert caught.value.code == "file_size"
    assert "smaller than 100" in caught.value.messages[0]


def test_the_default_limit_is_ten_megabytes():
    assert attachment_service.max_bytes() == 10 * 1024 * 1024


def create_with(files, **extra):
    challenge = ChallengeFactory()
    return idea_create(
        actor=UserFactory(),
        challenge=challenge,
        title="Benches",
        summary="Rest places.",
        description="More benches.",
        attachments=files,
        **extra,
    )


def test_files_are_stored_under_random_names():
    idea = create_with([upload("My plan (final).pdf", PDF)])
    attachment = idea.attachments.get()
    assert attachment.original_name == "My plan (final).pdf"
    assert "plan" not in attachment.file.name
    assert attachment.file.name.endswith(".pdf")
    assert attachment.size == len(PDF)
    assert attachment.content_type == "application/pdf"


def test_no_more_than_five_files():
    files = [upload(f"{n}.pdf", PDF) for n in range(6)]
    with pytest.raises(ValidationError) as caught:
        create_with(files)
    assert "attachments" in caught.value.message_dict
    assert not IdeaAttachment.objects.exists()


def test_the_count_includes_files_already_there():
    idea = create_with([upload(f"{n}.pdf", PDF) for n in range(4)])
    with pytest.raises(ValidationError):
        idea_update(
            actor=idea.author,
            idea=idea,
            attachments=[upload("a.pdf", PDF), upload("b.pdf", PDF)],
        )
    keep = list(idea.attachments.values_list("pk", flat=True))
    idea_update(
        actor=idea.author,
        idea=idea,
        attachments=[upload("a.pdf", PDF), upload("b.pdf", PDF)],
        remove_attachments=keep[:1],
    )
    assert idea.attachments.count() == 5


def test_a_bad_file_leaves_no_idea_behind():
    with pytest.raises(ValidationError):
        create_with([upload("ok.pdf", PDF), upload("evil.pdf", EXE)])
    from civiclab.challenges.models import Idea

    assert not Idea.objects.exists()


# Through the form


def form_data(**extra):
    return {
        "title": "Benches along the river",
        "summary": "Places to rest.",
        "description": "More benches for older walkers.",
        "confirmed": "1",
        **extra,
    }


def create_url(challenge):
    return reverse(
        "challenges:idea_create",
        kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
    )


def test_the_form_explains_a_wrong_file(client):
    challenge = ChallengeFactory()
    client.force_login(UserFactory())
    response = client.post(
        create_url(challenge), form_data(attachments=[upload("report.pdf", EXE)])
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text
    assert "is not really a PDF file" in text
    assert "<title>Error:" in text


def test_the_form_explains_too_many_files(client):
    # Six files in one request are refused while the body is read (core.request_limits).
    challenge = ChallengeFactory()
    client.force_login(UserFactory())
    files = [upload(f"{n}.pdf", PDF) for n in range(6)]
    response = client.post(create_url(challenge), form_data(attachments=files))
    assert response.status_code == 413
    assert "You can send at most 5 files at a time." in response.content.decode()
    assert not IdeaAttachment.objects.exists()


def test_the_form_explains_too_many_attachments_for_one_idea(client):
    idea = IdeaFactory()
    for n in range(4):
        attachments_add(actor=idea.author, idea=idea, files=[upload(f"{n}.pdf", PDF)])
    client.force_login(idea.author)
    url = reverse(
        "challenges:idea_edit", kwargs={"org_slug": idea.organisation.slug, "pk": idea.pk}
    )
    files = [upload(f"new{n}.pdf", PDF) for n in range(2)]
    response = client.post(url, form_data(attachments=files))
    assert "at most 5 attachments" in response.content.decode()
    assert IdeaAttachment.objects.count() == 4


def test_the_form_stores_several_files(client):
    challenge = ChallengeFactory()
    client.force_login(UserFactory())
    response = client.post(
        create_url(challenge),
        form_data(attachments=[upload("a.pdf", PDF), upload("b.png", PNG)]),
    )
    assert response.status_code == 302
    assert IdeaAttachment.objects.count() == 2


# Downloads


def download_url(attachment):
    idea = attachment.idea
    return reverse(
        "challenges:idea_attachment",
        kwargs={"org_slug": idea.organisation.slug, "pk": idea.pk, "attachment_pk": attachment.pk},
    )


def test_downloads_are_attachments_with_the_original_name(client):
    idea = create_with([upload("plan.pdf", PDF)])
    response = client.get(download_url(idea.attachments.get()))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "plan.pdf" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_files_of_hidden_ideas_are_for_their_authors_and_moderators(client):
    idea = create_with([upload("plan.pdf", PDF)])
    idea.is_hidden = True
    idea.save()
    url = download_url(idea.attachments.get())
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(idea.author)
    assert client.get(url).status_code == 200


def test_files_of_staff_only_challenges_stay_inside(client):
    idea = IdeaFactory(challenge=ChallengeFactory(audience=Audience.STAFF))
    attachment = attachments_add(actor=idea.author, idea=idea, files=[upload("plan.pdf", PDF)])[0]
    client.force_login(UserFactory())
    assert client.get(download_url(attachment)).status_code == 404


def test_an_attachment_is_only_reached_through_its_own_idea(client):
    first = create_with([upload("plan.pdf", PDF)])
    other = IdeaFactory(challenge=first.challenge)
    attachment = first.attachments.get()
    url = reverse(
        "challenges:idea_attachment",
        kwargs={
            "org_slug": other.organisation.slug,
            "pk": other.pk,
            "attachment_pk": attachment.pk,
        },
    )
    assert client.get(url).status_code == 404
