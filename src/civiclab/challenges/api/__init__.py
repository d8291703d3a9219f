"""The challenges JSON API: one router per URL resource, mounted under /api/v1/."""

from ninja import Router

from . import challenges, evaluation, events, ideas, lists, participation

router = Router()
router.add_router("", challenges.router)
router.add_router("", events.router)
router.add_router("", lists.router)
router.add_router("", ideas.router)
router.add_router("", participation.router)
router.add_router("", evaluation.router)
