"""Reads for merging ideas: which ideas one may be merged into."""

from django.db.models import QuerySet

from civiclab.challenges.models import Idea, IdeaStatus


def merge_targets(*, source: Idea) -> QuerySet[Idea]:
    """Ideas `source` may be merged into: others of its challenge that are not merged."""
    return (
        Idea.objects.filter(challenge_id=source.challenge_id)
        .exclude(pk=source.pk)
        .exclude(status=IdeaStatus.MERGED)
    )
