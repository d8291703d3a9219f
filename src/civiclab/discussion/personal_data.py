"""What discussions hold about a person, for "download my data" and "delete my account".

Comments and reports stay after deletion, shown under the anonymous name the account
receives; follows are personal choices with no public value, so they are removed. Each row
names the object it is about by its kind and id (an idea's follow also by its title).
"""

from typing import Any

from django.db.models import Q

from civiclab.core import personal_data

from .models import Comment, Flag, Follow
from .registry import discussable_of_type, target_of


def _on(row: Any) -> dict[str, Any]:
    discussable = discussable_of_type(row.content_type_id)
    return {
        "on": discussable.kind if discussable is not None else row.content_type.model,
        "on_id": row.object_id,
    }


def _comments(user: Any) -> list[dict]:
    return [
        {"id": c.pk, **_on(c), "body": c.body, "created_at": c.created_at}
        for c in Comment.objects.filter(author=user).select_related("content_type")
    ]


def _follows(user: Any) -> list[dict]:
    rows = []
    for follow in Follow.objects.filter(user=user).select_related("content_type"):
        target = target_of(follow.content_type_id, follow.object_id)
        title = discussable_of_type(follow.content_type_id).title(target) if target else ""
        rows.append({**_on(follow), "title": title, "created_at": follow.created_at})
    return rows


def _flags(user: Any) -> list[dict]:
    return [
        {
            **_on(flag),
            "reason": flag.reason,
            "note": flag.note,
            "created_at": flag.created_at,
            "resolution": flag.resolution,
        }
        for flag in Flag.objects.filter(Q(reporter=user) | Q(resolved_by=user)).select_related(
            "content_type"
        )
    ]


def register_all() -> None:
    personal_data.register(
        "discussion.comment", exporter=_comments, eraser=None, user_fields=["author"]
    )
    personal_data.register(
        "discussion.follow",
        exporter=_follows,
        user_fields=["user"],
        eraser=lambda user: Follow.objects.filter(user=user).delete(),
    )
    personal_data.register(
        "discussion.flag", exporter=_flags, eraser=None, user_fields=["reporter", "resolved_by"]
    )
