"""The code a service gives a `ValidationError` when the request is well formed but the current
state of what it changes refuses it (a challenge already published, a merge already undone).

Pages show such an error like any other; the API answers it with 409 Conflict instead of 422,
so a client can tell "change your request" from "the thing has changed".
"""

CONFLICT = "conflict"
