"""Scorecards, assignments and scoring through the services, and the numbers they produce."""

from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from civiclab.challenges.models import (
    CoAuthor,
    CoAuthorStatus,
    Criterion,
    Evaluation,
    EvaluatorAssignment,
    Idea,
    IdeaStatus,
    PhaseKind,
)
from civiclab.challenges.selectors.evaluation import criteria_locked, evaluation_results
from civiclab.challenges.services import evaluation as services
from civiclab.core.models import AuditEvent
from civiclab.methods import stats
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory, during
from tests.challenges.test_evaluation_support import (
    assign,
    evaluators,
    scorecard_with_criteria,
    submit,
)
from tests.factories import OrganisationFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge():
    return ChallengeFactory(phase=PhaseKind.REVIEW)


@pytest.fixture
def lead(challenge):
    return member(challenge.organisation, Role.INNOVATION_LEAD)


# --- scorecard ------------------------------------------------------------------------------


def test_a_lead_sets_up_the_scorecard_and_its_criteria(challenge, lead):
    services.scorecard_replace(
        actor=lead,
        challenge=challenge,
        blind=False,
        evaluators_per_idea=2,
        guidance="Be fair.",
        pairwise_enabled=True,
    )
    criterion = services.criterion_save(
        actor=lead, challenge=challenge, name="Feasibility", weight=3, scale_min=0, scale_max=10
    )
    card = challenge.scorecard
    assert (card.blind, card.evaluators_per_idea, card.pairwise_enabled) == (False, 2, True)
    assert list(card.criteria.values_list("name", "weight", "scale_max")) == [
        ("Feasibility", 3, 10)
    ]
    assert criterion.position == 0
    assert AuditEvent.objects.filter(action="challenges.criterion_added").exists()


def test_an_evaluator_cannot_change_the_scorecard(challenge):
    evaluator = member(challenge.organisation, Role.EVALUATOR)
    with pytest.raises(PermissionDenied):
        services.criterion_save(actor=evaluator, challenge=challenge, name="Impact")


def test_a_scale_must_run_upwards(challenge, lead):
    with pytest.raises(ValidationError) as error:
        services.criterion_save(
            actor=lead, challenge=challenge, name="Impact", scale_min=5, scale_max=5
        )
    assert "scale_max" in error.value.message_dict
    assert not Criterion.objects.exists()


def test_criteria_lock_once_a_score_is_submitted_but_not_for_drafts(challenge, lead):
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    idea = IdeaFactory(challenge=challenge)
    first, second = evaluators(challenge.organisation, 2)
    submit(assign(idea, first), {impact: 3}, submitted=False)
    assert not criteria_locked(challenge)
    services.criterion_save(actor=lead, challenge=challenge, criterion=impact, name="Reach")

    submit(assign(idea, second), {impact: 4, cost: 2})
    assert criteria_locked(challenge)
    with pytest.raises(ValidationError) as error:
        services.criterion_save(actor=lead, challenge=challenge, criterion=impact, name="Size")
    assert "already submitted scores" in error.value.messages[0]
    with pytest.raises(ValidationError):
        services.criterion_delete(actor=lead, criterion=cost)
    impact.refresh_from_db()
    assert impact.name == "Reach"


def test_criteria_replace_adds_changes_and_removes_in_order(challenge, lead):
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    saved = services.criteria_replace(
        actor=lead,
        challenge=challenge,
        criteria=[
            services.CriterionInput(name="Novelty", scale_min=1, scale_max=7),
            services.CriterionInput(id=impact.pk, name="Impact", weight=4),
        ],
    )
    assert [c.name for c in saved] == ["Novelty", "Impact"]
    assert list(Criterion.objects.values_list("name", "position", "weight")) == [
        ("Novelty", 0, 1),
        ("Impact", 1, 4),
    ]
    assert not Criterion.objects.filter(pk=cost.pk).exists()


