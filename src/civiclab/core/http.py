"""What every page needs around its view: sign-in, loading with a permission, form errors,
the organisation's time zone, and the answers for "not visible" (404) and "too often" (429).

    @object_view(access.idea_for_user, "challenges.change_idea")
    def idea_edit(request, idea): ...

loads the idea through its app's access module with the URL's `org_slug` and `pk` (the
loader's keyword parameters pick them out), sends anonymous visitors to sign in first,
answers 404 for an idea the person may not see and 403 when they may see it but lack the
permission, and renders in the idea's organisation's time zone.
"""

import inspect
import zoneinfo
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from functools import wraps
from typing import Any, overload

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import get_resolver
from django.utils import timezone

from .access import NotVisible, PhaseClosed
from .ratelimit import RateLimited

Loader = Callable[..., Any]
View = Callable[..., HttpResponse]
Back = Callable[[HttpRequest, dict[str, Any]], str]


@overload
def signed_in(view: View, *, back: Back | None = None) -> View: ...


@overload
def signed_in(view: None = None, *, back: Back | None = None) -> Callable[[View], View]: ...


def signed_in(
    view: View | None = None, *, back: Back | None = None
) -> View | Callable[[View], View]:
    """Anonymous visitors go to sign in, then back to `back(request, kwargs)` or this page.

    `back` matters for POST-only addresses, where coming back means the page the form was on.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                target = back(request, kwargs) if back else request.get_full_path()
                return redirect_to_login(target)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator


def object_view(
    load: Loader,
    perm: str = "",
    *,
    sign_in: bool = False,
    message: str = "",
    url_kwargs: Mapping[str, str] | None = None,
) -> Callable[[View], View]:
    """Load the object named by the URL with `load` and call `view(request, obj, ...)`.

    `load(user=..., perm=..., message=..., **kwargs)` is an access-module loader; it receives
    the URL keyword arguments it declares (renamed through `url_kwargs`, e.g.
    `{"slug": "org_slug"}`), and the view receives the rest. With `perm` or `sign_in`,
    anonymous visitors are sent to sign in before anything is loaded, so a sign-in page never
    reveals whether something exists.
    """
    renames = dict(url_kwargs or {})
    takes = {
        name
        for name, parameter in inspect.signature(load).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    } - {"user", "perm", "message"}

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if (perm or sign_in) and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            wanted = {}
            for name in takes:
                source = renames.get(name, name)
                if source in kwargs:
                    wanted[name] = kwargs.pop(source)
            obj = load(user=request.user, perm=perm, message=message, **wanted)
            with in_time_zone_of(obj):
                return view(request, obj, *args, **kwargs)

        return wrapper

    return decorator


def apply_validation_error(form: BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its fields where they exist."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def time_zone_of(obj: object) -> str:
    """The time zone an object's pages use: its own, or its organisation's."""
    for candidate in (obj, getattr(obj, "organisation", None)):
        zone = getattr(candidate, "time_zone", "")
        if isinstance(zone, str) and zone:
            return zone
    return ""


@contextmanager
def in_time_zone(name: str) -> Iterator[None]:
    """Show and read times in the time zone `name` (the current one if empty)."""
    if not name:
        yield
        return
    with timezone.override(zoneinfo.ZoneInfo(name)):
        yield


def in_time_zone_of(obj: object) -> AbstractContextManager[None]:
    return in_time_zone(time_zone_of(obj))


def too_many_requests(request: HttpRequest, limited: RateLimited, **context: Any) -> HttpResponse:
    """The 429 page, with `Retry-After`."""
    response = render(request, "429.html", {"message": limited.message, **context}, status=429)
    response["Retry-After"] = str(limited.retry_after)
    return response


def not_found(request: HttpRequest) -> HttpResponse:
    """The site's 404 page, as Django's own handler renders it."""
    handler: Any = get_resolver().resolve_error_handler(404)
    return handler(request, Http404())


class AccessMiddleware:
    """Answers `NotVisible` with the 404 page, `RateLimited` with the 429 page and
    `PhaseClosed` with the 403 page saying what the timetable closed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotVisible):
            return not_found(request)
        if isinstance(exception, RateLimited):
            return too_many_requests(request, exception)
        if isinstance(exception, PhaseClosed):
            return render(request, "403.html", {"closed": str(exception)}, status=403)
        return None
