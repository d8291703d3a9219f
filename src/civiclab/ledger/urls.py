from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("", views.index, name="index"),
    path("entries/<int:seq>/", views.entry, name="entry"),
    path("checkpoints/", views.checkpoints, name="checkpoints"),
    path("key/", views.verifier_key_text, name="key"),
]