def test_a_scorecard_whose_criteria_all_weigh_nothing_is_refused(challenge, lead):
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    with pytest.raises(ValidationError) as replaced:
        services.criteria_replace(
            actor=lead,
            challenge=challenge,
            criteria=[
                services.CriterionInput(id=impact.pk, name="Impact", weight=0),
                services.CriterionInput(id=cost.pk, name="Cost", weight=0),
            ],
        )
    assert "weight above zero" in replaced.value.message_dict["criteria"][0]
    services.criterion_save(
        actor=lead, challenge=challenge, criterion=cost, name="Cost", weight=0
    )  # Impact still counts
    with pytest.raises(ValidationError) as saved:
        services.criterion_save(
            actor=lead, challenge=challenge, criterion=impact, name="Impact", weight=0
        )
    assert "weight" in saved.value.message_dict
    with pytest.raises(ValidationError):
        services.criterion_delete(actor=lead, criterion=impact)  # only Cost, weighing 0, left
    assert sorted(Criterion.objects.values_list("name", "weight")) == [("Cost", 0), ("Impact", 2)]


# --- assignments ----------------------------------------------------------------------------


def test_manual_assignment_refuses_authors_co_authors_and_non_evaluators(challenge, lead):
    organisation = challenge.organisation
    author, coauthor, good = evaluators(organisation, 3)
    staff = member(organisation, Role.STAFF)
    outsider = member(OrganisationFactory(), Role.EVALUATOR)
    idea = IdeaFactory(challenge=challenge, author=author)
    CoAuthor.objects.create(idea=idea, user=coauthor, status=CoAuthorStatus.ACCEPTED)
    for person in (author, coauthor, staff, outsider):
        with pytest.raises(ValidationError):
            services.assignments_add(actor=lead, idea=idea, evaluators=[person])
    created = services.assignments_add(actor=lead, idea=idea, evaluators=[good])
    assert [a.evaluator for a in created] == [good]
    assert list(idea.assignments.values_list("evaluator", flat=True)) == [good.pk]


def test_nobody_assigns_after_the_review_phase(challenge, lead):
    idea = IdeaFactory(challenge=challenge)
    (person,) = evaluators(challenge.organisation, 1)
    with during(challenge, PhaseKind.SELECTION), pytest.raises(PermissionDenied):
        services.assignments_add(actor=lead, idea=idea, evaluators=[person])


def test_automatic_assignment_is_balanced_and_free_of_conflicts(challenge, lead):
    organisation = challenge.organisation
    people = evaluators(organisation, 5)
    scorecard_with_criteria(challenge, per_idea=3)
    ideas = [IdeaFactory(challenge=challenge) for _ in range(7)]
    ideas.insert(0, IdeaFactory(challenge=challenge, author=people[0]))
    CoAuthor.objects.create(idea=ideas[3], user=people[4], status=CoAuthorStatus.ACCEPTED)
    done = services.assignments_automatic(actor=lead, challenge=challenge)
    assert done.created == 24
    per_idea = Counter(EvaluatorAssignment.objects.values_list("idea_id", flat=True))
    assert set(per_idea.values()) == {3} and len(per_idea) == 8
    for idea in ideas:
        assigned = set(idea.assignments.values_list("evaluator_id", flat=True))
        assert idea.author_id not in assigned
    assert people[4].pk not in set(ideas[3].assignments.values_list("evaluator_id", flat=True))
    load = Counter(EvaluatorAssignment.objects.values_list("evaluator_id", flat=True))
    assert max(load.values()) - min(load.values()) <= 1


def test_automatic_assignment_tops_up_and_leaves_decided_ideas_alone(challenge, lead):
    people = evaluators(challenge.organisation, 4)
    scorecard_with_criteria(challenge, per_idea=2)
    partly = IdeaFactory(challenge=challenge)
    assign(partly, people[0])
    IdeaFactory(challenge=challenge, status=IdeaStatus.DECLINED)
    services.assignments_automatic(actor=lead, challenge=challenge)
    assert partly.assignments.count() == 2
    assert EvaluatorAssignment.objects.count() == 2


