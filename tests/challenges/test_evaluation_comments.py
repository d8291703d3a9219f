"""Evaluators' scores and comments reach those who decide: the per-idea evaluations page, the
results exports, and anonymous evaluators where the scorecard says so."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from civiclab.challenges.models import PhaseKind
from civiclab.core.models import AuditEvent
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.challenges.test_evaluation_support import (
    assign,
    evaluators,
    scorecard_with_criteria,
    submit,
)
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored():
    """An idea scored by two evaluators (one with comments) and a third with only a draft."""
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    idea = IdeaFactory(challenge=challenge, title="Night buses to the hospital")
    ada, ben, cy = evaluators(challenge.organisation, 3)
    for person, name in ((ada, "Ada Lindqvist"), (ben, "Ben Okafor"), (cy, "Cy Draftsman")):
        person.display_name = name
        person.save()
    evaluation = submit(assign(idea, ada), {impact: 5, cost: 2}, comment="Strong case.")
    evaluation.scores.filter(criterion=impact).update(comment="Shift workers need it.")
    submit(assign(idea, ben), {impact: 3, cost: 4})
    submit(assign(idea, cy), {impact: 1, cost: 5}, submitted=False, comment="Still thinking")
    return challenge, idea


def evaluations_url(idea):
    return reverse(
        "challenges:idea_evaluations", kwargs={"org_slug": idea.organisation.slug, "pk": idea.pk}
    )


def results_url(challenge, name, **kwargs):
    kwargs = {"org_slug": challenge.organisation.slug, "slug": challenge.slug, **kwargs}
    return reverse(f"challenges:{name}", kwargs=kwargs)


def test_decision_makers_read_each_criterions_scores_and_the_comments(client, scored):
    challenge, idea = scored
    client.force_login(member(challenge.organisation, Role.DECISION_MAKER))
    page = client.get(evaluations_url(idea)).content.decode()
    assert "Shift workers need it." in page and "Strong case." in page
    assert "Ada Lindqvist" in page and "Ben Okafor" in page
    # A draft is not shown: the evaluator may still change it.
    assert "Still thinking" not in page
    assert "Not submitted yet" in page


def test_anonymous_evaluators_are_numbered_not_named(client, scored):
    challenge, idea = scored
    challenge.scorecard.evaluators_anonymous = True
    challenge.scorecard.save()
    client.force_login(member(challenge.organisation, Role.INNOVATION_LEAD))
    page = client.get(evaluations_url(idea)).content.decode()
    assert "Evaluator 1" in page and "Evaluator 2" in page
    for name in ("Ada Lindqvist", "Ben Okafor", "Cy Draftsman"):
        assert name not in page
    body = client.get(results_url(challenge, "evaluation_results_comments_csv"))
    text = b"".join(body.streaming_content).decode("utf-8-sig")
    assert "Evaluator 1" in text and "Ada Lindqvist" not in text


def test_evaluators_and_the_public_cannot_read_other_evaluators_comments(client, scored):
    challenge, idea = scored
    for person in (UserFactory(), member(challenge.organisation, Role.EVALUATOR)):
        client.force_login(person)
        assert client.get(evaluations_url(idea)).status_code in (403, 404)
        export = client.get(results_url(challenge, "evaluation_results_comments_csv"))
        assert export.status_code in (403, 404)
    client.logout()
    assert client.get(evaluations_url(idea)).status_code == 302  # to sign in


def test_results_export_as_csv_with_the_ranking_and_the_comments(client, scored):
    challenge, idea = scored
    client.force_login(member(challenge.organisation, Role.DECISION_MAKER))
    response = client.get(results_url(challenge, "evaluation_results_ranking_csv"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:5] == ["Rank", "Idea number", "Title", "Status", "Score (0-100)"]
    assert rows[0][-2:] == ["Impact", "Cost"]
    assert rows[1][:3] == ["1", str(idea.pk), "Night buses to the hospital"]
    assert rows[1][-2:] == ["4.0", "3.0"]  # criterion means of the two submitted evaluations
    comments = client.get(results_url(challenge, "evaluation_results_comments_csv"))
    text = b"".join(comments.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["Idea number", "Title", "Evaluator", "Criterion", "Score", "Comment"]
    assert [str(idea.pk), idea.title, "Ada Lindqvist", "Impact", "5", "Shift workers need it."] in (
        lines
    )
    assert "Still thinking" not in text
    assert AuditEvent.objects.filter(action="challenges.export_results").count() == 2


def test_results_export_as_a_workbook_with_two_sheets(client, scored):
    challenge, _idea = scored
    client.force_login(member(challenge.organisation, Role.INNOVATION_LEAD))
    response = client.get(results_url(challenge, "evaluation_results_xlsx"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Ranking", "Scores and comments"]
    comments = list(workbook["Scores and comments"].iter_rows(values_only=True))
    assert any(row[-1] == "Strong case." and row[3] is None for row in comments)


def test_a_formula_in_a_comment_is_exported_as_text(client, scored):
    challenge, idea = scored
    from civiclab.challenges.models import Score

    Score.objects.filter(evaluation__assignment__idea=idea, value=3).update(
        comment='=HYPERLINK("http://evil.example")'
    )
    client.force_login(member(challenge.organisation, Role.DECISION_MAKER))
    response = client.get(results_url(challenge, "evaluation_results_comments_csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_the_evaluations_page_query_count_does_not_grow_with_evaluators(
    client, django_assert_max_num_queries
):
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    idea = IdeaFactory(challenge=challenge)
    people = evaluators(challenge.organisation, 8)
    client.force_login(member(challenge.organisation, Role.DECISION_MAKER))
    submit(assign(idea, people[0]), {impact: 3, cost: 3})
    with django_assert_max_num_queries(40) as few:
        client.get(evaluations_url(idea))
    for person in people[1:]:
        submit(assign(idea, person), {impact: 4, cost: 2}, comment="ok")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(evaluations_url(idea))
