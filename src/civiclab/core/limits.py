"""How much free text a field takes, and the one message that refuses more.

Every field a person writes has a maximum length, declared on the model field (`max_length`,
which Django does not enforce for a `TextField` by itself). Services call `check_lengths`
before they open a transaction, and before any rendering, so a megabyte of text costs a length
check and a clear message, not a core held for minutes or a lock held while Markdown renders.
Forms show the same message (`core.forms.CivicBoundField`) and the API schemas carry the same
`maxLength`. docs/api.md lists the maxima per field.
"""

from collections.abc import Iterable, Mapping

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model
from django.utils.formats import number_format
from django.utils.translation import gettext

# The tiers of free text; each field names one of them.
LONG_TEXT = 20_000  # an idea's description, a challenge's problem statement
TEXT = 5_000  # expected benefits, goals, needs, guidance, evaluation comments, descriptions
SHORT_TEXT = 2_000  # reasons for decisions, per-criterion comments and guidance


def too_long_message(*, limit: int, length: int) -> str:
    """The house message for text over its maximum."""
    return gettext("This can have at most %(max)s characters; yours has %(length)s.") % {
        "max": number_format(limit, force_grouping=True),
        "length": number_format(length, force_grouping=True),
    }


def too_long(value: object, limit: int) -> str | None:
    """The message when `value` is text longer than `limit` characters, else None."""
    if isinstance(value, str) and len(value) > limit:
        return too_long_message(limit=limit, length=len(value))
    return None


def max_length_of(model: type[Model], field: str) -> int | None:
    try:
        return getattr(model._meta.get_field(field), "max_length", None)
    except FieldDoesNotExist:
        return None


def check_lengths(
    model: type[Model], values: Mapping[str, object], *, only: Iterable[str] | None = None
) -> None:
    """Raise one ValidationError naming every value longer than its model field allows.

    `values` maps field names to what the person gave (text is measured after stripping, as the
    services store it); names that are not text fields of `model` are ignored.
    """
    names = values.keys() if only is None else [name for name in only if name in values]
    errors: dict[str, list[ValidationError]] = {}
    for name in names:
        limit = max_length_of(model, name)
        value = values[name]
        if limit is None or not isinstance(value, str):
            continue
        message = too_long(value.strip(), limit)
        if message:
            errors[name] = [ValidationError(message, code="max_length")]
    if errors:
        raise ValidationError(errors)
