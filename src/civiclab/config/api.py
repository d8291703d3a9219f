"""The JSON API root at /api/v1/: every app contributes a router from its `api` module."""

from civiclab.accounts.api import router as accounts_router
from civiclab.accounts.api_auth import PUBLIC_READ, SessionAuth, TokenAuth
from civiclab.challenges.api import router as challenges_router
from civiclab.core.api import CivicAPI, default_throttles, install_error_handlers
from civiclab.discussion.api import build_router as discussion_router
from civiclab.ledger.api import router as ledger_router
from civiclab.organisations.api import router as organisations_router

api = CivicAPI(
    title="civiclab API",
    version="1",
    description="The civiclab JSON API. Authenticate with a personal token "
    "(`Authorization: Bearer <token>`) or a browser session with its CSRF token. "
    'Every error has one shape: `{"error": {"code", "message", "fields"}}`. '
    "Lists are paginated with `page` and `page_size` (at most 100).",
    urls_namespace="api",
    docs_url=None,  # the server-rendered reference (core.api_docs) replaces Swagger UI
    auth=[TokenAuth(), SessionAuth()],
    public_auth=PUBLIC_READ,  # operations open to anyone still refuse a bad token
    throttle=default_throttles(),
)
install_error_handlers(api)
api.add_router("", accounts_router)
api.add_router("/organisations", organisations_router)
api.add_router("/ledger", ledger_router)
api.add_router("", challenges_router)
api.add_router("", discussion_router())