def test_infeasible_automatic_assignment_names_the_ideas_and_writes_nothing(challenge, lead):
    people = evaluators(challenge.organisation, 2)
    scorecard_with_criteria(challenge, per_idea=2)
    IdeaFactory(challenge=challenge, title="Fine idea")
    IdeaFactory(challenge=challenge, title="Lamp posts that talk", author=people[0])
    with pytest.raises(ValidationError) as error:
        services.assignments_automatic(actor=lead, challenge=challenge)
    assert "Lamp posts that talk" in error.value.messages[0]
    assert "Fine idea" not in error.value.messages[0]
    assert not EvaluatorAssignment.objects.exists()


# --- scoring --------------------------------------------------------------------------------


def test_a_draft_keeps_gaps_and_a_submission_needs_every_criterion(challenge):
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    idea = IdeaFactory(challenge=challenge)
    (person,) = evaluators(challenge.organisation, 1)
    assignment = assign(idea, person)
    services.evaluation_save(
        actor=person,
        assignment=assignment,
        scores={impact.pk: services.ScoreInput(4, "Reaches many")},
    )
    evaluation = Evaluation.objects.get()
    assert evaluation.submitted_at is None
    assert Idea.objects.get(pk=idea.pk).score is None
    with pytest.raises(ValidationError) as error:
        services.evaluation_save(
            actor=person,
            assignment=assignment,
            scores={impact.pk: services.ScoreInput(4)},
            submit=True,
        )
    assert f"score_{cost.pk}" in error.value.message_dict
    assert Evaluation.objects.get().submitted_at is None


def test_a_score_off_the_scale_is_refused(challenge):
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    idea = IdeaFactory(challenge=challenge)
    (person,) = evaluators(challenge.organisation, 1)
    with pytest.raises(ValidationError) as error:
        services.evaluation_save(
            actor=person,
            assignment=assign(idea, person),
            scores={impact.pk: services.ScoreInput(6), cost.pk: services.ScoreInput(1)},
            submit=True,
        )
    assert f"score_{impact.pk}" in error.value.message_dict
    assert not Evaluation.objects.exists()


def test_each_submission_recomputes_the_ideas_score(challenge):
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    idea = IdeaFactory(challenge=challenge)
    first, second = evaluators(challenge.organisation, 2)
    services.evaluation_save(
        actor=first,
        assignment=assign(idea, first),
        scores={impact.pk: services.ScoreInput(5), cost.pk: services.ScoreInput(1)},
        submit=True,
    )
    assert Idea.objects.get(pk=idea.pk).score == pytest.approx(100.0)
    services.evaluation_save(
        actor=second,
        assignment=assign(idea, second),
        scores={impact.pk: services.ScoreInput(1), cost.pk: services.ScoreInput(5)},
        submit=True,
    )
    # Impact mean 3 -> 50, cost mean 3 -> 50 (reversed): 50 whatever the weights.
    assert Idea.objects.get(pk=idea.pk).score == pytest.approx(50.0)


def test_a_submitted_evaluation_can_be_changed_while_review_is_open_and_stays_submitted(
    challenge,
):
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    idea = IdeaFactory(challenge=challenge)
    (person,) = evaluators(challenge.organisation, 1)
    assignment = assign(idea, person)
    scores = {impact.pk: services.ScoreInput(5), cost.pk: services.ScoreInput(5)}
    services.evaluation_save(actor=person, assignment=assignment, scores=scores, submit=True)
    scores[cost.pk] = services.ScoreInput(1)
    services.evaluation_save(actor=person, assignment=assignment, scores=scores)
    assert Evaluation.objects.get().submitted_at is not None
    assert Idea.objects.get(pk=idea.pk).score == pytest.approx(100.0)
    with during(challenge, PhaseKind.SELECTION), pytest.raises(PermissionDenied):
        services.evaluation_save(actor=person, assignment=assignment, scores=scores)


def test_the_author_cannot_score_even_with_an_assignment_slipped_in(challenge):
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    (person,) = evaluators(challenge.organisation, 1)
    idea = IdeaFactory(challenge=challenge, author=person)
    with pytest.raises(PermissionDenied):
        services.evaluation_save(
            actor=person,
            assignment=assign(idea, person),
            scores={impact.pk: services.ScoreInput(5), cost.pk: services.ScoreInput(5)},
            submit=True,
        )


# --- results --------------------------------------------------------------------------------


