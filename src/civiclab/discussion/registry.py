"""The models people can discuss, and what discussion needs to know about each.

Discussion sits below the apps whose objects it serves, so it never imports them: an app
registers its discussable model from its `AppConfig.ready()` with one `Discussable` that says
who may read an object, who wrote it, which organisation it belongs to, how blind review masks
its authors and what hiding it by a moderator means. Comments, follows and flags then work on
the new model without copying code (liqd/adhocracy4's comments keep the same kind of list of
allowed models).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.functional import Promise

from civiclab.core import notifications
from civiclab.organisations.models import Organisation

from . import audit

# The moderation decisions a queue can take on an item; each is audited under its own action.
MODERATION_VERBS = ("auto_hidden", "hidden", "restored", "flags_dismissed")


class Hideable(Protocol):
    """What a model with a `Moderation` carries, as comments do: the moderators' flag on it
    and the public reason shown in its place."""

    is_hidden: bool
    hidden_reason: str


@dataclass(frozen=True)
class Moderation:
    """What a moderator hiding the object means: its own flag, shown with a public reason.

    `actions` maps each of `MODERATION_VERBS` to the registering app's audit action, so the
    trail says "idea hidden by a moderator" in the app's own words. `flags_to_hide` is how many
    open reports hide the object (and its comments) until a moderator looks; 0 never does.
    """

    perm: str
    actions: dict[str, models.TextChoices]
    flags_to_hide: Callable[[Any], int] = lambda obj: 0
    summary: Callable[[Any], str] = lambda obj: ""
    hidden_ordering: tuple[str, ...] = ("-pk",)


@dataclass(frozen=True)
class Discussable:
    """One registered model and the answers discussion asks of it.

    - `kind`: a short name ("idea") used in messages, the queue and the API.
    - `url_segment`: the plural in its addresses ("ideas"): the discussion pages and API
      serve `<url_segment>/<id>/comments/` and the like for every registered model.
    - `read_perm`: who may read the object (and so its comments and follows).
    - `comment_perm`, `follow_perm`, `flag_perm`: the rules for taking part, the object's own.
    - `authors`: the ids of the people who wrote the object.
    - `organisation_field`: the field naming its organisation (read and filtered on).
    - `shows_authors`: whether a reader may know the object's authors; when not, blind review
      writes `masked_label` in place of their names (see `discussion.blind`).
    - `is_hidden`, `is_frozen`: a hidden object takes no reports; a frozen one (an idea merged
      into another) keeps its comments as they are.
    - `comment_count_field`: a counter on the object kept exact with every comment.
    - `moderation`: present when the moderation queue may hide the object itself.
    """

    # The callables below take instances of `model` (each registering app types them with its
    # own model, so they take `Any` here: a `Model` parameter would refuse those callables).
    model: type[models.Model]
    kind: str
    label: str | Promise
    read_perm: str
    comment_perm: str
    follow_perm: str
    flag_perm: str
    authors: Callable[[Any], frozenset[int]]
    shows_authors: Callable[[Any, Any], bool]
    masked_label: str | Promise
    url_segment: str = ""
    title: Callable[[Any], str] = str
    url: Callable[[Any], str] = lambda obj: obj.get_absolute_url()
    organisation_field: str = "organisation"
    is_hidden: Callable[[Any], bool] = lambda obj: False
    is_frozen: Callable[[Any], bool] = lambda obj: False
    comment_count_field: str = ""
    moderation: Moderation | None = None
    select_related: tuple[str, ...] = field(default=())
    prefetch_related: tuple[str, ...] = field(default=())

    @property
    def segment(self) -> str:
        return self.url_segment or f"{self.kind}s"

    def organisation_of(self, obj: models.Model) -> Organisation:
        return getattr(obj, self.organisation_field)

    def organisation_id_of(self, obj: models.Model) -> int:
        return getattr(obj, f"{self.organisation_field}_id")

    def content_type(self) -> ContentType:
        return ContentType.objects.get_for_model(self.model)

    def objects(self) -> models.QuerySet:
        """The model's rows with what its rules read joined (one query per object)."""
        return (
            self.model._default_manager.select_related(*self.select_related)
            .prefetch_related(*self.prefetch_related)
            .all()
        )


_by_model: dict[type[models.Model], Discussable] = {}
_by_kind: dict[str, Discussable] = {}


def register(discussable: Discussable) -> None:
    """Make `discussable.model` open to discussion. Registering the same one again is a no-op."""
    known = _by_kind.get(discussable.kind)
    if known is not None and known.model is not discussable.model:
        raise ValueError(f"The discussable kind {discussable.kind!r} is registered twice.")
    _by_model[discussable.model] = discussable
    _by_kind[discussable.kind] = discussable
    # Notifications about the object reach only its readers, asked again at each delivery.
    notifications.register_read_check(
        discussable.model, discussable.read_perm, objects=discussable.objects
    )
    if discussable.moderation is not None:
        for verb in MODERATION_VERBS:
            audit.MODERATION_ACTIONS[discussable.kind, verb] = discussable.moderation.actions[verb]


def unregister(model: type[models.Model]) -> None:
    """Take a model off the registry (for tests that register one of their own)."""
    discussable = _by_model.pop(model, None)
    if discussable is not None:
        _by_kind.pop(discussable.kind, None)
        notifications.unregister_read_check(model)
        for verb in MODERATION_VERBS:
            audit.MODERATION_ACTIONS.pop((discussable.kind, verb), None)


def is_discussable(obj: object) -> bool:
    return type(obj) in _by_model


def discussable_of(obj: models.Model) -> Discussable:
    """The registration of `obj`'s model; a model nobody registered is a programming error."""
    try:
        return _by_model[type(obj)]
    except KeyError:
        raise LookupError(f"{type(obj).__name__} is not registered for discussion.") from None


def discussable_of_type(content_type_id: int) -> Discussable | None:
    """The registration of the model behind a content type id, if it is registered."""
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return _by_model.get(model) if model is not None else None


def target_of(content_type_id: int, object_id: int) -> models.Model | None:
    """The registered object a row points at, loaded with its registration's joins, or None."""
    discussable = discussable_of_type(content_type_id)
    if discussable is None:
        return None
    return discussable.objects().filter(pk=object_id).first()


def discussable_kind(kind: str) -> Discussable:
    return _by_kind[kind]


def discussable_at(segment: str) -> Discussable | None:
    """The registration whose addresses start with `segment` ("ideas"), if any."""
    return next((d for d in _by_model.values() if d.segment == segment), None)


def discussables() -> list[Discussable]:
    return list(_by_model.values())
