"""Per-person limits on actions that a script could repeat: a fixed-window counter in the cache.

`count_action(key=..., limit=..., seconds=...)` counts one action and raises `RateLimited`
(with the seconds to wait) once the window's limit is passed. Pages answer a `RateLimited`
with the 429 page and a `Retry-After` header (`core.http.CoreExceptionMiddleware`); the API
with its 429 body (`core.api`). Login throttling, which must never lock a person out, has its
own counters in `accounts.throttle`.

The cache is shared by all processes in production, so the count holds across workers; with a
per-process cache each process counts on its own, which only makes the limit looser.
"""

import time
from collections.abc import Callable

from django.core.cache import cache
from django.utils.translation import gettext as _


class RateLimited(Exception):
    """Too many actions in a short time; `retry_after` is in seconds."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def count_action(
    *, key: str, limit: int, seconds: int, message: str | Callable[[int], str] = ""
) -> None:
    """Count one action under `key`; past `limit` in the window, raise RateLimited.

    `message` is the refusal, or a function of the seconds to wait that returns it (for
    plural forms).
    """
    now = time.time()
    window = int(now // seconds)
    window_key = f"ratelimit:{key}:{window}"
    if cache.add(window_key, 1, timeout=seconds * 2):
        count = 1
    else:
        try:
            count = cache.incr(window_key)
        except ValueError:  # expired between add and incr
            cache.add(window_key, 1, timeout=seconds * 2)
            count = 1
    if count <= limit:
        return
    wait = max(1, int((window + 1) * seconds - now))
    if callable(message):
        text = message(wait)
    else:
        text = message or _("You have done this too often in a short time. Please wait a moment.")
    raise RateLimited(text, wait)


def minutes_to_wait(seconds: int) -> int:
    """Seconds to wait, in whole minutes rounded up (at least one)."""
    return max(1, -(-seconds // 60))
