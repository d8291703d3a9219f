"""Signal receivers of the challenges app, connected in `ChallengesConfig.ready()`.

Receivers only keep caches fresh (ADR 11): the cached counts of idea lists
(`selectors/lists.py`) and the in-memory similarity indexes (`selectors/similar.py`) follow
every idea saved, deleted or re-tagged, whichever code wrote it. Business data (counters,
trending scores, follows) is written by the services, never here.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import Idea
from .selectors import lists, similar

# Fields whose change moves the indexed text of an idea to another text or challenge.
INDEXED_FIELDS = similar.TEXT_FIELDS | {"challenge"}


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


def _idea_saved_index(sender, instance: Idea, created: bool, update_fields=None, **kwargs):
    if kwargs.get("raw"):
        return
    if update_fields is not None and not INDEXED_FIELDS & set(update_fields):
        return  # a counter or a status: the indexed text is unchanged
    similar.idea_text_changed(instance)


def _idea_deleted_index(sender, instance: Idea, **kwargs):
    similar.idea_removed(instance)


def connect() -> None:
    """Connect every receiver of the app; `dispatch_uid` makes a second call harmless."""
    post_save.connect(_idea_saved_index, sender=Idea, dispatch_uid="challenges.similar.saved")
    post_delete.connect(_idea_deleted_index, sender=Idea, dispatch_uid="challenges.similar.deleted")
    post_save.connect(_idea_saved_counts, sender=Idea, dispatch_uid="challenges.lists.saved")
    post_delete.connect(_idea_deleted_counts, sender=Idea, dispatch_uid="challenges.lists.deleted")
    m2m_changed.connect(
        _idea_tags_changed_counts, sender=Idea.tags.through, dispatch_uid="challenges.lists.tags"
    )
