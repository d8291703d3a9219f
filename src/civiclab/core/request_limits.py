"""Request bodies too large, or with too many files, are refused before they are stored.

Two limits, both answered with 413 (the API's error shape under /api/, a page elsewhere):

- `REQUEST_MAX_BYTES`: the whole body, read from `Content-Length` before a byte of the body
  is read, so an oversized upload is never spooled to memory or disk. A body without a length
  is not read at all by the WSGI server's Django (it counts as empty).
- `DATA_UPLOAD_MAX_NUMBER_FILES`: Django's parser stops at the first file part past the limit,
  before it stores that file. Form posts with files are parsed here, before any view, so the
  refusal gets a clear message instead of a bare 400.

The proxy in front should refuse bodies over the same size (docs/deployment.md): it stops them
before they cross the network to a web process at all.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from civiclab.core.api import API_PREFIX, error_response

DEFAULT_REQUEST_MAX_BYTES = 51 * 1024 * 1024  # five 10 MB attachments and the form around them


def request_max_bytes() -> int:
    return int(getattr(settings, "REQUEST_MAX_BYTES", DEFAULT_REQUEST_MAX_BYTES))


def _content_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except (TypeError, ValueError):
        return 0


def _too_large(request: HttpRequest, message: str) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return error_response(413, message, code="too_large")
    return render(request, "413.html", {"message": message}, status=413)


class RequestLimitsMiddleware:
    """Refuses oversized bodies unread and parses file uploads under the file-count limit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = request_max_bytes()
        if _content_length(request) > limit:
            return _too_large(
                request,
                _("What you sent is larger than %(size)s. Send smaller or fewer files.")
                % {"size": filesizeformat(limit)},
            )
        if request.method == "POST" and request.content_type == "multipart/form-data":
            refusal = self._parse(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _parse(self, request: HttpRequest) -> HttpResponse | None:
        try:
            request.POST  # noqa: B018 - parses the body (and its files) under Django's limits
        except TooManyFilesSent:
            count = settings.DATA_UPLOAD_MAX_NUMBER_FILES
            return _too_large(
                request,
                ngettext(
                    "You can send at most %(count)s file at a time.",
                    "You can send at most %(count)s files at a time.",
                    count,
                )
                % {"count": count},
            )
        except RequestDataTooBig:
            return _too_large(
                request,
                _("The text you sent is larger than %(size)s.")
                % {"size": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)},
            )
        return None
