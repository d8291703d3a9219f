"""Demo ledger entries: what a public body records on joining the platform (its registration
and its open decisions policy, from `content/<organisation>/ledger.toml`)."""

from civiclab.ledger.models import Entry
from civiclab.ledger.services import ledger_append, subject_of

from . import SeedContext


def seed_ledger(ctx: SeedContext) -> None:
    """Record each organisation's registration and its policy, once."""
    for demo in ctx.content.organisations:
        if demo.ledger_policy is None:
            continue
        organisation = ctx.organisations[demo.slug]
        if Entry.objects.filter(
            kind="organisation.registered", organisation_id=organisation.pk
        ).exists():
            continue
        registration = {
            "name": organisation.name,
            "slug": organisation.slug,
            "country": str(organisation.country or ""),
            "level": str(organisation.level or ""),
        }
        for kind, payload in (
            ("organisation.registered", registration),
            ("policy.published", dict(demo.ledger_policy)),
        ):
            ledger_append(
                kind=kind,
                payload=payload,
                organisation_id=organisation.pk,
                organisation_label=organisation.name,
                **subject_of(organisation),
            )
