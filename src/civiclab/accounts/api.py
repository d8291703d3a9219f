"""The accounts API: who am I, my personal tokens and my notification preferences."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Status

from civiclab.core import notifications

from . import access, api_auth, confirmation, reauth, selectors, services
from .schemas import (
    MeOut,
    NotificationPreferenceOut,
    NotificationPreferencesIn,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
)

router = Router(tags=["accounts"])


@router.get("/me", response=MeOut, summary="The signed-in person")
def me(request: HttpRequest):
    return request.auth


@router.get("/me/tokens", response=list[TokenOut], summary="My API tokens")
def my_tokens(request: HttpRequest):
    return list(selectors.tokens_of(request.auth))


@router.post(
    "/me/tokens",
    response={201: TokenCreatedOut},
    summary="Create an API token (its secret is returned once)",
)
def create_token(request: HttpRequest, payload: TokenIn):
    """Only a signed-in browser session whose password was entered in the last
    REAUTHENTICATION_MINUTES may create a token; a token never can."""
    if api_auth.token_of_request(request) is not None:
        raise PermissionDenied(
            _(
                "An API token cannot create tokens. Create tokens on the tokens page, "
                "signed in with your password."
            )
        )
    if not request.auth.has_perm("accounts.add_apitoken"):
        # Say the first thing to do first: confirming, before entering the password again.
        raise PermissionDenied(confirmation.UNCONFIRMED_MESSAGE)
    if not reauth.is_recent(request):
        raise PermissionDenied(
            _(
                "Creating a token needs your password entered in the last %(minutes)s "
                "minutes. Confirm it at %(url)s and try again."
            )
            % {
                "minutes": settings.REAUTHENTICATION_MINUTES,
                "url": reauth.confirm_url(reverse("accounts:token_create")),
            }
        )
    token, secret = services.token_create(
        actor=request.auth,
        name=payload.name,
        scope=payload.scope,
        days=payload.expires_in_days,
    )
    return Status(201, {**TokenOut.model_validate(token).model_dump(), "token": secret})


@router.delete("/me/tokens/{token_id}", response={204: None}, summary="Revoke one of my tokens")
def revoke_token(request: HttpRequest, token_id: int):
    token = access.token_for_user(user=request.auth, pk=token_id)
    services.token_revoke(actor=request.auth, token=token)
    return Status(204, None)


def _preferences_out(user) -> list[dict]:
    chosen = notifications.preferences_of(user)
    return [
        {
            "kind": kind.verb,
            "label": str(kind.label),
            "delivery": chosen[kind.verb],
            "default": kind.default,
        }
        for kind in notifications.kinds()
    ]


@router.get(
    "/me/notification-preferences",
    response=list[NotificationPreferenceOut],
    summary="How I hear of each kind of notification",
)
def my_notification_preferences(request: HttpRequest):
    return _preferences_out(request.auth)


@router.patch(
    "/me/notification-preferences",
    response=list[NotificationPreferenceOut],
    summary="Change how I hear of some kinds of notification",
)
def change_notification_preferences(request: HttpRequest, payload: NotificationPreferencesIn):
    """Kinds left out keep their choice; an unknown kind or delivery changes nothing (422)."""
    notifications.notification_preferences_set(user=request.auth, deliveries=payload.preferences)
    return _preferences_out(request.auth)
