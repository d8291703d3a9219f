"""The API framework: one error shape for every failure, pagination, rate limits, OpenAPI."""

import pytest
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import path
from ninja import Field, Schema
from ninja.errors import AuthorizationError, HttpError
from ninja.pagination import paginate
from ninja.security import HttpBearer

from civiclab.accounts.models import User
from civiclab.core.api import AnonThrottle, CivicAPI, CivicPagination, install_error_handlers
from tests.factories import UserFactory

api = CivicAPI(urls_namespace="test_api", docs_url=None)
install_error_handlers(api)


class NeverAuth(HttpBearer):
    def authenticate(self, request, token):
        return None


class ItemIn(Schema):
    name: str = Field(min_length=3)
    count: int = Field(ge=0)


@api.post("/items")
def create_item(request, payload: ItemIn):
    return {"name": payload.name}


@api.get("/private", auth=NeverAuth())
def private(request):
    return {}


@api.get("/permission-denied")
def permission_denied(request):
    raise PermissionDenied


@api.get("/authorization-error")
def authorization_error(request):
    raise AuthorizationError


@api.get("/people/{person_id}")
def person(request, person_id: int):
    return {"email": get_object_or_404(User, pk=person_id).email}


@api.get("/missing-row")
def missing_row(request):
    return {"email": User.objects.get(pk=-1).email}


@api.get("/model-invalid")
def model_invalid(request):
    raise DjangoValidationError(
        {
            "title": ["Enter a title."],
            NON_FIELD_ERRORS: ["The submission phase has closed."],
        }
    )


@api.get("/conflict")
def conflict(request):
    raise HttpError(409, "This idea has already been merged.")


@api.get("/broken")
def broken(request):
    raise RuntimeError("an unexpected bug")


@api.get("/limited", throttle=AnonThrottle("2/min"))
def limited(request):
    return {"ok": True}


@api.get("/numbers", response=list[int])
@paginate(CivicPagination)
def numbers(request):
    return list(range(1, 46))


urlpatterns = [path("api/test/", api.urls)]

pytestmark = pytest.mark.urls("tests.core.test_api_framework")


def error_of(response):
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    return body["error"]


# --- the one error shape ------------------------------------------------------------------


def test_invalid_body_is_422_with_a_message_per_field(client):
    response = client.post(
        "/api/test/items", {"name": "ab", "count": -1}, content_type="application/json"
    )
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"name", "count"}
    assert "3 characters" in error["fields"]["name"][0]


def test_missing_body_field_is_named(client):
    response = client.post("/api/test/items", {"name": "Bins"}, content_type="application/json")
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["count"]


def test_unauthenticated_is_401_with_a_challenge(client):
    response = client.get("/api/test/private")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("url", ["/api/test/permission-denied", "/api/test/authorization-error"])
def test_forbidden_is_403(client, url):
    response = client.get(url)
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "permission_denied"
    assert error["message"] == "You do not have permission to do this."


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/test/people/999999", "/api/test/missing-row"])
def test_missing_object_is_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


@pytest.mark.django_db
def test_existing_object_is_found(client):
    user = UserFactory()
    assert client.get(f"/api/test/people/{user.pk}").json() == {"email": user.email}


def test_bad_path_parameter_is_422(client):
    response = client.get("/api/test/people/not-a-number")
    assert response.status_code == 422
    assert "person_id" in error_of(response)["fields"]


def test_model_validation_error_keeps_field_and_general_messages(client):
    response = client.get("/api/test/model-invalid")
    assert response.status_code == 422
    error = error_of(response)
    assert error["fields"] == {"title": ["Enter a title."]}
    assert error["message"] == "The submission phase has closed."


def test_http_error_keeps_its_status_and_message(client):
    response = client.get("/api/test/conflict")
    assert response.status_code == 409
    assert error_of(response) == {
        "code": "conflict",
        "message": "This idea has already been merged.",
        "fields": {},
    }


def test_unexpected_error_is_500_in_the_same_shape_without_details(client):
    response = client.get("/api/test/broken")
    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "server_error"
    assert "unexpected bug" not in error["message"]


