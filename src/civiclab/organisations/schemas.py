"""Shapes of organisations and memberships in the JSON API."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from ninja import Field, Schema
from pydantic import field_validator, model_validator

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


class MembershipIn(Schema):
    """Give an existing account a role: name the account by `email` or by `user_id`."""

    role: Role
    email: str | None = None
    user_id: int | None = None

    @field_validator("email")
    @classmethod
    def email_is_an_address(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            validate_email(value.strip())
        except ValidationError as error:
            raise ValueError("Enter a valid e-mail address.") from error
        return value.strip()

    @model_validator(mode="after")
    def one_way_to_name_the_user(self):
        if (self.email is None) == (self.user_id is None):
            raise ValueError("Give either email or user_id.")
        return self
