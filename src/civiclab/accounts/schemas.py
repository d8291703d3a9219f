"""Shapes of the accounts API."""

from datetime import datetime

from ninja import Schema
from pydantic import Field


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    email_confirmed: bool
    date_joined: datetime


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    active: bool


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token itself. Shown once: it is not stored.")


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100, description="What the token is for.")
