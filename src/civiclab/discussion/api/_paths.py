"""How object-level endpoints name a registered model in their paths."""

from typing import Any

from ninja import Path

from ..registry import Discussable


def object_path(on: Discussable, rest: str = "") -> str:
    """`/ideas/{idea_id}` + rest, for the registration `on`."""
    return f"/{on.segment}/{{{on.kind}_id}}{rest}"


def object_id(on: Discussable) -> Any:
    """The path parameter that carries the object's id, named `<kind>_id` in the document."""
    return Path(..., alias=f"{on.kind}_id", description=f"The {on.kind}'s id.")
