from django.conf import settings
from django.urls import include, path

from . import notification_views, views

# Job progress lives in the "core" namespace (`core:job_progress`); the rest have plain names.
job_patterns = (
    [path("<uuid:pk>/", views.job_progress, name="job_progress")],
    "core",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("search/", views.search, name="search"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("jobs/", include(job_patterns)),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path(
        "notifications/<int:pk>/read/",
        notification_views.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/read-all/",
        notification_views.notification_read_all,
        name="notification_read_all",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        notification_views.notification_unsubscribe,
        name="notification_unsubscribe",
    ),
]

if settings.DEBUG:
    urlpatterns.append(path("design-system/", views.design_system, name="design_system"))
