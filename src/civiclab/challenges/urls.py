"""Challenge and idea pages, mounted at /organisations/<org_slug>/; one URL list per area."""

from .views import challenges, evaluation, ideas, participation

app_name = "challenges"
urlpatterns = [
    *challenges.urlpatterns,
    *ideas.urlpatterns,
    *participation.urlpatterns,
    *evaluation.urlpatterns,
]
