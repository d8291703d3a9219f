from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("switch/", views.switch, name="switch"),
    path("invitations/<str:token>/", views.invitation_accept, name="accept_invitation"),
    path("<slug:slug>/", views.organisation_detail, name="detail"),
    path("<slug:slug>/edit/", views.organisation_edit, name="edit"),
    path("<slug:slug>/members/", views.member_list, name="members"),
    path("<slug:slug>/members/invite/", views.invitation_create, name="invite"),
    path("<slug:slug>/members/<int:user_id>/", views.member_roles, name="member_roles"),
    path("<slug:slug>/members/<int:user_id>/remove/", views.member_remove, name="member_remove"),
    path(
        "<slug:slug>/invitations/<int:pk>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("<slug:slug>/audit/", views.audit_trail, name="audit"),
]
