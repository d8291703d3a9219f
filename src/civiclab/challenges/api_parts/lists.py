"""API endpoints for idea lists and search."""

from ninja import Router

router = Router(tags=["ideas"])
