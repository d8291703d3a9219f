"""Loading an object for a person: one answer for "missing" and "not yours to see".

Every app has an `access.py` with one loader per entity, `<entity>_for_user(*, user, ...)`.
A loader returns the object, or raises:

- `NotVisible` when the person may not see it: it does not exist, is a draft, hidden,
  staff-only, invitation-only, or belongs to a deactivated organisation. Pages answer with
  the 404 page and the API with its 404 body (`core.http` and `core.api` map it), so an
  address never confirms that something private exists.
- `PermissionDenied` only when the person may see the object but not do what they asked
  (`perm`): a 403 tells them nothing they could not already read.

Views, endpoints and template tags load through these loaders; selectors and services never
raise HTTP errors. (After Zulip's `access_stream_by_id`.)
"""

import uuid
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model

from .models import JobProgress, Notification
from .notifications import visible_notifications
from .people import PersonWithPermissions

T = TypeVar("T", bound=Model)


class NotVisible(Exception):
    """Nothing this person may see is here; answered as "not found"."""


class PhaseClosed(PermissionDenied):
    """Refused by the timetable, not by a role: the message says which phase closed the action
    and when, or when it opens. Pages answer with the 403 page saying so, the API with the
    code `phase_closed`."""


def require(user: PersonWithPermissions, perm: str, obj: Model | None, message: str = "") -> None:
    """PermissionDenied (with `message`, if given) unless `user` has `perm` on `obj`."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied(message) if message else PermissionDenied


def visible_or_raise(
    obj: T | None, *, user: PersonWithPermissions, view_perm: str, perm: str = "", message: str = ""
) -> T:
    """`obj` if it exists and `user` has `view_perm` on it, checked for `perm` if given.

    The building block of every loader: None and "not allowed to view" are the same
    `NotVisible`; `perm` refused on a visible object is `PermissionDenied`.
    """
    if obj is None or not user.has_perm(view_perm, obj):
        raise NotVisible
    if perm:
        require(user, perm, obj, message)
    return obj


# Core's own entities ---------------------------------------------------------------------


def job_for_user(*, user: PersonWithPermissions, pk: uuid.UUID | str) -> JobProgress:
    """A background job's progress, for the person who started it or a platform admin."""
    job = JobProgress.objects.filter(pk=pk).first()
    is_owner = job is not None and job.owner_id is not None and job.owner_id == user.pk
    if job is None or not (is_owner or user.is_superuser):
        raise NotVisible
    return job


def notification_for_user(*, user: PersonWithPermissions, pk: int) -> Notification:
    """One of the person's own notifications, about nothing they may no longer read."""
    notification = visible_notifications(user).filter(pk=pk).first()
    if notification is None:
        raise NotVisible
    return notification
