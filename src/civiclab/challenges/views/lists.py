"""Views for idea lists, search, exports and similar-idea suggestions."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
