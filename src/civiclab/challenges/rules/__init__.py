"""Named rules of the challenges app, one module per area; django-rules autodiscovers this."""

from . import challenges, evaluation, ideas, lists, participation  # noqa: F401