def test_results_match_the_reference_methods_on_the_same_data(challenge):
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    people = evaluators(challenge.organisation, 3)
    ideas = [IdeaFactory(challenge=challenge) for _ in range(4)]
    values = [
        [(5, 1), (4, 2), (5, 1)],
        [(2, 4), (3, 3), (1, 5)],
        [(3, 3), (4, 2), (3, 2)],
        [(1, 1), (2, 1), None],  # the third evaluator has not submitted
    ]
    reference = []
    for idea, row in zip(ideas, values, strict=True):
        for person, given in zip(people, row, strict=True):
            assignment = assign(idea, person)
            if given is None:
                continue
            submit(assignment, {impact: given[0], cost: given[1]})
            reference += [
                stats.Score(idea.pk, person.pk, impact.pk, given[0]),
                stats.Score(idea.pk, person.pk, cost.pk, given[1]),
            ]
    criteria = [
        stats.Criterion(impact.pk, 2.0, 1, 5),
        stats.Criterion(cost.pk, 1.0, 1, 5, lower_is_better=True),
    ]
    expected = stats.weighted_scores(reference, criteria)

    results = evaluation_results(challenge=challenge)

    assert [r.idea.pk for r in results.rows] == [e.idea for e in expected]
    for row, want in zip(results.rows, expected, strict=True):
        assert row.score == pytest.approx(want.score)
        assert row.rank == want.rank
        assert row.submitted == want.evaluators
        assert row.cells[0].summary.sd == pytest.approx(want.criteria[impact.pk].sd)
        assert row.cells[1].summary.mean == pytest.approx(want.criteria[cost.pk].mean)
    last = next(row for row in results.rows if row.idea.pk == ideas[3].pk)
    assert (last.assigned, last.submitted) == (3, 2)
    impact_data = stats.reliability_data(
        (s.idea, s.evaluator, s.value) for s in reference if s.criterion == impact.pk
    )
    by_criterion = {c.pk: agreement for c, agreement, _summary in results.per_criterion}
    assert by_criterion[impact.pk].alpha == pytest.approx(
        stats.krippendorff_alpha(impact_data, "interval")
    )
    assert results.overall.level in {"reliable", "tentative", "low"}


def test_hidden_and_merged_ideas_are_scored_but_take_no_rank(challenge):
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    (person,) = evaluators(challenge.organisation, 1)
    best, hidden, merged, second = (IdeaFactory(challenge=challenge) for _ in range(4))
    for idea, values in (
        (hidden, {impact: 5, cost: 1}),
        (merged, {impact: 5, cost: 1}),
        (best, {impact: 4, cost: 2}),
        (second, {impact: 2, cost: 4}),
    ):
        submit(assign(idea, person), values)
    Idea.objects.filter(pk=hidden.pk).update(is_hidden=True)
    Idea.objects.filter(pk=merged.pk).update(status=IdeaStatus.MERGED, merged_into=second)

    results = evaluation_results(challenge=challenge)

    assert [(row.idea.pk, row.rank) for row in results.ranked] == [(best.pk, 1), (second.pk, 2)]
    unranked = {row.idea.pk: row for row in results.unranked}
    assert set(unranked) == {hidden.pk, merged.pk}
    assert unranked[hidden.pk].rank is None and unranked[hidden.pk].score == pytest.approx(100.0)
    assert unranked[hidden.pk].unranked_reason == "Hidden by moderation"
    assert unranked[merged.pk].unranked_reason == "Merged into another idea"


def test_agreement_is_undefined_with_a_single_evaluator(challenge):
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    (person,) = evaluators(challenge.organisation, 1)
    submit(assign(IdeaFactory(challenge=challenge), person), {impact: 4, cost: 2})
    results = evaluation_results(challenge=challenge)
    assert results.overall.level == "undefined"
    assert results.overall.alpha is None


