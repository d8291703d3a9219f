"""Reads about organisations and memberships."""

from django.db.models import QuerySet

from .models import Membership, Organisation


def organisations_of_user(*, user) -> list[Organisation]:
    """The organisations in which `user` holds at least one role, by name."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_civiclab_organisations", None)
    if cached is None:
        cached = list(
            Organisation.objects.filter(memberships__user=user, is_active=True)
            .distinct()
            .order_by("name")
        )
        user._civiclab_organisations = cached
    return cached


def roles_of_user(*, user, organisation: Organisation) -> frozenset[str]:
    """The roles `user` holds in `organisation`, cached on the user for the request."""
    if not user.is_authenticated or organisation is None:
        return frozenset()
    cache = user.__dict__.setdefault("_civiclab_roles", {})
    if organisation.pk not in cache:
        cache[organisation.pk] = frozenset(
            Membership.objects.filter(user=user, organisation=organisation).values_list(
                "role", flat=True
            )
        )
    return cache[organisation.pk]


def public_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_active=True).order_by("name")
