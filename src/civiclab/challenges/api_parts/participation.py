"""API endpoints for participation."""

from ninja import Router

router = Router(tags=["participation"])
