from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from civiclab.challenges.views.challenges import all_challenges
from civiclab.config.api import api
from civiclab.core import urls as core_urls
from civiclab.core.api_docs import api_reference
from civiclab.ledger.views import verifier_key_text as ledger_verifier_key

urlpatterns = [
    path("", include(core_urls)),
    path("accounts/", include("civiclab.accounts.urls")),
    path("challenges/", all_challenges, name="all_challenges"),
    path("organisations/<slug:org_slug>/", include("civiclab.challenges.urls")),
    path("organisations/<slug:org_slug>/", include("civiclab.discussion.urls")),
    path("organisations/", include("civiclab.organisations.urls")),
    path("ledger/", include("civiclab.ledger.urls")),
    path(".well-known/civiclab-ledger-key", ledger_verifier_key, name="ledger-key"),
    path("api/v1/docs", api_reference, {"api": api}, name="api-docs"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
