"""Signal receivers of the challenges app, connected in `ChallengesConfig.ready()`.

Receivers only keep derived data fresh (ADR 11): the cached counts of idea lists
(`selectors/lists.py`) follow every idea saved, deleted or re-tagged, and the search documents
of ideas and challenges (`core.search`, ADR 14) every save that changes their text, whichever
code wrote it. A receiver runs inside the transaction of the save that sent it, so a search
document is written, changed or deleted in the same transaction as its object and can never
disagree with committed data. Business data (counters, trending scores, follows) is written by
the services, never here.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from civiclab.core.search import index as search_index

from .models import Challenge, Idea
from .searchable import CHALLENGE_KIND, CHALLENGE_TEXT_FIELDS, IDEA_KIND, IDEA_TEXT_FIELDS
from .selectors import lists


def _idea_saved_counts(sender, instance: Idea, created: bool, update_fields=None, **kwargs):
    if kwargs.get("raw"):
        return
    if update_fields is not None and set(update_fields) <= lists.COUNTER_FIELDS:
        return  # a counter moved: which ideas a list holds is unchanged
    lists.announce_list_change(instance.organisation_id)


def _idea_deleted_counts(sender, instance: Idea, **kwargs):
    lists.announce_list_change(instance.organisation_id)


def _idea_tags_changed_counts(sender, instance, action: str, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, Idea):
        lists.announce_list_change(instance.organisation_id)


def _idea_saved_search(sender, instance: Idea, created: bool, update_fields=None, **kwargs):
    if kwargs.get("raw"):
        return
    if update_fields is not None and not IDEA_TEXT_FIELDS & set(update_fields):
        return  # a counter, a status or hiding: visibility is applied when searching
    search_index.document_put(instance)


def _idea_deleted_search(sender, instance: Idea, **kwargs):
    search_index.document_remove(kind=IDEA_KIND, object_id=instance.pk)


def _challenge_saved_search(
    sender, instance: Challenge, created: bool, update_fields=None, **kwargs
):
    if kwargs.get("raw"):
        return
    if update_fields is not None and not CHALLENGE_TEXT_FIELDS & set(update_fields):
        return
    search_index.document_put(instance)


def _challenge_deleted_search(sender, instance: Challenge, **kwargs):
    search_index.document_remove(kind=CHALLENGE_KIND, object_id=instance.pk)


def connect() -> None:
    """Connect every receiver of the app; `dispatch_uid` makes a second call harmless."""
    post_save.connect(_idea_saved_search, sender=Idea, dispatch_uid="challenges.search.idea")
    post_delete.connect(
        _idea_deleted_search, sender=Idea, dispatch_uid="challenges.search.idea_deleted"
    )
    post_save.connect(
        _challenge_saved_search, sender=Challenge, dispatch_uid="challenges.search.challenge"
    )
    post_delete.connect(
        _challenge_deleted_search,
        sender=Challenge,
        dispatch_uid="challenges.search.challenge_deleted",
    )
    post_save.connect(_idea_saved_counts, sender=Idea, dispatch_uid="challenges.lists.saved")
    post_delete.connect(_idea_deleted_counts, sender=Idea, dispatch_uid="challenges.lists.deleted")
    m2m_changed.connect(
        _idea_tags_changed_counts, sender=Idea.tags.through, dispatch_uid="challenges.lists.tags"
    )
