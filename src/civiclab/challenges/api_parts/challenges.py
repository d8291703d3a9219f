"""API endpoints for challenges."""

from ninja import Router

router = Router(tags=["challenges"])
