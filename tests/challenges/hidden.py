"""Challenges and everything under them that an outsider must not find, for the URL walk in
tests/test_access_walk.py: a draft challenge, a staff-only one and an invitation-only one,
each with ideas, a merge, a comment, a file, a co-author, a criterion, an evaluator's
assignment and an event."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from civiclab.challenges.models import (
    Audience,
    Challenge,
    CoAuthor,
    CoAuthorStatus,
    Criterion,
    EvaluatorAssignment,
    Event,
    EventKind,
    IdeaAttachment,
    IdeaStatus,
    MergeRecord,
    PhaseKind,
    Scorecard,
)
from civiclab.discussion.models import Comment
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.factories import UserFactory, member


def hidden_world(organisation, *, public: bool = False) -> list:
    """Three challenges an outsider may not see (or, with `public`, three they may), with
    what hangs off each. Returns every object made.

    The organisation's idea box, made with the organisation, becomes staff-only too, so that
    no id in the world belongs to something an outsider may see.
    """
    if not public:
        Challenge.objects.filter(organisation=organisation).update(audience=Audience.STAFF)
    author, evaluator = UserFactory(), member(organisation, Role.EVALUATOR)
    states = (
        [{"audience": Audience.PUBLIC}] * 3
        if public
        else [
            {"draft": True, "audience": Audience.PUBLIC},
            {"audience": Audience.STAFF},
            {"audience": Audience.INVITED},
        ]
    )
    made: list = []
    for state in states:
        challenge = ChallengeFactory(organisation=organisation, phase=PhaseKind.REVIEW, **state)
        idea = IdeaFactory(challenge=challenge, author=author, status=IdeaStatus.UNDER_REVIEW)
        merged = IdeaFactory(
            challenge=challenge, author=author, status=IdeaStatus.MERGED, merged_into=idea
        )
        scorecard = Scorecard.objects.create(challenge=challenge)
        start = timezone.now() + timedelta(days=7)
        made += [
            challenge,
            idea,
            merged,
            MergeRecord.objects.create(source=merged, target=idea, reason="Same proposal."),
            Comment.objects.create(target=idea, author=author, body="A first thought."),
            IdeaAttachment.objects.create(
                idea=idea,
                file=ContentFile(b"%PDF-1.4 plan", name="plan.pdf"),
                original_name="plan.pdf",
                content_type="application/pdf",
                size=13,
                uploaded_by=author,
            ),
            CoAuthor.objects.create(
                idea=idea, user=UserFactory(), status=CoAuthorStatus.ACCEPTED, invited_by=author
            ),
            Criterion.objects.create(scorecard=scorecard, name="Impact", weight=1),
            EvaluatorAssignment.objects.create(idea=idea, evaluator=evaluator),
            Event.objects.create(
                challenge=challenge,
                kind=EventKind.WORKSHOP,
                title="Workshop",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
            ),
        ]
    return made