def test_too_many_requests_is_429_with_retry_after(client):
    cache.clear()
    assert client.get("/api/test/limited").status_code == 200
    assert client.get("/api/test/limited").status_code == 200
    response = client.get("/api/test/limited")
    assert response.status_code == 429
    assert error_of(response)["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    cache.clear()


def test_wrong_method_is_405_in_the_same_shape(client):
    response = client.delete("/api/test/numbers")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


# --- the real API root --------------------------------------------------------------------


@pytest.mark.urls("civiclab.config.urls")
@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/no-such-thing", "/api/v1/", "/api/v1/a/b/c/"])
def test_unknown_api_address_is_404_json(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert error_of(response)["code"] == "not_found"


@pytest.mark.urls("civiclab.config.urls")
@pytest.mark.django_db
def test_unknown_page_outside_the_api_stays_html(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


# --- pagination ---------------------------------------------------------------------------


def test_first_page_has_the_documented_shape(client):
    body = client.get("/api/test/numbers?page_size=10").json()
    assert body["items"] == list(range(1, 11))
    assert body["count"] == 45
    assert body["page"] == 1
    assert body["pages"] == 5
    assert body["previous"] is None
    assert body["next"] == "http://testserver/api/test/numbers?page_size=10&page=2"


def test_last_page_is_partial_and_has_no_next(client):
    body = client.get("/api/test/numbers?page_size=10&page=5").json()
    assert body["items"] == [41, 42, 43, 44, 45]
    assert body["next"] is None
    assert body["previous"].endswith("page=4")


def test_default_page_size_is_20(client):
    body = client.get("/api/test/numbers").json()
    assert len(body["items"]) == 20
    assert body["pages"] == 3


def test_page_past_the_end_is_empty_and_points_back_to_the_last_page(client):
    body = client.get("/api/test/numbers?page=999").json()
    assert body["items"] == []
    assert body["count"] == 45
    assert body["next"] is None
    assert body["previous"].endswith("page=3")


@pytest.mark.parametrize(
    ("query", "field"),
    [("page=0", "page"), ("page_size=1000", "page_size"), ("page_size=0", "page_size")],
)
def test_out_of_range_paging_is_a_clear_422(client, query, field):
    response = client.get(f"/api/test/numbers?{query}")
    assert response.status_code == 422
    assert field in error_of(response)["fields"]


def test_page_size_100_is_allowed(client):
    body = client.get("/api/test/numbers?page_size=100").json()
    assert len(body["items"]) == 45
    assert body["pages"] == 1


# --- OpenAPI and docs ---------------------------------------------------------------------


@pytest.mark.urls("civiclab.config.urls")
@pytest.mark.django_db
def test_openapi_document_is_3_1_with_both_security_schemes(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    schemes = schema["components"]["securitySchemes"].values()
    assert any(s["type"] == "http" and s["scheme"] == "bearer" for s in schemes)
    assert any(s["type"] == "apiKey" and s["in"] == "cookie" for s in schemes)


@pytest.mark.urls("civiclab.config.urls")
@pytest.mark.django_db
def test_docs_page_loads_from_this_server_only(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    assert "/api/v1/openapi.json" in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_malformed_json_is_a_clear_error_in_the_same_shape(client):
    response = client.post("/api/test/items", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_request"


def test_signed_in_users_are_limited_per_user_not_per_address(rf):
    from django.contrib.auth.models import AnonymousUser

    from civiclab.core.api import UserThrottle

    throttle = UserThrottle("1/min")
    alice, bob = User(pk=101), User(pk=102)
    cache.clear()
    for user, allowed in [(alice, True), (alice, False), (bob, True)]:
        request = rf.get("/api/v1/me")
        request.user = AnonymousUser()
        request.auth = user
        assert throttle.allow_request(request) is allowed
    anonymous = rf.get("/api/v1/me")
    anonymous.user = AnonymousUser()
    assert throttle.get_cache_key(anonymous) is None
    cache.clear()


def test_the_real_api_limits_anonymous_clients_and_each_user():
    from civiclab.config.api import api as real_api
    from civiclab.core.api import UserThrottle

    assert {type(t) for t in real_api.throttle} == {AnonThrottle, UserThrottle}


def test_spoofed_x_forwarded_for_does_not_evade_api_throttle(client, settings):
    """A client that writes a new X-Forwarded-For on every request is still one client."""
    settings.TRUSTED_PROXY_COUNT = 0
    cache.clear()
    statuses = [
        client.get(
            "/api/test/limited", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"
        ).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert client.get("/api/test/limited", REMOTE_ADDR="203.0.113.9").status_code == 200
    cache.clear()


def test_api_throttle_sees_the_client_our_trusted_proxy_saw(client, settings):
    """Behind one proxy, only the entry that proxy appended names the client."""
    settings.TRUSTED_PROXY_COUNT = 1
    cache.clear()

    def get(forwarded):
        return client.get(
            "/api/test/limited", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded
        ).status_code

    statuses = [get(f"192.0.2.{n}, 198.51.100.7") for n in range(3)]
    assert statuses == [200, 200, 429]
    assert get("198.51.100.8") == 200
    cache.clear()
