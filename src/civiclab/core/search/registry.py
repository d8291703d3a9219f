"""The kinds of object search finds, registered by the apps that own them.

core cannot import the apps above it, so each app tells search, for each model it makes
searchable, what core cannot know: the text to index, the organisation and container it
belongs to, which of its objects a person may see, and how a result is shown. Challenges
registers challenges and ideas in `ChallengesConfig.ready()` (`challenges/searchable.py`);
later apps (initiatives, cases) register theirs the same way and appear in the site search
without a change here.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class Document:
    """What an object contributes to the index."""

    title: str
    body: str
    language: str
    organisation_id: int | None = None
    scope_id: int | None = None


@dataclass(frozen=True)
class Result:
    """One hit as the site search page shows it."""

    kind: str
    kind_label: str
    title: str
    url: str
    summary: str
    context: str  # where it belongs, e.g. "Bench City · How might we ...?"
    obj: Any = None


@dataclass(frozen=True)
class Searchable:
    kind: str  # "<app>.<model>", stored in every document, never renamed
    model: type[Model]
    label: Any  # plural, translatable: the filter on the search page
    # The object's document, or None when it should not be in the index at all.
    document: Callable[[Any], Document | None]
    # `objects` narrowed to those `user` may see in a site-wide search, in SQL.
    visible: Callable[[Any, QuerySet[Any]], QuerySet[Any]]
    # The visible objects as results, in the order given (related rows loaded in bulk).
    results: Callable[[list[Any]], list[Result]]
    # Every object of the kind with what `document` reads loaded (for `reindex`).
    indexable: Callable[[], QuerySet[Any]]
    # Fields whose change alters the document; a save touching none of them is skipped.
    fields: frozenset[str] = frozenset()
    # Related rows `results` reads, loaded with the visible objects (`select_related`).
    related: tuple[str, ...] = ()


_registry: dict[str, Searchable] = {}


def register(searchable: Searchable) -> None:
    existing = _registry.get(searchable.kind)
    if existing is not None and existing.model is not searchable.model:
        raise ValueError(f"search kind {searchable.kind!r} is already registered")
    _registry[searchable.kind] = searchable


def registered() -> list[Searchable]:
    return list(_registry.values())


def for_kind(kind: str) -> Searchable:
    return _registry[kind]


def for_model(model: type[Model]) -> Searchable | None:
    for searchable in _registry.values():
        if searchable.model is model or issubclass(model, searchable.model):
            return searchable
    return None


def kinds(selected: Iterable[str] = ()) -> list[str]:
    chosen = [kind for kind in selected if kind in _registry]
    return chosen or list(_registry)
