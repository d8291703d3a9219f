"""Remembers which organisation a member is working in and shows times in its time zone."""

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

SESSION_KEY = "civiclab_organisation_id"


def _current_organisation(request):
    from .selectors import organisations_of_user

    user = request.user
    if not user.is_authenticated:
        return None
    organisations = organisations_of_user(user=user)
    chosen = request.session.get(SESSION_KEY)
    for organisation in organisations:
        if organisation.pk == chosen:
            return organisation
    return organisations[0] if organisations else None


class CurrentOrganisationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organisation = SimpleLazyObject(lambda: _current_organisation(request))
        organisation = request.organisation if request.user.is_authenticated else None
        if organisation:
            timezone.activate(organisation.zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
