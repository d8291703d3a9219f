"""The demo organisations and their members, through the organisations services."""

from datetime import timedelta

from civiclab.core import clock
from civiclab.organisations.models import Organisation
from civiclab.organisations.services import member_set_roles, organisation_create

from . import SeedContext
from .accounts import demo_user


def seed_organisations(ctx: SeedContext) -> None:
    for demo in ctx.content.organisations:
        organisation = Organisation.objects.filter(slug=demo.slug).first()
        if organisation is None:
            # Replayed at the moment it joined the platform, when its idea box opened.
            with clock.as_of(ctx.now - timedelta(days=demo.joined_days_ago)):
                organisation = organisation_create(
                    actor=ctx.platform_admin,
                    name=demo.name,
                    slug=demo.slug,
                    sectors=list(demo.sectors),
                    **demo.profile,
                )
        ctx.organisations[demo.slug] = organisation


def seed_members(ctx: SeedContext) -> None:
    for demo in ctx.content.organisations:
        organisation = ctx.organisations[demo.slug]
        for person in demo.members:
            user = demo_user(ctx, person)
            # Idempotent: the service records a change only when the roles differ.
            member_set_roles(
                actor=ctx.platform_admin,
                organisation=organisation,
                user=user,
                roles=list(person.roles),
            )
