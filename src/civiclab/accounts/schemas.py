"""Shapes of the accounts API."""

from datetime import datetime
from typing import Annotated, Literal

from django.conf import settings
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
    scope: Literal["read", "read_write"] = Field(
        description="`read`: GET, HEAD and OPTIONS only; `read_write`: everything its owner may do."
    )
    expires_at: datetime = Field(description="The token stops working at this moment.")
    active: bool = Field(description="Neither revoked nor expired.")


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token itself. Shown once: it is not stored.")


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100, description="What the token is for.")
    scope: Literal["read", "read_write"] = Field(
        "read", description="`read` (the default) or `read_write`."
    )
    expires_in_days: int = Field(
        default_factory=lambda: settings.API_TOKEN_DEFAULT_DAYS,
        ge=1,
        le=365,
        description="Days until the token expires: 1 to API_TOKEN_MAX_DAYS (365 by default; "
        "the server may allow fewer); 90 when not given.",
    )


class NotificationPreferenceOut(Schema):
    kind: str = Field(description="The kind of notification: `<app>.<event>`.")
    label: str = Field(description="What the preferences page calls it.")
    delivery: Literal["immediate", "daily", "weekly", "in_app", "off"]
    default: Literal["immediate", "daily", "weekly", "in_app", "off"] = Field(
        description="What holds for this kind until the person chooses."
    )


DeliveryName = Literal["immediate", "daily", "weekly", "in_app", "off"]


class NotificationPreferencesIn(Schema):
    preferences: dict[Annotated[str, Field(max_length=100)], DeliveryName] = Field(
        description=(
            "Kind to delivery: `immediate` (e-mail straight away), `daily` or `weekly` "
            "(a digest), `in_app` (on the site only) or `off`. Kinds left out keep their "
            "current choice."
        ),
        examples=[{"challenges.comment_added": "daily"}],
    )
