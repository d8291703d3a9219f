"""What challenges hold about a person, for "download my data" and "delete my account".

Contributions (ideas, supports, evaluations with their scores and comments, comparisons)
stay after deletion, shown under the anonymous name the account receives; event
registrations are personal choices with no public value, so they are removed. Names in
other people's notifications are renamed by the notifications' own eraser (`core`).
"""

from django.db.models import F, Q

from civiclab.core import personal_data

from . import models as m


def _rows(queryset, *fields, **expressions) -> list[dict]:
    return list(queryset.values(*fields, **expressions))


def _register(label, exporter, user_fields, eraser=None) -> None:
    personal_data.register(label, exporter=exporter, eraser=eraser, user_fields=user_fields)


def register_all() -> None:
    _register(
        "challenges.challenge",
        lambda user: _rows(
            m.Challenge.objects.filter(Q(sponsor=user) | Q(created_by=user)).distinct(),
            "id",
            "title",
            "organisation__name",
            "created_at",
        ),
        ["sponsor", "created_by"],
    )
    # Invitations to invitation-only challenges are addressed by e-mail, not linked: the
    # eraser runs while the account still has its address.
    _register(
        "challenges.invitedaddress",
        lambda user: _rows(
            m.InvitedAddress.objects.filter(email__iexact=user.email),
            "challenge__title",
            "email",
            "created_at",
        ),
        [],
        eraser=lambda user: m.InvitedAddress.objects.filter(email__iexact=user.email).delete(),
    )
    _register(
        "challenges.eventregistration",
        lambda user: _rows(
            m.EventRegistration.objects.filter(user=user), "event__title", "status", "created_at"
        ),
        ["user"],
        eraser=lambda user: m.EventRegistration.objects.filter(user=user).delete(),
    )
    _register(
        "challenges.idea",
        lambda user: _rows(
            m.Idea.objects.filter(author=user),
            "id",
            "title",
            "summary",
            "description",
            "expected_benefits",
            "beneficiaries",
            "location_name",
            "status",
            "created_at",
            "challenge__title",
        ),
        ["author"],
    )
    _register(
        "challenges.coauthor",
        lambda user: _rows(
            m.CoAuthor.objects.filter(Q(user=user) | Q(invited_by=user)),
            "idea__title",
            "status",
            "invited_at",
            "responded_at",
        ),
        ["user", "invited_by"],
    )
    _register(
        "challenges.idearevision",
        lambda user: _rows(
            m.IdeaRevision.objects.filter(editor=user), "idea_id", "created_at", "content"
        ),
        ["editor"],
    )
    _register(
        "challenges.ideaattachment",
        lambda user: _rows(
            m.IdeaAttachment.objects.filter(uploaded_by=user),
            "idea_id",
            "original_name",
            "content_type",
            "size",
            "created_at",
        ),
        ["uploaded_by"],
    )
    _register(
        "challenges.statuschange",
        lambda user: _rows(
            m.StatusChange.objects.filter(actor=user),
            "idea_id",
            "from_status",
            "to_status",
            "reason",
            "created_at",
        ),
        ["actor"],
    )
    _register(
        "challenges.support",
        lambda user: _rows(
            m.Support.objects.filter(user=user), "idea_id", "idea__title", "created_at"
        ),
        ["user"],
    )
    _register(
        "challenges.mergerecord",
        lambda user: _rows(
            m.MergeRecord.objects.filter(Q(actor=user) | Q(unmerged_by=user)),
            "source_id",
            "target_id",
            "reason",
            "created_at",
            "unmerged_at",
        ),
        ["actor", "unmerged_by"],
    )
    _register(
        "challenges.evaluatorassignment",
        lambda user: _rows(
            m.EvaluatorAssignment.objects.filter(Q(evaluator=user) | Q(assigned_by=user)),
            "idea_id",
            "evaluator_id",
            "created_at",
        ),
        ["evaluator", "assigned_by"],
    )
    _register(
        "challenges.evaluation",
        lambda user: _rows(
            m.Evaluation.objects.filter(assignment__evaluator=user).order_by("pk"),
            "comment",
            "submitted_at",
            "updated_at",
            **{"idea_id": F("assignment__idea_id"), "idea": F("assignment__idea__title")},
        ),
        [],
    )
    _register(
        "challenges.score",
        lambda user: _rows(
            m.Score.objects.filter(evaluation__assignment__evaluator=user).order_by(
                "evaluation_id", "criterion__position", "pk"
            ),
            "value",
            "comment",
            **{
                "idea_id": F("evaluation__assignment__idea_id"),
                "criterion_name": F("criterion__name"),
                "scale_min": F("criterion__scale_min"),
                "scale_max": F("criterion__scale_max"),
            },
        ),
        [],
    )
    # They belong to a challenge, which names its sponsor and creator: nothing about them.
    for label in ("challenges.phase", "challenges.scorecard", "challenges.event"):
        personal_data.exclude(
            label, reason="the challenge's settings; the person is named on the challenge"
        )
    _register(
        "challenges.pairwisecomparison",
        lambda user: _rows(
            m.PairwiseComparison.objects.filter(voter=user),
            "winner_id",
            "loser_id",
            "is_tie",
            "created_at",
        ),
        ["voter"],
    )
