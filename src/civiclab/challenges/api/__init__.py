"""The challenges JSON API, mounted under /api/v1/: one module per URL resource, each with the
schemas of its endpoints, so every path's methods are declared in one place."""

from ninja import Router

from . import (
    assignments,
    challenges,
    comments,
    evaluations,
    events,
    flags,
    follows,
    ideas,
    lists,
    merges,
    moderation,
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
    comments,
    follows,
    flags,
    moderation,
    merges,
    scorecards,
    assignments,
    evaluations,
    results,
    pairwise,
):
    router.add_router("", resource.router)
