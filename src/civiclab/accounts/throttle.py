"""Login throttling that slows password guessing without locking anyone out.

Every place that checks a password to sign someone in (the sign-in page, the platform
administration's sign-in page, the page that asks for the password again) counts failures
here, in the cache, in a fixed window that starts with the first failure:

- per (account, client): a few wrong passwords for one address from one client;
- per client: many wrong passwords from one client, whatever the address;
- per account, from anywhere: past a number of failures the account's attempts are spaced
  by a growing delay (1, 2, 4, ... seconds, up to a maximum), counted from each client's own
  last failure on that account. A client that has not just failed on the account goes
  straight through, so the right password from a new client always works.

No counter ever refuses every client at once: the first two hold back only the client that
failed, and the third only paces each client. Guesses spread over many clients are slowed
to one per client per delay instead of a few per client per window. A successful login
clears the (account, client) counter and the account's delay, but not the per-client one, so
an attacker cannot reset the client limit by signing in to an account of their own between
guesses.

Forms that send e-mail are limited here too (`limit_email_form`, `count_email`), with
`core.ratelimit`: per address and per client, so nobody can use them to flood an inbox.

Cache keys hold digests, never the e-mail address or the client address.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import ngettext

from civiclab.core import clock
from civiclab.core.ratelimit import client_ip, client_key, count_action
from civiclab.core.ratelimit import digest as _digest

__all__ = [
    "client_ip",
    "count_email",
    "limit_email_form",
    "minutes",
    "record_failure",
    "record_success",
    "refusal",
    "retry_after",
]


@dataclass(frozen=True)
class Limit:
    key: str
    allowed: int


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _account(email: str) -> str:
    return _digest(normalise_email(email))


def _limits(request: HttpRequest, email: str) -> list[Limit]:
    client = client_key(request)
    account = _account(email)
    return [
        Limit(
            f"login-fail:account-client:{account}:{client}",
            settings.LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT,
        ),
        Limit(f"login-fail:client:{client}", settings.LOGIN_FAILURES_PER_CLIENT),
    ]


def _account_key(email: str) -> str:
    return f"login-fail:account:{_account(email)}"


def _last_failure_key(request: HttpRequest, email: str) -> str:
    return f"login-fail:last:{_account(email)}:{client_key(request)}"


def _window() -> int:
    return settings.LOGIN_THROTTLE_WINDOW_SECONDS


def account_delay(failures: int) -> int:
    """Seconds each client waits between attempts on an account with `failures` recent
    failures from anywhere: none up to LOGIN_ACCOUNT_FAILURES_BEFORE_DELAY, then doubling
    from one second up to LOGIN_ACCOUNT_MAX_DELAY_SECONDS."""
    over = failures - settings.LOGIN_ACCOUNT_FAILURES_BEFORE_DELAY
    if over <= 0:
        return 0
    return int(min(2 ** min(over - 1, 32), settings.LOGIN_ACCOUNT_MAX_DELAY_SECONDS))


def retry_after(request: HttpRequest, email: str) -> int:
    """Seconds until this client may try this address again; 0 when it may try now."""
    now = clock.now().timestamp()
    waits = []
    for limit in _limits(request, email):
        count = cache.get(f"{limit.key}:count", 0)
        if count >= limit.allowed:
            started = cache.get(f"{limit.key}:start", now)
            waits.append(max(1, math.ceil(started + _window() - now)))
    delay = account_delay(cache.get(f"{_account_key(email)}:count", 0))
    last = cache.get(_last_failure_key(request, email))
    if delay and last is not None and last + delay > now:
        waits.append(max(1, math.ceil(last + delay - now)))
    return max(waits, default=0)


def _count(key: str, now: float) -> None:
    # add() only writes when the key is absent, so the window starts at the first failure.
    cache.add(f"{key}:start", now, timeout=_window())
    cache.add(f"{key}:count", 0, timeout=_window())
    try:
        cache.incr(f"{key}:count")
    except ValueError:
        # The counter expired between add() and incr(): this failure opens a new window.
        cache.set(f"{key}:count", 1, timeout=_window())


def record_failure(request: HttpRequest, email: str) -> None:
    now = clock.now().timestamp()
    for limit in _limits(request, email):
        _count(limit.key, now)
    _count(_account_key(email), now)
    cache.set(
        _last_failure_key(request, email),
        now,
        timeout=max(1, settings.LOGIN_ACCOUNT_MAX_DELAY_SECONDS),
    )


def record_success(request: HttpRequest, email: str) -> None:
    account_client = _limits(request, email)[0]
    account = _account_key(email)
    cache.delete_many(
        [
            f"{account_client.key}:count",
            f"{account_client.key}:start",
            f"{account}:count",
            f"{account}:start",
            _last_failure_key(request, email),
        ]
    )


def minutes(seconds: int) -> int:
    """Whole minutes to tell the person, rounded up so they never come back too early."""
    return max(1, math.ceil(seconds / 60))


def refusal(wait: int) -> ValidationError:
    """The error a throttled attempt gets, saying how long to wait."""
    if wait < 60:
        message = ngettext(
            "Too many attempts, try again in %(count)d second.",
            "Too many attempts, try again in %(count)d seconds.",
            wait,
        ) % {"count": wait}
    else:
        count = minutes(wait)
        message = ngettext(
            "Too many attempts, try again in %(count)d minute.",
            "Too many attempts, try again in %(count)d minutes.",
            count,
        ) % {"count": count}
    return ValidationError(message, code="throttled")


# Forms that send e-mail -------------------------------------------------------------------


def _email_refusal(wait: int) -> str:
    count = minutes(wait)
    return ngettext(
        "We have sent several e-mails to this address, or for this connection, in a short "
        "time. Check your inbox and spam folder, or try again in %(count)d minute.",
        "We have sent several e-mails to this address, or for this connection, in a short "
        "time. Check your inbox and spam folder, or try again in %(count)d minutes.",
        count,
    ) % {"count": count}


def count_email(*, address: str, sender: str, sender_limit: int | None = None) -> None:
    """Count one e-mail a form or service is about to send to `address` for `sender`.

    Raises `RateLimited` past EMAIL_FORMS_PER_ADDRESS to one address, or past `sender_limit`
    (EMAIL_FORMS_PER_CLIENT by default) for one sender (a client's digest, or a person), in
    the window.
    Every kind of e-mail counts together, so no mix of forms floods an inbox. The count
    does not depend on whether the address has an account, so a refusal reveals nothing.
    """
    seconds = settings.EMAIL_FORMS_WINDOW_SECONDS
    count_action(
        key=f"email-sent:sender:{sender}",
        limit=settings.EMAIL_FORMS_PER_CLIENT if sender_limit is None else sender_limit,
        seconds=seconds,
        message=_email_refusal,
    )
    address = normalise_email(address)
    if address:
        count_action(
            key=f"email-sent:address:{_digest(address)}",
            limit=settings.EMAIL_FORMS_PER_ADDRESS,
            seconds=seconds,
            message=_email_refusal,
        )


def _signup_refusal(wait: int) -> str:
    count = minutes(wait)
    return ngettext(
        "Too many accounts have been created from this connection in a short time. "
        "Please try again in %(count)d minute.",
        "Too many accounts have been created from this connection in a short time. "
        "Please try again in %(count)d minutes.",
        count,
    ) % {"count": count}


def limit_email_form(
    field: str = "", *, creates_account: bool = False
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A page whose POST sends an e-mail: counted per address (the POSTed `field`, or the
    signed-in person's address) and per client before the view runs (`count_email`); with
    `creates_account`, also SIGNUPS_PER_CLIENT accounts per client. Past a limit the 429
    page answers, with `Retry-After`."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                client = client_key(request)
                if creates_account:
                    count_action(
                        key=f"signup:client:{client}",
                        limit=settings.SIGNUPS_PER_CLIENT,
                        seconds=settings.EMAIL_FORMS_WINDOW_SECONDS,
                        message=_signup_refusal,
                    )
                address = request.POST.get(field, "") if field else ""
                if not isinstance(address, str) or "@" not in address:
                    user = getattr(request, "user", None)
                    address = user.email if user is not None and user.is_authenticated else ""
                count_email(address=address[:254], sender=f"client:{client}")
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
