"""CSV and XLSX exports of a challenge's ideas: content, formula guard, who may export."""

import csv
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from civiclab.challenges.models import Scorecard
from civiclab.challenges.selectors.exports import neutralise
from civiclab.core.models import AuditEvent
from tests.challenges.factories import ChallengeFactory, IdeaFactory, TagFactory
from tests.factories import UserFactory, member
from tests.permissions import assert_permission_matrix, only

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_caches():
    cache.clear()
    yield
    cache.clear()


def export_url(challenge, kind="csv", **params):
    from urllib.parse import urlencode

    url = reverse(
        f"challenges:idea_export_{kind}",
        kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
    )
    return url + ("?" + urlencode(params) if params else "")


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def challenge():
    challenge = ChallengeFactory()
    tag = TagFactory(organisation=challenge.organisation, name="Safety")
    author = UserFactory(display_name="Ada Lovelace", email="ada@example.org")
    IdeaFactory(
        challenge=challenge,
        author=author,
        title='=HYPERLINK("http://evil.example")',
        innovation_types=["process"],
        tags=[tag],
        support_count=7,
        comment_count=2,
        score=66.66,
        status="shortlisted",
        status_reason="Strong support.",
    )
    IdeaFactory(challenge=challenge, title="Hidden", is_hidden=True)
    return challenge


def test_csv_has_the_columns_and_guards_formulas(client, challenge):
    client.force_login(member(challenge.organisation, "staff"))
    response = client.get(export_url(challenge))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header == [
        "Id",
        "Title",
        "Status",
        "Reason for the status",
        "Author",
        "Submitted",
        "Supports",
        "Comments",
        "Types of innovation",
        "Tags",
        "Address",
    ]
    assert len(rows) == 1  # the hidden idea is not for staff without moderation rights
    row = dict(zip(header, rows[0], strict=True))
    assert row["Title"] == '\'=HYPERLINK("http://evil.example")'
    assert row["Status"] == "Shortlisted"
    assert row["Author"] == "Ada Lovelace"
    assert "ada@example.org" not in ",".join(rows[0])
    assert row["Supports"] == "7"
    assert row["Types of innovation"] == "Process"
    assert row["Tags"] == "Safety"
    assert row["Address"].endswith(f"/ideas/{row['Id']}/")
    assert AuditEvent.objects.filter(action="challenges.export_ideas").count() == 1


def test_managers_get_scores_and_hidden_ideas(client, challenge):
    client.force_login(member(challenge.organisation, "admin"))
    header, *rows = csv_rows(client.get(export_url(challenge)))
    assert "Score (0-100)" in header and "Hidden by moderators" in header
    by_title = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_title["Hidden"]["Hidden by moderators"] == "yes"
    assert by_title['\'=HYPERLINK("http://evil.example")']["Score (0-100)"] == "66.7"


def test_export_follows_the_filters(client, challenge):
    client.force_login(member(challenge.organisation, "admin"))
    _header, *rows = csv_rows(client.get(export_url(challenge, status="submitted")))
    assert [row[1] for row in rows] == ["Hidden"]


def test_blind_review_hides_authors_from_evaluators(client, challenge):
    Scorecard.objects.create(challenge=challenge, blind=True)
    client.force_login(member(challenge.organisation, "evaluator"))
    header, *rows = csv_rows(client.get(export_url(challenge)))
    assert dict(zip(header, rows[0], strict=True))["Author"] == ""


def test_xlsx_workbook(client, challenge):
    client.force_login(member(challenge.organisation, "innovation_lead"))
    response = client.get(export_url(challenge, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Id"
    titles = [row[1] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example")' in titles
    assert all(sheet.cell(row=r, column=2).data_type == "s" for r in range(2, len(rows) + 1))


def test_citizens_get_403_and_visitors_are_sent_to_sign_in(client, challenge):
    response = client.get(export_url(challenge))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "next=" in response["Location"]
    client.force_login(UserFactory())
    assert client.get(export_url(challenge)).status_code == 403
    assert client.get(export_url(challenge, "xlsx")).status_code == 403
    client.force_login(member(ChallengeFactory().organisation, "admin"))
    assert client.get(export_url(challenge)).status_code == 403


def test_who_may_export(db):
    assert_permission_matrix(
        "challenges.export_ideas",
        lambda organisation: ChallengeFactory(organisation=organisation),
        expected=only(
            "platform_admin",
            "admin",
            "innovation_lead",
            "decision_maker",
            "evaluator",
            "moderator",
            "staff",
        ),
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+31 6", "'+31 6"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Plain", "Plain"),
        ("", ""),
        ("a = b", "a = b"),
        (42, 42),
        (None, None),
        ("  =1+1", "'  =1+1"),
        ("\u00a0\u3000@SUM(A1)", "'\u00a0\u3000@SUM(A1)"),
        ("\u200b=1+1", "'\u200b=1+1"),
        ("\ufeff-2", "'\ufeff-2"),
        ("\n=1+1", "'\n=1+1"),
        ("\uff1d1+1", "'\uff1d1+1"),  # full-width equals sign
        ("\uff0b31 6", "'\uff0b31 6"),  # full-width plus sign
        ("\ufe62x", "'\ufe62x"),  # small plus sign
        ("\uff20SUM(A1)", "'\uff20SUM(A1)"),  # full-width commercial at
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def _title_cell(client, challenge, title):
    IdeaFactory(challenge=challenge, title=title, status="shortlisted")
    client.force_login(member(challenge.organisation, "admin"))
    header, *rows = csv_rows(client.get(export_url(challenge)))
    titles = [dict(zip(header, row, strict=True))["Title"] for row in rows]
    return next(cell for cell in titles if cell.endswith(title.strip()[1:]) and "evil" in cell)


def test_csv_export_neutralises_formula_after_leading_whitespace(client, challenge):
    cell = _title_cell(client, challenge, ' \t=HYPERLINK("http://evil.example/2")')
    assert cell == '\' \t=HYPERLINK("http://evil.example/2")'


def test_fullwidth_equals_sign_is_neutralised_in_csv(client, challenge):
    cell = _title_cell(client, challenge, '\uff1dHYPERLINK("http://evil.example/3")')
    assert cell == '\'\uff1dHYPERLINK("http://evil.example/3")'
