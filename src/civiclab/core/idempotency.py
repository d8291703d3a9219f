"""Retried POSTs create nothing twice: one-time form tokens and the API's `Idempotency-Key`.

A form that creates something carries a hidden `form_token` (`{% form_token %}` in
`core.templatetags.civiclab`), a fresh random value each time the form is shown; an API client
may send an `Idempotency-Key` header. The service that creates the object calls, inside its
transaction,

    earlier = idempotency.claim(user=actor, key=key, scope="idea:12")
    if earlier is not None:
        return earlier          # the first submission's object
    ... create obj ...
    idempotency.record(user=actor, key=key, obj=obj)

`claim` inserts a `SubmissionKey` under a unique (user, key) constraint: a second request with
the same key waits for the first to commit (PostgreSQL) and then finds its row, so two tabs or
a retry after a timeout get the same object. An empty key claims nothing (no deduplication).
No JavaScript is involved.
"""

import re
import secrets

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from .models import SubmissionKey
from .people import Person

FORM_FIELD = "form_token"
HEADER = "Idempotency-Key"
KEY_MAX_LENGTH = 64
_KEY_CHARACTERS = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no spaces


def _user_id(user: Person) -> int:
    if user.pk is None:
        raise ValueError("Only a signed-in person submits with an idempotency key.")
    return int(user.pk)


def new_token() -> str:
    """A fresh one-time token for a form."""
    return secrets.token_urlsafe(24)


def clean_key(key: str | None) -> str:
    """The key as sent, or a clear refusal when it is too long or not printable ASCII."""
    key = (key or "").strip()
    if key and (len(key) > KEY_MAX_LENGTH or not _KEY_CHARACTERS.match(key)):
        raise ValidationError(
            _("The idempotency key must be 1 to %(max)s printable ASCII characters without spaces.")
            % {"max": KEY_MAX_LENGTH}
        )
    return key


def is_used(*, user: Person, key: str) -> bool:
    """Whether `user` already sent something with `key` (a page may skip a step it would
    otherwise ask again, such as the similar-ideas check, and go on to the service)."""
    try:
        key = clean_key(key)
    except ValidationError:
        return False
    return bool(key) and SubmissionKey.objects.filter(user_id=_user_id(user), key=key).exists()


def claim(*, user: Person, key: str, scope: str) -> Model | None:
    """Claim `key` for `user` inside the caller's transaction.

    None: the key is new (or empty) and the caller creates its object, then calls `record`.
    Otherwise the object an earlier submission with this key created. The same key used for
    another scope, or whose object no longer exists, is refused with a ValidationError.
    """
    key = clean_key(key)
    if not key:
        return None
    user_id = _user_id(user)
    try:
        with transaction.atomic():
            SubmissionKey.objects.create(user_id=user_id, key=key, scope=scope)
    except IntegrityError:
        pass
    else:
        return None
    earlier = SubmissionKey.objects.select_related("content_type").get(user_id=user_id, key=key)
    if earlier.scope != scope:
        raise ValidationError(
            _("This form was already sent for something else. Reload the page and try again.")
        )
    if earlier.content_type is None or earlier.object_id is None:
        raise ValidationError(_("This form was already sent."))
    model = earlier.content_type.model_class()
    found = (
        model._default_manager.filter(pk=earlier.object_id).first() if model is not None else None
    )
    if found is None:
        raise ValidationError(_("This form was already sent."))
    return found


def record(*, user: Person, key: str, obj: Model) -> None:
    """Note what the submission claimed with `key` created (no-op for an empty key)."""
    key = clean_key(key)
    if not key:
        return
    SubmissionKey.objects.filter(user_id=_user_id(user), key=key).update(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    )
