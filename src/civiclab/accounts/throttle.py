"""Login throttling that slows password guessing without locking anyone out.

Failures are counted in the cache, in a fixed window that starts with the first failure:
- per (account, client): a few wrong passwords for one address from one client;
- per client: many wrong passwords from one client, whatever the address.
A person signing in from their own client is never held back by failures somebody else
caused elsewhere, because no counter is per account alone. A successful login clears the
(account, client) counter but not the per-client one, so an attacker cannot reset the
client limit by signing in to an account of their own between guesses.

Cache keys hold digests, never the e-mail address or the client address.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from civiclab.core import clock
from civiclab.core.ratelimit import client_ip, client_key
from civiclab.core.ratelimit import digest as _digest

__all__ = ["client_ip", "minutes", "record_failure", "record_success", "retry_after"]


@dataclass(frozen=True)
class Limit:
    key: str
    allowed: int


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _limits(request: HttpRequest, email: str) -> list[Limit]:
    client = client_key(request)
    account = _digest(normalise_email(email))
    return [
        Limit(
            f"login-fail:account-client:{account}:{client}",
            settings.LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT,
        ),
        Limit(f"login-fail:client:{client}", settings.LOGIN_FAILURES_PER_CLIENT),
    ]


def _window() -> int:
    return settings.LOGIN_THROTTLE_WINDOW_SECONDS


def retry_after(request: HttpRequest, email: str) -> int:
    """Seconds until this client may try this address again; 0 when it may try now."""
    now = clock.now().timestamp()
    waits = []
    for limit in _limits(request, email):
        count = cache.get(f"{limit.key}:count", 0)
        if count >= limit.allowed:
            started = cache.get(f"{limit.key}:start", now)
            waits.append(max(1, math.ceil(started + _window() - now)))
    return max(waits, default=0)


def record_failure(request: HttpRequest, email: str) -> None:
    now = clock.now().timestamp()
    for limit in _limits(request, email):
        # add() only writes when the key is absent, so the window starts at the first failure.
        cache.add(f"{limit.key}:start", now, timeout=_window())
        cache.add(f"{limit.key}:count", 0, timeout=_window())
        try:
            cache.incr(f"{limit.key}:count")
        except ValueError:
            # The counter expired between add() and incr(): this failure opens a new window.
            cache.set(f"{limit.key}:count", 1, timeout=_window())


def record_success(request: HttpRequest, email: str) -> None:
    account_client = _limits(request, email)[0]
    cache.delete_many([f"{account_client.key}:count", f"{account_client.key}:start"])


def minutes(seconds: int) -> int:
    """Whole minutes to tell the person, rounded up so they never come back too early."""
    return max(1, math.ceil(seconds / 60))
