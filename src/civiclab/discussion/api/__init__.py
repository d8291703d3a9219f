"""The discussion JSON API, mounted under /api/v1/: one module per URL resource, each with the
schemas of its endpoints.

Object-level endpoints (`/ideas/{idea_id}/comments`, `/ideas/{idea_id}/follow`, ...) are
declared once and served for every registered model, at its segment and with its kind in the
path parameter's name; the router is built when the URLs load, after every app registered its
discussables.
"""

from ninja import Router

from . import comments, flags, follows, moderation


def build_router() -> Router:
    router = Router()
    for resource in (comments, follows, flags, moderation):
        router.add_router("", resource.build_router())
    return router
