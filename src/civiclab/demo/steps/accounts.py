"""Demo accounts: the platform administrator and the residents, confirmed, with the demo
password (the organisations' members are made by the organisations step)."""

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model

from civiclab.core import clock
from civiclab.demo.content import DemoPerson

from . import SeedContext

# The demo's people joined long before the challenges they take part in (whose past phases
# the seed replays), so their supports trend and their reports count like any long-standing
# account's (TRUSTED_ACCOUNT_AGE_DAYS).
JOINED_BEFORE_SEEDING = timedelta(days=365)


def demo_user(ctx: SeedContext, person: DemoPerson, **extra: Any):
    """The demo user with this e-mail, created (confirmed, demo password) if missing."""
    User = get_user_model()
    user = User.objects.filter(email=person.email).first()
    if user is None:
        user = User(
            email=person.email,
            display_name=person.display_name,
            email_confirmed_at=clock.now(),
            date_joined=clock.now() - JOINED_BEFORE_SEEDING,
            password=ctx.password_hash,
            **extra,
        )
        user.save()
    ctx.users[person.key] = user
    return user


def seed_platform_admin(ctx: SeedContext) -> None:
    ctx.platform_admin = demo_user(ctx, ctx.content.administrator, is_staff=True, is_superuser=True)


def seed_residents(ctx: SeedContext) -> None:
    """Residents with an account: the platform's, then each organisation's."""
    for person in ctx.content.residents:
        demo_user(ctx, person)
    for organisation in ctx.content.organisations:
        for person in organisation.residents:
            demo_user(ctx, person)
