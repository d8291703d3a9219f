"""Fields that v1 clients of the ideas API already read, kept beside the generic ones.

The comment, follow and queue answers named their object `idea_id` (and `idea_title`) when
ideas were the only thing people discussed. They stay in v1 for comments on ideas, filled from
the generic `on`/`object_id`; `/api/v2/` would drop them (docs/api.md, Versioning).
"""

from ninja import Field

LEGACY_KIND = "idea"


def legacy_idea_id(kind: str, object_id: int) -> int | None:
    return object_id if kind == LEGACY_KIND else None


def legacy_idea_title(kind: str, title: str) -> str | None:
    return title if kind == LEGACY_KIND else None


def idea_id_field() -> int | None:
    return Field(None, description="Deprecated (v1): `object_id` when `on` is `idea`, else null.")


def idea_title_field() -> str | None:
    return Field(None, description="Deprecated (v1): `object_title` when `on` is `idea`.")
