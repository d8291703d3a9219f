"""API endpoints for ideas."""

from ninja import Router

router = Router(tags=["ideas"])
