"""Shapes of organisations and memberships in the JSON API."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from .models import Role


class SectorOut(Schema):
    code: str
    name: str


class OrganisationOut(Schema):
    slug: str
    name: str
    summary: str
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    level: str = Field(description="local, regional, national or supranational.")
    sectors: list[SectorOut] = Field(description="COFOG divisions.")
    population_served: int | None
    governance_notes: str
    time_zone: str
    website: str
    url: str

    @staticmethod
    def resolve_country(obj) -> str:
        return obj.country.code

    @staticmethod
    def resolve_sectors(obj) -> list[dict]:
        return [{"code": s.code, "name": str(s.get_code_display())} for s in obj.sectors.all()]

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class MemberOut(Schema):
    id: int
    display_name: str
    email: str


class MembershipOut(Schema):
    id: int
    role: str
    user: MemberOut
    created_at: datetime


def _state_role_or_roles(schema: dict) -> None:
    """What the "before" validator accepts, in the document: `roles`, or one `role` instead,
    and never a `user_id`."""
    schema["properties"]["role"] = {
        **schema["properties"]["roles"]["items"],
        "description": "One role, instead of `roles`.",
    }
    schema["required"] = [name for name in schema["required"] if name != "roles"]
    schema["anyOf"] = [{"required": ["roles"]}, {"required": ["role"]}]
    schema["not"] = {"required": ["user_id"]}


class InvitationIn(BaseModel):
    """Invite a person by e-mail address to hold `roles` (at least one).

    The API never makes anyone a member directly: the person receives an invitation link and
    joins when they accept it, signed in with a confirmed account for this address. `role`
    (one role) is accepted for `roles`. A user id is refused: people are named by the address
    the invitation goes to.
    """

    # A plain pydantic model: its "before" validator sees the request body as sent.
    model_config = ConfigDict(json_schema_extra=_state_role_or_roles)

    email: str = Field(
        max_length=254,
        description="The address the invitation is sent to.",
        json_schema_extra={"format": "email"},
    )
    roles: list[Role] = Field(min_length=1, max_length=len(Role.values))

    @model_validator(mode="before")
    @classmethod
    def named_by_address(cls, data):
        if isinstance(data, dict):
            if "user_id" in data:
                raise ValueError(
                    "user_id is not accepted: give the person's e-mail address, and they "
                    "receive an invitation to accept."
                )
            if "roles" not in data and "role" in data:
                data = {**data, "roles": [data["role"]]}
        return data

    @field_validator("email")
    @classmethod
    def email_is_an_address(cls, value: str) -> str:
        try:
            validate_email(value.strip())
        except ValidationError as error:
            raise ValueError("Enter a valid e-mail address.") from error
        return value.strip()


class InvitationOut(Schema):
    id: int
    email: str
    roles: list[str]
    created_at: datetime
    expires_at: datetime
