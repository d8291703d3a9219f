"""Per-person limits on actions that a script could repeat: a counter in the cache over a
window that opens with the first action and lasts `seconds`.

`count_action(key=..., limit=..., seconds=...)` counts one action and raises `RateLimited`
(with the seconds to wait) once the window's limit is passed. Pages answer a `RateLimited`
with the 429 page and a `Retry-After` header (`core.http.CoreExceptionMiddleware`); the API
with its 429 body (`core.api`). Login throttling, which must never lock a person out, has its
own counters in `accounts.throttle`.

The cache is shared by all processes in production, so the count holds across workers; with a
per-process cache each process counts on its own, which only makes the limit looser.
"""

import math
from collections.abc import Callable

from django.core.cache import cache
from django.utils.translation import gettext as _

from . import clock


class RateLimited(Exception):
    """Too many actions in a short time; `retry_after` is in seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
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
    now = clock.now().timestamp()
    opened_key, count_key = f"ratelimit:{key}:opened", f"ratelimit:{key}:count"
    if cache.add(opened_key, now, timeout=seconds):
        cache.set(count_key, 1, timeout=seconds)
        count = 1
    else:
        try:
            count = cache.incr(count_key)
        except ValueError:  # the window closed between the two look-ups
            cache.add(count_key, 1, timeout=seconds)
            count = 1
    if count <= limit:
        return
    opened = cache.get(opened_key, now)
    wait = max(1, math.ceil(opened + seconds - now))
    if callable(message):
        text = message(wait)
    else:
        text = message or _("You have done this too often in a short time. Please wait a moment.")
    raise RateLimited(text, wait)


def minutes_to_wait(seconds: int) -> int:
    """Seconds to wait, in whole minutes rounded up (at least one)."""
    return max(1, -(-seconds // 60))
