"""Shared API pieces: the API class, the one error shape, pagination and rate limits.

Every error the API answers with, whatever raised it, has one body:
`{"error": {"code": "...", "message": "...", "fields": {"field": ["message", ...]}}}`.
"""

import base64
import binascii
import copy
import functools
import inspect
import json
import logging
import math
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.urls import URLPattern, URLResolver, reverse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.pagination import AsyncPaginationBase
from ninja.parser import Parser
from ninja.throttling import SimpleRateThrottle
from pydantic import BaseModel

from .access import NotVisible, PhaseClosed
from .errors import CONFLICT
from .people import Person
from .ratelimit import RateLimited, client_key

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
# The highest page number a list accepts: far past the end of any list, and small enough that
# the offset it asks for fits the databases' 64-bit integers.
MAX_PAGE = 1_000_000_000
# Every whole number the API accepts fits a signed 64-bit integer, as database ids do.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

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


def _is_json(content_type: str) -> bool:
    """`application/json`, or a JSON-based type such as `application/problem+json`."""
    content_type = content_type.lower()
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


class CivicParser(Parser):
    """JSON parsing that refuses what the API cannot take: a body that is not sent as JSON
    (415), is not valid JSON (400, without the parser's own words) or is not a JSON object
    (422). NUL characters are refused in the values a view receives
    (`refuse_unstorable_values`); a field the API does not read may hold anything."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        # ninja parses the parts of a multipart body through a bare request without a
        # content type; every request from outside has one (empty when the header is absent).
        content_type = getattr(request, "content_type", None)
        if content_type is not None and not _is_json(content_type):
            raise HttpError(
                415, _("Send the request body as JSON, with Content-Type: application/json.")
            )
        try:
            data = super().parse_body(request)
        except (ValueError, RecursionError):
            raise HttpError(400, _("The request body is not valid JSON.")) from None
        if content_type is not None and not isinstance(data, dict):
            raise HttpError(422, _("The request body must be a JSON object."))
        return data


def _unstorable(value: object, loc: tuple) -> Iterable[tuple[tuple, str]]:
    """Where `value` (a view's validated argument) holds what the databases cannot store or
    compare, with the message for it: a whole number beyond 64 bits, a number that is not
    finite, text with a NUL character (a 500 on PostgreSQL; SQLite would store it)."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            yield (
                loc,
                _("Enter a whole number from %(min)s to %(max)s.")
                % {
                    "min": INT64_MIN,
                    "max": INT64_MAX,
                },
            )
    elif isinstance(value, float):
        if not math.isfinite(value):
            yield loc, _("Enter a finite number.")
    elif isinstance(value, str):
        if NUL in value:
            yield loc, _("Text may not contain a NUL character.")
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _unstorable(getattr(value, name, None), (*loc, name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _unstorable(key, (*loc, str(key)))
            yield from _unstorable(item, (*loc, str(key)))
    elif isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            yield from _unstorable(item, (*loc, index))


def refuse_unstorable_values(view: Callable[..., Any]) -> Callable[..., Any]:
    """A 422 naming the field for any value in the path, query or body that the databases
    cannot hold (ids of 2^63 or more, text with a NUL character), checked after validation and
    before the view runs, so SQLite and PostgreSQL answer alike instead of a 500 on one of
    them."""

    # Errors name a parameter as clients send it: its alias (`idea_id`) when it has one.
    aliases = {
        name: getattr(parameter.default, "alias", None) or name
        for name, parameter in inspect.signature(view).parameters.items()
    }

    @functools.wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN401 - whatever the view returns
        errors = []
        for python_name, value in kwargs.items():
            name = aliases.get(python_name, python_name)
            # Schemas (bodies, grouped query parameters) arrive under the view's parameter
            # name, which the error leaves out, as for ninja's own validation errors.
            source = "body" if isinstance(value, BaseModel) else "query"
            for loc, message in _unstorable(value, (source, name)):
                errors.append({"loc": loc, "msg": message})
        if errors:
            raise NinjaValidationError(errors)
        return view(request, *args, **kwargs)

    return checked


class CivicAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document always names both ways to authenticate, which answers
    HEAD wherever it answers GET, refuses numbers beyond 64 bits with a 422, and marks answers
    to a signed-in caller as not to be stored by any cache."""

    def __init__(self, *args: Any, public_auth: Any = None, **kwargs: Any) -> None:  # noqa: ANN401 - as ninja's `auth`
        kwargs.setdefault("parser", CivicParser())
        super().__init__(*args, **kwargs)
        # What an operation declared with `auth=None` (anyone may call it) uses instead, so
        # that credentials sent to it are checked like everywhere else: a refused token is
        # refused on every endpoint, not ignored on some.
        self.public_auth = public_auth
        self.add_decorator(refuse_unstorable_values, mode="operation")

    def _get_bound_routers(self) -> list[Any]:
        routers = super()._get_bound_routers()
        if self.public_auth is not None:
            for router in routers:
                for path_view in router.path_operations.values():
                    for operation in path_view.operations:
                        if not operation.auth_callbacks:
                            operation._set_auth(self.public_auth)
        return routers

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _api_view(pattern.callback)
        return urls

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
        _document_errors(schema)
        _document_integer_range(schema)
        _document_text_inputs(schema)
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


# --- errors in the OpenAPI document ---------------------------------------------------------

ERROR_SCHEMA_NAME = "Error"
ERROR_SCHEMA = {
    "title": ERROR_SCHEMA_NAME,
    "description": "The one shape of every error the API answers with.",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {
                    "type": "string",
                    "description": "Stable and meant for programs, e.g. `validation_error`.",
                    "examples": sorted(set(ERROR_CODES.values())),
                },
                "message": {"type": "string", "description": "Meant for people."},
                "fields": {
                    "type": "object",
                    "description": "Each field in error with its messages; empty when the "
                    "error is not about a field.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}
ERROR_DESCRIPTIONS = {
    400: "The request could not be read: a body that is not valid JSON, or parameters that "
    "contradict each other.",
    401: "No credentials, or an `Authorization` header that was refused.",
    403: "Signed in without the right to do this (or a browser session without the CSRF token).",
    404: "Nothing at this address that you may see.",
    409: "The change conflicts with the current state of what it changes.",
    413: "The request body is too large.",
    415: "The request body was not sent as JSON (`Content-Type: application/json`).",
    422: "The request has errors; `fields` names them.",
    429: "Too many requests; try again after `Retry-After` seconds.",
}
ERROR_HEADERS = {
    401: {
        "WWW-Authenticate": {
            "description": "How to authenticate: `Bearer`.",
            "schema": {"type": "string"},
        }
    },
    429: {
        "Retry-After": {
            "description": "Seconds to wait before trying again.",
            "schema": {"type": "integer"},
        }
    },
}
UNSAFE_METHODS = {"post", "put", "patch", "delete"}


def error_statuses(method: str, operation: dict) -> list[int]:
    """The error statuses an operation may answer with, from what it takes and who may call
    it: every operation may meet a refused token (401) and a rate limit (429)."""
    parameters = operation.get("parameters") or []
    has_body = "requestBody" in operation
    open_to_anyone = {} in (operation.get("security") or [{}])
    statuses = {401, 429}
    if method in UNSAFE_METHODS or not open_to_anyone:
        statuses.add(403)
    if method in UNSAFE_METHODS:
        statuses.add(409)
    if any(p.get("in") == "path" for p in parameters):
        statuses.add(404)
    if parameters or has_body:
        statuses.add(422)
    if has_body or any(p.get("in") == "query" for p in parameters):
        statuses.add(400)
    if has_body:
        statuses |= {413, 415}
    return sorted(statuses)


def _document_integer_range(node: object) -> None:
    """State on every whole number of the document (parameters, bodies, answers) the 64-bit
    range the server enforces (`refuse_unstorable_values`), unless it states its own."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            node.setdefault("minimum", INT64_MIN)
            node.setdefault("maximum", INT64_MAX)
        for value in node.values():
            _document_integer_range(value)
    elif isinstance(node, list):
        for value in node:
            _document_integer_range(value)


# Text without a NUL character (`CivicParser` refuses it), in the regular-expression dialect
# of JSON Schema.
NO_NUL_PATTERN = r"^[^\x00]*$"
# Text that is more than white space, without a NUL character.
NON_BLANK_PATTERN = r"^[^\x00]*[^\s\x00][^\x00]*$"
# A decimal number sent as text: digits with an optional sign and decimal point.
DECIMAL_TEXT_PATTERN = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"
DECIMAL_TEXT_MAX = 40


def _input_schemas(schema: dict) -> Iterable[dict]:
    """Every schema a client sends: parameters and request bodies, with the components they
    refer to (each once)."""
    components = (schema.get("components") or {}).get("schemas") or {}
    roots: list[object] = []
    for item in (schema.get("paths") or {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            roots.extend(p.get("schema") for p in operation.get("parameters") or [])
            body = (operation.get("requestBody") or {}).get("content") or {}
            roots.extend(media.get("schema") for media in body.values())
    seen: set[str] = set()
    while roots:
        node = roots.pop()
        if isinstance(node, list):
            roots.extend(node)
        elif isinstance(node, dict):
            reference = node.get("$ref")
            if isinstance(reference, str) and reference.startswith("#/components/schemas/"):
                name = reference.rsplit("/", 1)[1]
                if name not in seen and name in components:
                    seen.add(name)
                    roots.append(components[name])
                continue
            yield node
            roots.extend(value for value in node.values() if isinstance(value, dict | list))


def _document_text_inputs(schema: dict) -> None:
    """State that no text a client sends may hold a NUL character (`refuse_unstorable_values`
    refuses it), that text a request must carry is more than white space, and what text a
    decimal number may be sent as."""
    nodes = list(_input_schemas(schema))
    for node in nodes:
        # A decimal (pydantic's `Decimal`) may be sent as a number or as its digits in text.
        branches = node.get("anyOf")
        if isinstance(branches, list) and any(
            isinstance(b, dict) and b.get("type") == "number" for b in branches
        ):
            for branch in branches:
                if branch == {"type": "string"}:
                    branch.update(pattern=DECIMAL_TEXT_PATTERN, maxLength=DECIMAL_TEXT_MAX)
    for node in nodes:
        # Services strip text, and refuse a field a request must carry when nothing is left.
        properties = node.get("properties") or {}
        for name in node.get("required") or []:
            field = properties.get(name)
            if isinstance(field, dict) and _is_free_text(field):
                field["pattern"] = NON_BLANK_PATTERN
                field["minLength"] = max(1, field.get("minLength", 0))
    for node in nodes:
        if _is_free_text(node):
            node["pattern"] = NO_NUL_PATTERN


def _is_free_text(node: dict) -> bool:
    return node.get("type") == "string" and not {"enum", "const", "format", "pattern"} & set(node)


def _document_errors(schema: dict) -> None:
    """State every operation's error responses, all with the one error schema (a component),
    leaving alone any response an operation declares itself."""
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})[ERROR_SCHEMA_NAME] = copy.deepcopy(ERROR_SCHEMA)
    reference = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}
    for item in (schema.get("paths") or {}).values():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status, declared in responses.items():
                # An error an operation declares itself (`openapi_extra`) has the one shape too.
                if str(status).startswith(("4", "5")) and "content" not in declared:
                    declared["content"] = {"application/json": {"schema": reference}}
            for status in error_statuses(method, operation):
                if str(status) in responses or status in responses:
                    continue
                response: dict[str, Any] = {
                    "description": ERROR_DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": reference}},
                }
                if status in ERROR_HEADERS:
                    response["headers"] = copy.deepcopy(ERROR_HEADERS[status])
                responses[status] = response  # ninja keys responses by int


def _api_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap one of the API's URL views: HEAD is answered as GET without the body (ninja
    routes by method and would answer 405), and an answer to a signed-in caller, which may
    be personal or hold a token's secret, is `Cache-Control: no-store`."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        try:
            response = view(request, *args, **kwargs)
        finally:
            if head:
                request.method = "HEAD"
        if response.has_header("Allow"):
            allowed = [m.strip() for m in response["Allow"].split(",") if m.strip()]
            if "GET" in allowed and "HEAD" not in allowed:
                response["Allow"] = ", ".join([*allowed, "HEAD"])
        if _request_user_id(request) is not None and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        if head and isinstance(response, HttpResponse):
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response

    return wrapped


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
    if not hasattr(exc, "error_dict") and all(e.code == CONFLICT for e in exc.error_list):
        # A well-formed request that the current state refuses: a 409, which a client can
        # tell from a request with errors.
        message = " ".join(exc.messages)
        return api.create_response(request, error_body(409, message), status=409)
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


