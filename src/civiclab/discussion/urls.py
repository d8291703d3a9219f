"""Discussion pages, mounted at /organisations/<org_slug>/ beside the pages of the objects
they discuss: `<segment>/<pk>/comments/` for every registered model ("ideas/12/comments/"),
`comments/<pk>/...` for one comment, `moderation/` for the organisation's queue."""

from django.urls import path, register_converter

from . import views
from .registry import Discussable, discussable_at


class DiscussableConverter:
    """A registered model's segment in an address ("ideas"), as its `Discussable`; a segment
    nobody registered does not match, so the address is simply not found."""

    regex = "[a-z][a-z0-9-]*"

    def to_python(self, value: str) -> Discussable:
        discussable = discussable_at(value)
        if discussable is None:
            raise ValueError(value)
        return discussable

    def to_url(self, value: Discussable | str) -> str:
        segment = value if isinstance(value, str) else value.segment
        if discussable_at(segment) is None:
            raise ValueError(segment)
        return segment


register_converter(DiscussableConverter, "discussable")

app_name = "discussion"
urlpatterns = [
    path("<discussable:on>/<int:pk>/follow/", views.follow, name="follow"),
    path("<discussable:on>/<int:pk>/comments/", views.comment_add, name="comment_add"),
    path(
        "<discussable:on>/<int:pk>/comments/<int:comment_pk>/reply/",
        views.comment_reply,
        name="comment_reply",
    ),
    path("<discussable:on>/<int:pk>/report/", views.flag, name="flag"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/report/", views.flag_comment, name="flag_comment"),
    path("moderation/", views.moderation_queue, name="moderation_queue"),
    path(
        "moderation/comments/<int:pk>/<str:action>/",
        views.moderate_comment,
        name="moderate_comment",
    ),
    path("moderation/<discussable:on>/<int:pk>/<str:action>/", views.moderate, name="moderate"),
]
