"""Who may set up scorecards, assign evaluators, score, read results and compare ideas, in
every phase: the permission matrix of the evaluation rules."""

import pytest

from civiclab.challenges.models import CoAuthor, CoAuthorStatus, EvaluatorAssignment, PhaseKind
from civiclab.challenges.selectors.evaluation import conflicted_evaluators
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory, during
from tests.challenges.test_evaluation_support import scorecard_with_criteria
from tests.factories import OrganisationFactory, member
from tests.permissions import assert_permission_matrix, everyone_except, only

pytestmark = pytest.mark.django_db

PHASES = {
    kind: (lambda obj, kind=kind: during(getattr(obj, "challenge", obj), kind))
    for kind in PhaseKind.values
}
# A platform administrator (superuser) holds every permission through Django's model backend.
NOBODY = only("platform_admin")


def managers(*roles):
    return only("platform_admin", *roles)


def test_challenge_managers_manage_the_scorecard_in_every_phase():
    assert_permission_matrix(
        "challenges.manage_scorecard",
        lambda organisation: ChallengeFactory(organisation=organisation),
        states=PHASES,
        expected={kind: managers("admin", "innovation_lead") for kind in PHASES},
    )


def test_managers_assign_evaluators_during_submission_and_review_only():
    assert_permission_matrix(
        "challenges.assign_evaluators",
        lambda organisation: ChallengeFactory(organisation=organisation),
        states=PHASES,
        expected={
            PhaseKind.SUBMISSION: managers("admin", "innovation_lead"),
            PhaseKind.REVIEW: managers("admin", "innovation_lead"),
            PhaseKind.SELECTION: NOBODY,
            PhaseKind.CLOSED: NOBODY,
        },
    )


def test_managers_and_decision_makers_read_the_results():
    assert_permission_matrix(
        "challenges.view_evaluation_results",
        lambda organisation: ChallengeFactory(organisation=organisation),
        states=PHASES,
        expected={kind: managers("admin", "innovation_lead", "decision_maker") for kind in PHASES},
    )


def _assigned_then_allowed(user, idea):
    """Everyone signed in is assigned the idea first: only the rule's other parts decide."""
    if user.is_authenticated:
        EvaluatorAssignment.objects.create(idea=idea, evaluator=user)
    return user.has_perm("challenges.evaluate_idea", idea)


def test_assigned_evaluators_of_the_organisation_score_during_the_review_phase_only():
    assert_permission_matrix(
        "challenges.evaluate_idea",
        lambda organisation: IdeaFactory(challenge=ChallengeFactory(organisation=organisation)),
        states=PHASES,
        expected={
            PhaseKind.SUBMISSION: NOBODY,
            # The evaluator of another organisation is assigned too, and still refused.
            PhaseKind.REVIEW: managers("evaluator"),
            PhaseKind.SELECTION: NOBODY,
            PhaseKind.CLOSED: NOBODY,
        },
        check=_assigned_then_allowed,
    )


def test_an_evaluator_who_is_not_assigned_cannot_score():
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    idea = IdeaFactory(challenge=challenge)
    evaluator = member(challenge.organisation, Role.EVALUATOR)
    assert not evaluator.has_perm("challenges.evaluate_idea", idea)


def test_accepted_co_authors_never_score_the_idea_even_when_assigned():
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    evaluator = member(challenge.organisation, Role.EVALUATOR)
    idea = IdeaFactory(challenge=challenge)
    CoAuthor.objects.create(idea=idea, user=evaluator, status=CoAuthorStatus.ACCEPTED)
    EvaluatorAssignment.objects.create(idea=idea, evaluator=evaluator)
    assert not evaluator.has_perm("challenges.evaluate_idea", idea)


def test_pending_coauthor_invitation_does_not_conflict_an_evaluator():
    # Otherwise an author could bar any evaluator from their idea by inviting them.
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    evaluator = member(challenge.organisation, Role.EVALUATOR)
    idea = IdeaFactory(challenge=challenge)
    CoAuthor.objects.create(idea=idea, user=evaluator, status=CoAuthorStatus.INVITED)
    assert (idea.pk, evaluator.pk) not in conflicted_evaluators([idea.pk])
    EvaluatorAssignment.objects.create(idea=idea, evaluator=evaluator)
    assert evaluator.has_perm("challenges.evaluate_idea", idea)


def test_a_declined_co_author_is_no_longer_in_conflict():
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    evaluator = member(challenge.organisation, Role.EVALUATOR)
    idea = IdeaFactory(challenge=challenge)
    CoAuthor.objects.create(idea=idea, user=evaluator, status=CoAuthorStatus.DECLINED)
    EvaluatorAssignment.objects.create(idea=idea, evaluator=evaluator)
    assert evaluator.has_perm("challenges.evaluate_idea", idea)


def test_the_author_never_scores_their_own_idea_even_when_assigned():
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    evaluator = member(challenge.organisation, Role.EVALUATOR)
    idea = IdeaFactory(challenge=challenge, author=evaluator)
    EvaluatorAssignment.objects.create(idea=idea, evaluator=evaluator)
    assert not evaluator.has_perm("challenges.evaluate_idea", idea)


def test_an_evaluator_of_another_organisation_cannot_score_even_when_assigned():
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    outsider = member(OrganisationFactory(), Role.EVALUATOR)
    idea = IdeaFactory(challenge=challenge)
    EvaluatorAssignment.objects.create(idea=idea, evaluator=outsider)
    assert not outsider.has_perm("challenges.evaluate_idea", idea)


def _with_pairwise(enabled):
    def build(organisation):
        challenge = ChallengeFactory(organisation=organisation)
        scorecard_with_criteria(challenge, pairwise=enabled)
        return challenge

    return build


def test_everyone_signed_in_who_sees_the_challenge_compares_ideas_during_review():
    assert_permission_matrix(
        "challenges.compare_ideas",
        _with_pairwise(True),
        states=PHASES,
        expected={
            PhaseKind.SUBMISSION: NOBODY,
            PhaseKind.REVIEW: everyone_except("anonymous", "unconfirmed_citizen"),
            PhaseKind.SELECTION: NOBODY,
            PhaseKind.CLOSED: NOBODY,
        },
    )


def test_nobody_compares_ideas_when_the_scorecard_does_not_invite_it():
    assert_permission_matrix(
        "challenges.compare_ideas",
        _with_pairwise(False),
        states={"review": PHASES[PhaseKind.REVIEW]},
        expected={"review": NOBODY},
    )


def test_only_staff_compare_ideas_of_a_staff_only_challenge():
    def build(organisation):
        challenge = ChallengeFactory(organisation=organisation, audience="staff")
        scorecard_with_criteria(challenge, pairwise=True)
        return challenge

    assert_permission_matrix(
        "challenges.compare_ideas",
        build,
        states={"review": PHASES[PhaseKind.REVIEW]},
        expected={
            "review": managers(
                "admin",
                "innovation_lead",
                "decision_maker",
                "evaluator",
                "moderator",
                "staff",
            )
        },
    )