def test_evaluators_are_told_once_about_their_new_work(
    challenge, lead, django_capture_on_commit_callbacks, mailoutbox
):
    from civiclab.core.models import Notification

    people = evaluators(challenge.organisation, 3)
    scorecard_with_criteria(challenge, per_idea=2)
    IdeaFactory.create_batch(3, challenge=challenge)
    with django_capture_on_commit_callbacks(execute=True):
        services.assignments_automatic(actor=lead, challenge=challenge)
    notes = Notification.objects.filter(verb="challenges.evaluators_assigned")
    assert sorted(n.recipient_id for n in notes) == sorted(p.pk for p in people)
    assert all("2 new ideas to evaluate" in n.title for n in notes)
    assert len(mailoutbox) == 3


def test_one_new_idea_to_evaluate_is_said_in_the_singular(challenge, lead):
    from civiclab.core.models import Notification

    (person,) = evaluators(challenge.organisation, 1)
    scorecard_with_criteria(challenge)
    services.assignments_add(actor=lead, idea=IdeaFactory(challenge=challenge), evaluators=[person])
    (note,) = Notification.objects.filter(verb="challenges.evaluators_assigned")
    assert note.title.startswith("You have 1 new idea to evaluate in ")


def test_a_comment_without_a_score_is_not_dropped_silently(challenge):
    _card, (impact, _cost) = scorecard_with_criteria(challenge)
    (person,) = evaluators(challenge.organisation, 1)
    with pytest.raises(ValidationError) as error:
        services.evaluation_save(
            actor=person,
            assignment=assign(IdeaFactory(challenge=challenge), person),
            scores={impact.pk: services.ScoreInput(None, "Promising but vague")},
        )
    assert "to keep your comment" in error.value.message_dict[f"score_{impact.pk}"][0]
    assert not Evaluation.objects.exists()


def test_scorecard_replace_writes_settings_and_criteria_together(challenge, lead):
    services.scorecard_replace(
        actor=lead,
        challenge=challenge,
        blind=True,
        evaluators_per_idea=2,
        guidance="Read it all.",
        pairwise_enabled=False,
        criteria=[
            services.CriterionInput(name="Impact", weight=2),
            services.CriterionInput(name="Cost", lower_is_better=True),
        ],
    )
    card = challenge.scorecard
    assert card.evaluators_per_idea == 2
    assert list(card.criteria.order_by("position").values_list("name", flat=True)) == [
        "Impact",
        "Cost",
    ]


def test_a_wrong_criterion_in_the_middle_leaves_the_scorecard_as_it_was(challenge, lead):
    card, (impact, cost) = scorecard_with_criteria(challenge, per_idea=3)
    with pytest.raises(ValidationError) as error:
        services.scorecard_replace(
            actor=lead,
            challenge=challenge,
            blind=False,
            evaluators_per_idea=1,
            guidance="Changed",
            pairwise_enabled=True,
            criteria=[
                services.CriterionInput(id=impact.pk, name="Reach"),
                services.CriterionInput(name="Broken", scale_min=5, scale_max=1),
                services.CriterionInput(id=cost.pk, name="Cost"),
            ],
        )
    assert "criteria.1.scale_max" in error.value.message_dict
    card.refresh_from_db()
    assert (card.blind, card.evaluators_per_idea, card.guidance) == (
        True,
        3,
        "Read the whole idea before you score it.",
    )
    assert list(card.criteria.order_by("position").values_list("name", flat=True)) == [
        "Impact",
        "Cost",
    ]
    assert not AuditEvent.objects.filter(action="challenges.scorecard_changed").exists()


def test_locked_criteria_roll_back_the_scorecard_settings_too(challenge, lead):
    card, (impact, cost) = scorecard_with_criteria(challenge, per_idea=3)
    idea = IdeaFactory(challenge=challenge)
    (evaluator,) = evaluators(challenge.organisation, 1)
    submit(assign(idea, evaluator), {impact: 3, cost: 2})
    with pytest.raises(ValidationError):
        services.scorecard_replace(
            actor=lead,
            challenge=challenge,
            blind=False,
            evaluators_per_idea=1,
            guidance="Changed",
            pairwise_enabled=False,
            criteria=[services.CriterionInput(id=impact.pk, name="Reach")],
        )
    card.refresh_from_db()
    assert (card.blind, card.evaluators_per_idea) == (True, 3)
    assert not AuditEvent.objects.filter(action="challenges.scorecard_changed").exists()
