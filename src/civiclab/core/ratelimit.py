"""Per-person limits on actions that a script could repeat: a counter in the cache over a
window that opens with the first action and lasts `seconds`.

`count_action(key=..., limit=..., seconds=...)` counts one action and raises `RateLimited`
(with the seconds to wait) once the window's limit is passed. Pages answer a `RateLimited`
with the 429 page and a `Retry-After` header (`core.http.CoreExceptionMiddleware`); the API
with its 429 body (`core.api`). Login throttling, which must never lock a person out, has its
own counters in `accounts.throttle`.

`client_ip(request)` is the client's address as our trusted proxies saw it, and
`client_key(request)` a digest of it (one per IPv4 address or IPv6 /64) for keys of limits per
client. Login throttling, the API's anonymous throttle and the limits on forms that send
e-mail all use them, so a client-supplied `X-Forwarded-For` moves none of them.

The cache is shared by all processes in production, so the count holds across workers; with a
per-process cache each process counts on its own, which only makes the limit looser.
"""

import hashlib
import ipaddress
import math
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
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


# --- who the client is ----------------------------------------------------------------------


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the address our trusted proxies saw.

    Each of the TRUSTED_PROXY_COUNT proxies appends the address it received the request
    from to X-Forwarded-For, so the client is that many entries from the right; anything
    further left was written by the client and cannot be trusted.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
            if _is_ip(candidate):
                return candidate
    return remote


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_key(request: HttpRequest) -> str:
    """A digest naming the client: its IPv4 address, or its IPv6 /64 (one household or host
    gets a whole /64). Keys hold digests, never the address itself."""
    return address_key(client_ip(request))


def address_key(ip: str) -> str:
    """`client_key` for an address already known."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return digest(ip or "unknown")
    if address.version == 6:
        return digest(str(ipaddress.ip_network(f"{address}/64", strict=False)))
    return digest(str(address))


def client_network_key(request: HttpRequest) -> str:
    """A keyed digest of the client's network: its IPv4 /24 or IPv6 /48, so the people of one
    household, office or provider count once where numbers decide (reports that hide)."""
    return network_key(client_ip(request))


def network_key(ip: str) -> str:
    """`client_network_key` for an address already known; "" when it is not an address."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    prefix = 48 if address.version == 6 else 24
    return digest(f"network:{ipaddress.ip_network(f'{address}/{prefix}', strict=False)}")


def digest(value: str) -> str:
    """A keyed digest for cache keys, so they name no address, e-mail or client."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:32]
