"""Challenge services: create, edit, phases, invitations, publish, the idea box."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from civiclab.challenges.models import Audience, Challenge, PhaseKind, Tag
from civiclab.challenges.services import challenges as services
from civiclab.challenges.services.challenges import PhaseDates
from civiclab.core.models import AuditEvent
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory, TagFactory
from tests.factories import OrganisationFactory, UserFactory, member

pytestmark = pytest.mark.django_db

JAN = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)


def day(n: int) -> datetime:
    return JAN + timedelta(days=n)


def create(organisation, actor, **fields):
    values = {
        "title": "Safer crossings",
        "summary": "Fewer accidents near schools.",
        "problem_statement": "Children cross busy roads.",
    }
    values.update(fields)
    return services.challenge_create(actor=actor, organisation=organisation, **values)


def test_create_makes_a_draft_with_tags_created_on_the_fly_and_audits(organisation):
    lead = member(organisation, Role.INNOVATION_LEAD)
    TagFactory(organisation=organisation, name="Mobility", slug="mobility")
    challenge = create(organisation, lead, tag_names=["mobility", "Schools"])
    assert challenge.state == Challenge.State.DRAFT
    assert challenge.slug == "safer-crossings"
    assert sorted(challenge.tags.values_list("slug", flat=True)) == ["mobility", "schools"]
    assert Tag.objects.filter(organisation=organisation).count() == 2
    event = AuditEvent.objects.get(action="challenges.challenge_created")
    assert event.organisation_id == organisation.pk and event.actor == lead


def test_slugs_are_unique_within_the_organisation_and_avoid_reserved_words(organisation):
    lead = member(organisation, Role.ADMIN)
    assert create(organisation, lead).slug == "safer-crossings"
    assert create(organisation, lead).slug == "safer-crossings-2"
    assert create(organisation, lead, title="New").slug == "new-challenge"


def test_staff_cannot_create_and_nothing_is_written(organisation):
    staff = member(organisation, Role.STAFF)
    with pytest.raises(PermissionDenied):
        create(organisation, staff)
    assert not Challenge.objects.filter(organisation=organisation, is_idea_box=False).exists()


def test_sponsor_must_be_a_decision_maker_of_the_organisation(organisation):
    lead = member(organisation, Role.INNOVATION_LEAD)
    outsider = member(OrganisationFactory(), Role.DECISION_MAKER)
    with pytest.raises(ValidationError) as error:
        create(organisation, lead, sponsor=outsider)
    assert "sponsor" in error.value.message_dict
    sponsor = member(organisation, Role.DECISION_MAKER)
    assert create(organisation, lead, sponsor=sponsor).sponsor == sponsor


def test_unknown_innovation_type_and_audience_are_refused(organisation):
    lead = member(organisation, Role.INNOVATION_LEAD)
    with pytest.raises(ValidationError) as error:
        create(organisation, lead, innovation_types=["magic"], audience="everyone")
    assert "audience" in error.value.message_dict


def test_update_changes_fields_and_tags_and_audits_the_names(organisation):
    lead = member(organisation, Role.INNOVATION_LEAD)
    challenge = ChallengeFactory(organisation=organisation)
    services.challenge_update(
        actor=lead, challenge=challenge, title="Safer streets", tag_names=["Night"]
    )
    challenge.refresh_from_db()
    assert challenge.title == "Safer streets"
    assert [t.name for t in challenge.tags.all()] == ["Night"]
    event = AuditEvent.objects.get(action="challenges.challenge_changed")
    assert event.details == {"fields": ["tags", "title"]}


@pytest.mark.parametrize(
    ("phases", "field"),
    [
        ([PhaseDates("submission", day(5), day(1))], "submission_ends"),
        ([PhaseDates("submission", day(1), day(1))], "submission_ends"),
        (
            [PhaseDates("submission", day(1), day(10)), PhaseDates("review", day(5), day(20))],
            "review_starts",
        ),
        (
            [PhaseDates("review", day(1), day(10)), PhaseDates("submission", day(11), day(20))],
            "review_starts",
        ),
        (
            [PhaseDates("submission", day(1)), PhaseDates("review", day(5), day(20))],
            "submission_ends",
        ),
    ],
    ids=["ends-before-start", "zero-length", "overlap", "out-of-order", "open-ended-middle"],
)
def test_phase_dates_are_validated(phases, field):
    with pytest.raises(ValidationError) as error:
        services.validate_phases(phases)
    assert field in error.value.message_dict


def test_phase_dates_before_2000_or_over_ten_years_ahead_are_refused():
    typo = timezone.now().replace(year=timezone.now().year + 180)  # 2206 for 2026
    with pytest.raises(ValidationError) as error:
        services.validate_phases(
            [
                PhaseDates("submission", datetime(1999, 12, 31, tzinfo=UTC), day(10)),
                PhaseDates("review", day(11), typo),
            ]
        )
    assert error.value.message_dict == {
        "submission_starts": ["Enter a date in 2000 or later."],
        "review_ends": ["Enter a date at most 10 years from now."],
    }
    nine_years = timezone.now() + timedelta(days=9 * 365)
    assert services.validate_phases([PhaseDates("submission", day(1), nine_years)])


def test_a_phase_kind_appears_once():
    with pytest.raises(ValidationError):
        services.validate_phases(
            [PhaseDates("submission", day(1), day(2)), PhaseDates("submission", day(3), day(4))]
        )


def test_set_phases_replaces_the_phases_and_the_clock_decides(organisation):
    admin = member(organisation, Role.ADMIN)
    challenge = ChallengeFactory(organisation=organisation)
    services.challenge_set_phases(
        actor=admin,
        challenge=challenge,
        phases=[
            PhaseDates("submission", day(0), day(10)),
            PhaseDates("review", day(10), day(20)),
            PhaseDates("selection", day(25), day(30)),
        ],
    )
    fresh = Challenge.objects.prefetch_related("phases").get(pk=challenge.pk)
    assert [p.kind for p in fresh.phases.all()] == ["submission", "review", "selection"]
    assert fresh.current_phase_kind(day(5)) == PhaseKind.SUBMISSION
    assert fresh.current_phase_kind(day(15)) == PhaseKind.REVIEW
    assert fresh.current_phase_kind(day(22)) == PhaseKind.CLOSED  # the gap between phases
    assert fresh.current_phase_kind(day(26)) == PhaseKind.SELECTION
    assert fresh.current_phase_kind(day(31)) == PhaseKind.CLOSED


def test_published_challenge_keeps_a_submission_phase(organisation):
    admin = member(organisation, Role.ADMIN)
    challenge = ChallengeFactory(organisation=organisation)
    with pytest.raises(ValidationError):
        services.challenge_set_phases(
            actor=admin, challenge=challenge, phases=[PhaseDates("review", day(0), day(1))]
        )
    assert challenge.phases.count() == 4


def test_publish_needs_a_submission_phase_then_publishes_once(organisation):
    lead = member(organisation, Role.INNOVATION_LEAD)
    challenge = ChallengeFactory(organisation=organisation, draft=True, phase=False)
    with pytest.raises(ValidationError):
        services.challenge_publish(actor=lead, challenge=challenge)
    services.challenge_set_phases(
        actor=lead, challenge=challenge, phases=[PhaseDates("submission", day(0), day(9))]
    )
    services.challenge_publish(actor=lead, challenge=challenge)
    challenge.refresh_from_db()
    assert challenge.is_published and challenge.published_at is not None
    with pytest.raises(ValidationError):
        services.challenge_publish(actor=lead, challenge=challenge)
    assert AuditEvent.objects.filter(action="challenges.challenge_published").count() == 1


def test_unpublish_only_while_there_are_no_ideas(organisation):
    lead = member(organisation, Role.INNOVATION_LEAD)
    challenge = ChallengeFactory(organisation=organisation)
    IdeaFactory(challenge=challenge)
    with pytest.raises(ValidationError) as error:
        services.challenge_unpublish(actor=lead, challenge=challenge)
    assert error.value.code == "conflict"
    empty = ChallengeFactory(organisation=organisation)
    services.challenge_unpublish(actor=lead, challenge=empty)
    empty.refresh_from_db()
    assert empty.state == Challenge.State.DRAFT


def test_staff_cannot_publish(organisation):
    challenge = ChallengeFactory(organisation=organisation, draft=True)
    with pytest.raises(PermissionDenied):
        services.challenge_publish(actor=member(organisation, Role.STAFF), challenge=challenge)


def test_invitations_store_addresses_whether_or_not_they_have_an_account(organisation):
    admin = member(organisation, Role.ADMIN)
    guest = UserFactory(email="guest@example.org")
    challenge = ChallengeFactory(organisation=organisation, audience=Audience.INVITED)
    invited = services.challenge_set_invited(
        actor=admin, challenge=challenge, emails=["GUEST@example.org", " ghost@example.org", ""]
    )
    assert invited == ["ghost@example.org", "guest@example.org"]
    assert guest.has_perm("challenges.view_challenge", challenge)
    services.challenge_set_invited(actor=admin, challenge=challenge, emails=["ghost@example.org"])
    assert list(challenge.invited_addresses.values_list("email", flat=True)) == [
        "ghost@example.org"
    ]
    assert not guest.has_perm("challenges.view_challenge", challenge)
    assert AuditEvent.objects.filter(action="challenges.invited_changed").count() == 2


def test_staff_cannot_change_who_is_invited(organisation):
    challenge = ChallengeFactory(organisation=organisation, audience=Audience.INVITED)
    with pytest.raises(PermissionDenied):
        services.challenge_set_invited(
            actor=member(organisation, Role.STAFF), challenge=challenge, emails=["a@example.org"]
        )
    assert not challenge.invited_addresses.exists()


def test_one_idea_box_per_organisation():
    organisation = OrganisationFactory()
    first = services.challenge_get_or_create_idea_box(organisation=organisation)
    second = services.challenge_get_or_create_idea_box(organisation=organisation)
    assert first == second and first.is_idea_box
    assert Challenge.objects.filter(organisation=organisation, is_idea_box=True).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        ChallengeFactory(organisation=organisation, is_idea_box=True)


def test_idea_box_is_created_lazily_when_missing():
    organisation = OrganisationFactory()
    Challenge.objects.filter(organisation=organisation, is_idea_box=True).delete()
    box = services.challenge_get_or_create_idea_box(organisation=organisation)
    assert box.current_phase_kind() == PhaseKind.SUBMISSION
    assert box.phases.get().ends_at is None
    assert AuditEvent.objects.filter(action="challenges.idea_box_created").exists()


def test_idea_box_phases_cannot_be_changed_nor_unpublished(organisation):
    admin = member(organisation, Role.ADMIN)
    box = services.challenge_get_or_create_idea_box(organisation=organisation)
    with pytest.raises(ValidationError):
        services.challenge_set_phases(
            actor=admin, challenge=box, phases=[PhaseDates("submission", day(0), day(1))]
        )
    with pytest.raises(ValidationError):
        services.challenge_unpublish(actor=admin, challenge=box)


def test_tag_names_are_parsed_and_deduplicated():
    assert services.parse_tag_names(" Mobility, safety ,mobility,, ") == ["Mobility", "safety"]


# --- a challenge and its phases: one write --------------------------------------------------


def test_create_with_phases_writes_the_challenge_and_its_phases_together(organisation):
    lead = member(organisation, Role.INNOVATION_LEAD)
    challenge = create(
        organisation,
        lead,
        tag_names=["Schools"],
        phases=[PhaseDates("review", day(10), day(20)), PhaseDates("submission", day(0), day(10))],
    )
    assert [p.kind for p in challenge.phases.order_by("starts_at")] == ["submission", "review"]
    actions = AuditEvent.objects.filter(organisation_id=organisation.pk).values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["challenges.challenge_created", "challenges.phases_set"]


def test_a_wrong_phase_in_the_middle_leaves_no_challenge_tag_or_audit_behind(organisation):
    lead = member(organisation, Role.INNOVATION_LEAD)
    with pytest.raises(ValidationError) as error:
        create(
            organisation,
            lead,
            tag_names=["Brand new tag"],
            phases=[
                PhaseDates("submission", day(0), day(10)),
                PhaseDates("review", day(5), day(20)),  # overlaps the submission phase
                PhaseDates("selection", day(21), day(30)),
            ],
        )
    assert "review_starts" in error.value.message_dict
    assert not Challenge.objects.filter(organisation=organisation, is_idea_box=False).exists()
    assert not Tag.objects.filter(organisation=organisation).exists()
    assert not AuditEvent.objects.filter(action="challenges.challenge_created").exists()


def test_a_phase_that_fails_to_save_rolls_the_new_challenge_back(organisation, monkeypatch):
    lead = member(organisation, Role.INNOVATION_LEAD)

    def fail(*args, **kwargs):
        raise IntegrityError("the phase could not be stored")

    monkeypatch.setattr(services.Phase.objects, "bulk_create", fail)
    with pytest.raises(IntegrityError):
        create(organisation, lead, phases=[PhaseDates("submission", day(0), day(10))])
    assert not Challenge.objects.filter(organisation=organisation, is_idea_box=False).exists()
    assert not AuditEvent.objects.filter(organisation_id=organisation.pk).exists()


def test_update_with_wrong_phases_changes_neither_fields_nor_phases(organisation):
    lead = member(organisation, Role.INNOVATION_LEAD)
    challenge = ChallengeFactory(organisation=organisation, title="Before")
    phases_before = list(challenge.phases.values_list("kind", "starts_at", "ends_at"))
    with pytest.raises(ValidationError):
        services.challenge_update(
            actor=lead,
            challenge=challenge,
            title="After",
            tag_names=["Fresh"],
            phases=[
                PhaseDates("submission", day(0), day(10)),
                PhaseDates("review", day(12), day(11)),  # ends before it starts
            ],
        )
    fresh = Challenge.objects.get(pk=challenge.pk)
    assert fresh.title == "Before"
    assert not fresh.tags.exists()
    assert list(fresh.phases.values_list("kind", "starts_at", "ends_at")) == phases_before
    assert not AuditEvent.objects.filter(organisation_id=organisation.pk).exists()


def test_update_with_phases_writes_fields_and_phases_together(organisation):
    lead = member(organisation, Role.INNOVATION_LEAD)
    challenge = ChallengeFactory(organisation=organisation, draft=True, phase=False)
    services.challenge_update(
        actor=lead,
        challenge=challenge,
        title="After",
        phases=[PhaseDates("submission", day(0), day(10))],
    )
    fresh = Challenge.objects.get(pk=challenge.pk)
    assert fresh.title == "After"
    assert list(fresh.phases.values_list("kind", flat=True)) == ["submission"]
