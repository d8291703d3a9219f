"""Pairwise comparison: participants choose the better of two ideas; a Bradley-Terry model
turns the choices into a ranking. This module records a choice; which pair to show and the
ranking are read by `selectors/pairwise.py`.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from civiclab.accounts.models import User
from civiclab.challenges.audit import AuditAction
from civiclab.challenges.models import Challenge, Idea, PairwiseComparison
from civiclab.challenges.selectors.pairwise import (
    comparable_ideas,
    own_idea_ids,
    pair_was_offered,
)
from civiclab.core.ratelimit import count_action
from civiclab.core.services import audit_record

DEFAULT_RATE = (30, 60)  # comparisons per seconds


def _rate_limit(user: User) -> None:
    limit, window = getattr(settings, "CHALLENGES_PAIRWISE_RATE", DEFAULT_RATE)
    count_action(
        key=f"challenges:pairwise:{user.pk}",
        limit=limit,
        seconds=window,
        message=_("You are comparing very quickly. Please wait a minute and go on."),
    )


def pairwise_record(
    *,
    actor: User,
    challenge: Challenge,
    winner: Idea,
    loser: Idea,
    pair_token: str,
    tie: bool = False,
) -> PairwiseComparison:
    """Record that `actor` preferred `winner` to `loser` (or could not decide, `tie`).

    Only the pair the platform offered counts: `pair_token` is the one `next_pair`'s page or
    endpoint gave with it (see `selectors.pairwise.pair_token`).
    """
    if not actor.has_perm("challenges.compare_ideas", challenge):
        raise PermissionDenied(
            _("Comparing ideas is open during the review phase of challenges that invite it.")
        )
    if winner.pk == loser.pk:
        raise ValidationError(_("Choose between two different ideas."))
    if not pair_was_offered(
        user=actor, challenge=challenge, ideas=(winner.pk, loser.pk), token=pair_token
    ):
        raise ValidationError(
            _(
                "This pair was not offered to you, or it was offered too long ago. "
                "Compare the pair shown now."
            ),
            code="pair_not_offered",
        )
    allowed = set(
        comparable_ideas(challenge)
        .filter(pk__in=[winner.pk, loser.pk])
        .values_list("pk", flat=True)
    )
    if allowed != {winner.pk, loser.pk}:
        raise ValidationError(_("These ideas cannot be compared in this challenge."))
    if own_idea_ids(user=actor, challenge=challenge) & allowed:
        raise ValidationError(_("You cannot compare your own idea."))
    _rate_limit(actor)
    with transaction.atomic():
        # One person's comparisons are serialised, so a double-clicked choice counts once.
        list(get_user_model().objects.select_for_update().filter(pk=actor.pk).values_list("pk"))
        already = PairwiseComparison.objects.filter(challenge=challenge, voter=actor).filter(
            Q(winner=winner, loser=loser) | Q(winner=loser, loser=winner)
        )
        if already.exists():
            raise ValidationError(_("You have already compared these two ideas."))
        comparison = PairwiseComparison.objects.create(
            challenge=challenge, voter=actor, winner=winner, loser=loser, is_tie=tie
        )
        audit_record(
            actor=actor,
            action=AuditAction.IDEAS_COMPARED,
            subject=challenge,
            organisation_id=challenge.organisation_id,
            details={"comparison": comparison.pk},
        )
    return comparison
