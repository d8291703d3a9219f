"""The challenges JSON API, mounted under /api/v1/: one module per URL resource, each with the
schemas of its endpoints, so every path's methods are declared in one place."""

from ninja import Router

from . import (
    assignments,
    challenges,
    evaluations,
    events,
    ideas,
    lists,
    merges,
    pairwise,
    results,
    scorecards,
    supports,
)

router = Router()
for resource in (
    challenges,
    events,
    lists,
    ideas,
    supports,
    merges,
    scorecards,
    assignments,
    evaluations,
    results,
    pairwise,
):
    router.add_router("", resource.router)