def _unconfirmed(request: HttpRequest) -> bool:
    """A signed-in caller whose e-mail address is not confirmed yet (accounts' `User` says so
    with `email_confirmed`; core cannot import it)."""
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    return bool(
        getattr(user, "is_authenticated", False) and getattr(user, "email_confirmed", True) is False
    )


def _on_authorization_error(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    message = str(exc) if str(exc) not in {"", "Forbidden"} else ""
    message = message or _("You do not have permission to do this.")
    code = "phase_closed" if isinstance(exc, PhaseClosed) else ""
    if _unconfirmed(request):
        # Nothing that takes part is open to an unconfirmed address: say so, and where to go.
        code = "email_not_confirmed"
        first = _("Confirm your e-mail address first")
        hint = _(
            "Confirm your e-mail address first: follow the link we sent you, or ask for a new "
            "one on your profile page (%(url)s)."
        ) % {"url": reverse("accounts:profile")}
        message = hint if message.startswith(first) else f"{message} {hint}"
    return api.create_response(request, error_body(403, message, code=code), status=403)


# How ninja starts the 400 it raises for a body it could not parse.
NINJA_BODY_ERROR = "Cannot parse request body"


def _on_http_error(request: HttpRequest, exc: HttpError, api: NinjaAPI) -> HttpResponse:
    # The body parser's own refusal arrives wrapped in a generic 400; answer with it instead.
    if isinstance(exc.__cause__, HttpError):
        exc = exc.__cause__
    elif exc.status_code == 400 and str(exc).startswith(NINJA_BODY_ERROR):
        # Any other failure to read the body: ninja adds the exception's text under DEBUG,
        # which says more about the server than the client needs.
        message = _("The request body could not be read as JSON.")
        return api.create_response(request, error_body(400, message), status=400)
    return api.create_response(
        request, error_body(exc.status_code, str(exc)), status=exc.status_code
    )


def _on_too_large(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    # Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE before spooling it.
    if isinstance(exc, TooManyFilesSent):
        message = _("The request holds too many files: at most %(count)s.") % {
            "count": settings.DATA_UPLOAD_MAX_NUMBER_FILES
        }
    else:
        message = _("The request is too large: its body may hold at most %(size)s.") % {
            "size": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        }
    return api.create_response(request, error_body(413, message), status=413)


def _on_too_many_fields(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    message = _("The request has too many parameters: at most %(count)s.") % {
        "count": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    }
    return api.create_response(request, error_body(400, message), status=400)


def _on_data_error(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    # The database refused a value the schemas let through (a NUL in an address, a number
    # beyond its column, which SQLite's driver reports as an OverflowError): the client's
    # input, not a fault of ours. Nothing was written.
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
        (OverflowError, _on_data_error),
        (RequestDataTooBig, _on_too_large),
        (TooManyFieldsSent, _on_too_many_fields),
        (TooManyFilesSent, _on_too_large),
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
    """A 404: a cursor names a page, and one this API did not give out names none. (The
    document cannot tell a cursor we gave out from any other text, so this is not a 422.)"""
    return HttpError(404, _("The cursor is not one this API gave out; start from page one."))


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
        page: int = Field(1, ge=1, le=MAX_PAGE, description=f"Page number, from 1 to {MAX_PAGE:,}.")
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
