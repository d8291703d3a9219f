"""Challenge and idea pages, mounted at /organisations/<org_slug>/; one URL list per area."""

from .views import challenges, evaluation, ideas, lists, participation

app_name = "challenges"
urlpatterns = [
    *challenges.urlpatterns,
    *lists.urlpatterns,
    *ideas.urlpatterns,
    *participation.urlpatterns,
    *evaluation.urlpatterns,
]
