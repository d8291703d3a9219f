"""Per-person limits on actions that a script could repeat: a fixed-window counter in the cache.

The cache is shared by all processes in production, so the count holds across workers; with a
per-process cache each process counts on its own, which only makes the limit looser.
"""

from django.core.cache import cache

from civiclab.core import clock


class RateLimited(Exception):
    """Too many actions in a short time; `retry_after` is in seconds."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def count_action(*, key: str, limit: int, seconds: int) -> int | None:
    """Count one action under `key`; past `limit` in the window, return seconds to wait.

    Returns None while the action is allowed.
    """
    now = clock.now().timestamp()
    window = int(now // seconds)
    window_key = f"{key}:{window}"
    if cache.add(window_key, 1, timeout=seconds * 2):
        count = 1
    else:
        try:
            count = cache.incr(window_key)
        except ValueError:  # expired between add and incr
            cache.add(window_key, 1, timeout=seconds * 2)
            count = 1
    if count > limit:
        return max(1, int((window + 1) * seconds - now))
    return None
