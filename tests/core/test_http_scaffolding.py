"""The shared HTTP pieces: 404 for what is not visible, 429 for too many actions, service
errors on forms, and loading an object view through an access loader."""

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.test import RequestFactory

from civiclab.core.access import NotVisible
from civiclab.core.http import AccessMiddleware, apply_validation_error, object_view
from civiclab.core.ratelimit import RateLimited, count_action
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _request(user=None):
    request = RequestFactory().get("/somewhere/")
    request.user = user or AnonymousUser()
    return request


def test_not_visible_is_answered_with_the_404_page():
    middleware = AccessMiddleware(lambda request: HttpResponse())
    response = middleware.process_exception(_request(), NotVisible())
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_rate_limited_is_answered_with_the_429_page_and_retry_after():
    middleware = AccessMiddleware(lambda request: HttpResponse())
    response = middleware.process_exception(_request(), RateLimited("Slow down, please.", 42))
    assert response.status_code == 429
    assert response["Retry-After"] == "42"
    assert "Slow down, please." in response.content.decode()


def test_other_errors_are_left_to_django():
    middleware = AccessMiddleware(lambda request: HttpResponse())
    assert middleware.process_exception(_request(), PermissionDenied()) is None


def test_count_action_allows_the_limit_then_refuses_with_the_time_to_wait():
    for _ in range(3):
        count_action(key="test:person-1", limit=3, seconds=60)
    with pytest.raises(RateLimited) as refused:
        count_action(key="test:person-1", limit=3, seconds=60, message="Too often.")
    assert refused.value.message == "Too often."
    assert 0 < refused.value.retry_after <= 60
    # Someone else's counter is their own.
    count_action(key="test:person-2", limit=3, seconds=60)


def test_count_action_words_the_refusal_with_the_wait():
    count_action(key="test:words", limit=1, seconds=120)
    with pytest.raises(RateLimited) as refused:
        count_action(
            key="test:words", limit=1, seconds=120, message=lambda wait: f"Wait {wait} seconds."
        )
    assert refused.value.message == f"Wait {refused.value.retry_after} seconds."


class NameForm(forms.Form):
    name = forms.CharField()


def test_a_service_error_lands_on_its_field_or_on_the_form():
    form = NameForm({"name": "x"})
    assert form.is_valid()
    apply_validation_error(form, ValidationError({"name": "Taken.", "other": "Odd."}))
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Odd."]
    form = NameForm({"name": "x"})
    form.is_valid()
    apply_validation_error(form, ValidationError("Closed."))
    assert form.non_field_errors() == ["Closed."]


def _organisation_loader(*, user, slug, perm="", message=""):
    from civiclab.organisations.access import organisation_for_user

    return organisation_for_user(user=user, slug=slug, perm=perm, message=message)


def test_object_view_loads_with_the_url_arguments_the_loader_takes():
    organisation = OrganisationFactory(time_zone="Asia/Tokyo")
    seen = {}

    @object_view(_organisation_loader, url_kwargs={"slug": "org_slug"})
    def view(request, loaded, page):
        from django.utils import timezone

        seen.update(loaded=loaded, page=page, zone=str(timezone.get_current_timezone()))
        return HttpResponse()

    view(_request(UserFactory()), org_slug=organisation.slug, page=2)
    assert seen == {"loaded": organisation, "page": 2, "zone": "Asia/Tokyo"}


def test_object_view_sends_anonymous_visitors_to_sign_in_before_loading():
    @object_view(_organisation_loader, "organisations.change_organisation")
    def view(request, loaded):
        return HttpResponse()

    response = view(_request(), slug="does-not-exist")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_object_view_refuses_a_visible_object_without_the_permission():
    organisation = OrganisationFactory()

    @object_view(_organisation_loader, "organisations.change_organisation")
    def view(request, loaded):
        return HttpResponse()

    with pytest.raises(PermissionDenied):
        view(_request(UserFactory()), slug=organisation.slug)
    with pytest.raises(NotVisible):
        view(_request(UserFactory()), slug="does-not-exist")
