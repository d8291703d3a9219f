"""The accounts API: who am I, and my personal tokens."""

from django.http import HttpRequest
from ninja import Router, Status

from . import access, selectors, services
from .schemas import MeOut, TokenCreatedOut, TokenIn, TokenOut

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
    token, secret = services.token_create(actor=request.auth, name=payload.name)
    return Status(201, {**TokenOut.model_validate(token).model_dump(), "token": secret})


@router.delete("/me/tokens/{token_id}", response={204: None}, summary="Revoke one of my tokens")
def revoke_token(request: HttpRequest, token_id: int):
    token = access.token_for_user(user=request.auth, pk=token_id)
    services.token_revoke(actor=request.auth, token=token)
    return Status(204, None)
