"""Shared API pieces: the API class, the one error shape, pagination and rate limits.

Every error the API answers with, whatever raised it, has one body:
`{"error": {"code": "...", "message": "...", "fields": {"field": ["message", ...]}}}`.
"""

import base64
import binascii
import json
import logging
import math
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.pagination import AsyncPaginationBase
from ninja.parser import Parser
from ninja.throttling import SimpleRateThrottle

from .access import NotVisible
from .people import Person
from .ratelimit import RateLimited, client_key

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

# Status code -> machine-readable error code, for errors raised without their own code.
ERROR_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "throttled",
    500: "server_error",
}


def error_body(status: int, message: str, *, code: str = "", fields: dict | None = None) -> dict:
    return {
        "error": {
            "code": code or ERROR_CODES.get(status, "error"),
            "message": message,
            "fields": fields or {},
        }
    }


def error_response(
    status: int, message: str, *, code: str = "", fields: dict | None = None
) -> JsonResponse:
    return JsonResponse(error_body(status, message, code=code, fields=fields), status=status)


NUL = "\x00"


def _contains_nul(value: object) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_contains_nul(item) for item in value)
    return False


def _refuse_nul() -> HttpError:
    return HttpError(422, _("The request contains a NUL character, which no text may contain."))


class CivicParser(Parser):
    """JSON and query parsing that refuses NUL characters: PostgreSQL cannot store or compare
    them (a 500 there), and SQLite would store them silently."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if _contains_nul(data):
            raise _refuse_nul()
        return data

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        if _contains_nul(result):
            raise _refuse_nul()
        return result


class CivicAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document always names both ways to authenticate."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("parser", CivicParser())
        super().__init__(*args, **kwargs)

    SECURITY_SCHEMES = {
        "bearerAuth": {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token: `Authorization: Bearer <token>`.",
        },
        "sessionAuth": {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "A signed-in browser session; unsafe methods need the CSRF token "
            "in the `X-CSRFToken` header.",
        },
    }

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
        kinds = {(s.get("type"), s.get("scheme") or s.get("in")) for s in schemes.values()}
        if ("http", "bearer") not in kinds:
            schemes["bearerAuth"] = self.SECURITY_SCHEMES["bearerAuth"]
        if ("apiKey", "cookie") not in kinds:
            schemes["sessionAuth"] = {
                **self.SECURITY_SCHEMES["sessionAuth"],
                "name": settings.SESSION_COOKIE_NAME,
            }
        self._mark_optional_auth(schema)
        return schema

    def operations_open_to_anyone(self) -> set[str]:
        """Ids of operations whose authentication ends in a fallback that lets anyone in.

        Such a fallback (e.g. accounts' `AnonymousReader`) has no OpenAPI security scheme, so
        ninja leaves it out of the document; without this, those endpoints would seem to need
        credentials they do not need. Walks ninja's bound routers (not a public ninja API).
        """
        open_ids = set()
        for router in self._get_bound_routers():
            for path_view in router.path_operations.values():
                for operation in path_view.operations:
                    callbacks = operation.auth_callbacks or []
                    if any(not hasattr(auth, "openapi_security_schema") for auth in callbacks):
                        open_ids.add(
                            operation.operation_id or self.get_openapi_operation_id(operation)
                        )
        return open_ids

    def _mark_optional_auth(self, schema: dict) -> None:
        """Spell optional authentication the OpenAPI way: an empty requirement `{}`."""
        open_ids = self.operations_open_to_anyone()
        for item in (schema.get("paths") or {}).values():
            for operation in item.values():
                security = operation.get("security") if isinstance(operation, dict) else None
                if operation.get("operationId") in open_ids and security and {} not in security:
                    operation["security"] = [*security, {}]


# --- errors -------------------------------------------------------------------------------


def _field_name(loc: tuple | list) -> str:
    """`("body", "payload", "name")` -> `name`; `("query", "page")` -> `page`."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "form", "header", "cookie", "file"}:
        parts = parts[1:]
    # Body models arrive under the view's parameter name; the client never sees that name.
    if len(parts) > 1 and loc and loc[0] in {"body", "form"}:
        parts = parts[1:]
    return ".".join(parts) or NON_FIELD_ERRORS


def _validation_fields(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = error.get("loc") or ()
        message = str(error.get("msg") or "")
        if not loc and len(error) == 1:  # e.g. {"cursor": "Invalid cursor"}
            name, message = next(iter(error.items()))
            loc = (name,)
        fields.setdefault(_field_name(loc), []).append(message)
    return fields


def _on_validation_error(
    request: HttpRequest, exc: NinjaValidationError, api: NinjaAPI
) -> HttpResponse:
    fields = _validation_fields(exc.errors)
    return api.create_response(
        request,
        error_body(422, _("The request has errors; see the fields."), fields=fields),
        status=422,
    )


def _on_django_validation_error(
    request: HttpRequest, exc: DjangoValidationError, api: NinjaAPI
) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        fields = {name: list(messages) for name, messages in exc.message_dict.items()}
        general = fields.pop(NON_FIELD_ERRORS, [])
    else:
        fields, general = {}, list(exc.messages)
    message = " ".join(general) or _("The request has errors; see the fields.")
    return api.create_response(request, error_body(422, message, fields=fields), status=422)


def _on_throttled(request: HttpRequest, exc: Throttled, api: NinjaAPI) -> HttpResponse:
    response = api.create_response(
        request,
        error_body(429, _("Too many requests. Please wait a moment and try again.")),
        status=429,
    )
    if exc.wait:
        response["Retry-After"] = str(math.ceil(exc.wait))
    return response


def _on_authentication_error(
    request: HttpRequest, exc: AuthenticationError, api: NinjaAPI
) -> HttpResponse:
    response = api.create_response(
        request,
        error_body(401, _("Sign in or send a valid API token to use this endpoint.")),
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _on_authorization_error(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    message = str(exc) if str(exc) not in {"", "Forbidden"} else ""
    return api.create_response(
        request,
        error_body(403, message or _("You do not have permission to do this.")),
        status=403,
    )


def _on_http_error(request: HttpRequest, exc: HttpError, api: NinjaAPI) -> HttpResponse:
    # The body parser's own refusal arrives wrapped in a generic 400; answer with it instead.
    if isinstance(exc.__cause__, HttpError):
        exc = exc.__cause__
    return api.create_response(
        request, error_body(exc.status_code, str(exc)), status=exc.status_code
    )


def _on_data_error(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    # The database refused a value the schemas let through (a NUL in an address, a number
    # beyond its column): the client's input, not a fault of ours. Nothing was written.
    logger.warning("Database refused a value in API request %s", request.path)
    message = _("A value in the request cannot be stored or looked up.")
    return api.create_response(request, error_body(422, message), status=422)


def _on_not_found(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    return api.create_response(
        request, error_body(404, _("There is nothing at this address.")), status=404
    )


def _on_rate_limited(request: HttpRequest, exc: RateLimited, api: NinjaAPI) -> HttpResponse:
    response = api.create_response(request, error_body(429, exc.message), status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def _on_unexpected(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    logger.exception("Unhandled error in API view %s", request.path)
    return api.create_response(
        request,
        error_body(500, _("Something went wrong on our side. Please try again later.")),
        status=500,
    )


def install_error_handlers(api: NinjaAPI) -> None:
    """Answer every error the API can raise with the one error shape."""
    handlers: list[tuple[type[Exception], Any]] = [
        (Exception, _on_unexpected),
        (Http404, _on_not_found),
        (NotVisible, _on_not_found),
        (RateLimited, _on_rate_limited),
        (DataError, _on_data_error),
        (ObjectDoesNotExist, _on_not_found),
        (PermissionDenied, _on_authorization_error),
        (DjangoValidationError, _on_django_validation_error),
        (NinjaValidationError, _on_validation_error),
        (HttpError, _on_http_error),
        (AuthenticationError, _on_authentication_error),
        (AuthorizationError, _on_authorization_error),
        (Throttled, _on_throttled),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, _bind(handler, api))


def _bind(
    handler: Callable[[HttpRequest, Any, NinjaAPI], HttpResponse], api: NinjaAPI
) -> Callable[[HttpRequest, Any], HttpResponse]:
    def handle(request: HttpRequest, exc: Exception) -> HttpResponse:
        return handler(request, exc, api)

    return handle


class ApiErrorShapeMiddleware:
    """Gives the one error shape to API errors raised outside the API's views.

    Unknown addresses under /api/ (Django's 404), methods a path does not allow (405) and
    server errors never reach the API's exception handlers; without this they would answer
    with an HTML page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        return self._reshaped(request, response)

    def _reshaped(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        status = response.status_code
        if status == 405:
            message = _("This address does not accept the %(method)s method.") % {
                "method": request.method
            }
        elif status == 404:
            message = _("There is nothing at this address.")
        elif status == 403:
            message = _("You do not have permission to do this.")
        elif status >= 500:
            message = _("Something went wrong on our side. Please try again later.")
        else:
            message = _("The request could not be processed.")
        reshaped = error_response(status, message)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if response.has_header(header):
                reshaped[header] = response[header]
        return reshaped


# --- who is calling ------------------------------------------------------------------------


def request_user(request: HttpRequest) -> Person:
    """Who is calling: the token's or session's person, or an anonymous user."""
    for who in (getattr(request, "auth", None), getattr(request, "user", None)):
        if who is not None and getattr(who, "is_authenticated", False):
            return who
    return AnonymousUser()


def api_actor(request: HttpRequest) -> Person:
    """The signed-in person making a change; a 401 for anyone else."""
    user = request_user(request)
    if not user.is_authenticated:
        raise AuthenticationError
    return user


# --- shared shapes ------------------------------------------------------------------------


class PersonOut(Schema):
    """A person as others see them: an id and the name they chose to show."""

    id: int
    display_name: str


def person_out(user: Person | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "display_name": str(user)}


# --- cursors ------------------------------------------------------------------------------


def cursor_encode(data: dict[str, Any]) -> str:
    """An opaque cursor for `data` (plain JSON values)."""
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str | None) -> dict[str, Any]:
    """The data of a cursor this API gave out; a 422 for anything else."""
    if not cursor:
        return {}
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise bad_cursor() from None
    if not isinstance(data, dict):
        raise bad_cursor()
    return data


def bad_cursor() -> HttpError:
    return HttpError(422, _("The cursor is not one this API gave out; start from page one."))


def url_with(request: HttpRequest, **params: Any) -> str:
    """This request's absolute address with some query parameters replaced."""
    query = request.GET.copy()
    for name, value in params.items():
        query[name] = str(value)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


# --- pagination ---------------------------------------------------------------------------


class CivicPagination(AsyncPaginationBase):
    """Page-number pagination: `?page=2&page_size=50` (page_size at most 100).

    Out-of-range input is a clear 422, not a silent clamp: `page` starts at 1 and
    `page_size` is between 1 and 100. A page past the end answers with no items, so a
    client can tell "empty page" from "bad request".
    """

    class Input(Schema):
        page: int = Field(1, ge=1, description="Page number, starting at 1.")
        page_size: int = Field(
            DEFAULT_PAGE_SIZE,
            ge=1,
            le=MAX_PAGE_SIZE,
            description=f"Items per page, at most {MAX_PAGE_SIZE}.",
        )

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        pages: int
        next: str | None
        previous: str | None

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        count = self._items_count(queryset)
        offset = (pagination.page - 1) * pagination.page_size
        items = queryset[offset : offset + pagination.page_size]
        return self._page(request, items, count, pagination)

    async def apaginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        count = await self._aitems_count(queryset)
        offset = (pagination.page - 1) * pagination.page_size
        window = queryset[offset : offset + pagination.page_size]
        items = [item async for item in window] if hasattr(window, "__aiter__") else window
        return self._page(request, items, count, pagination)

    def _page(
        self, request: HttpRequest, items: Iterable[Any], count: int, pagination: Input
    ) -> dict[str, Any]:
        pages = max(1, math.ceil(count / pagination.page_size))
        page = pagination.page
        return {
            "items": items,
            "count": count,
            "page": page,
            "pages": pages,
            "next": _page_url(request, page + 1) if page < pages else None,
            "previous": _page_url(request, min(page - 1, pages)) if page > 1 else None,
        }


def _page_url(request: HttpRequest, page: int) -> str:
    return url_with(request, page=page)


# --- rate limits --------------------------------------------------------------------------


class _SettingsRateThrottle(SimpleRateThrottle):
    """Reads its rate from `settings.API_THROTTLE_RATES[scope]` (e.g. "600/hour")."""

    DEFAULT_RATES = {"anon": "600/hour", "user": "6000/hour"}

    def get_rate(self) -> str | None:
        scope = str(self.scope)
        rates = getattr(settings, "API_THROTTLE_RATES", {})
        return rates.get(scope, self.DEFAULT_RATES[scope])


class AnonThrottle(_SettingsRateThrottle):
    """Limits requests without a signed-in user, per client address.

    The client is the one login throttling sees (`ratelimit.client_key`: the address our
    trusted proxies saw), never ninja's default, which trusts a client-supplied
    X-Forwarded-For and so lets every forged header start a fresh count.
    """

    scope = "anon"

    def get_ident(self, request: HttpRequest) -> str:
        return client_key(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        if _request_user_id(request) is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserThrottle(_SettingsRateThrottle):
    """Limits requests per signed-in user, however they authenticated (token or session)."""

    scope = "user"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        user_id = _request_user_id(request)
        if user_id is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": user_id}


def _request_user_id(request: HttpRequest) -> object:
    for candidate in (getattr(request, "auth", None), getattr(request, "user", None)):
        user_id = getattr(candidate, "pk", None)
        if user_id is not None and getattr(candidate, "is_authenticated", False):
            return user_id
    return None


def default_throttles() -> list[SimpleRateThrottle]:
    return [AnonThrottle(), UserThrottle()]
