from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/check-email/", views.check_email, name="check_email"),
    path("confirm/resend/", views.resend_confirmation, name="resend_confirmation"),
    path("confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("profile/", views.profile, name="profile"),
    path("profile/name/", views.profile_edit, name="profile_edit"),
    path("profile/email/", views.email_change, name="email_change"),
    path("profile/password/", views.password_change, name="password_change"),
    path("two-step/", views.mfa_status, name="mfa"),
    path("two-step/set-up/", views.mfa_enrol, name="mfa_enrol"),
    path("two-step/recovery-codes/", views.mfa_recovery_codes, name="mfa_recovery_codes"),
    path("two-step/turn-off/", views.mfa_disable, name="mfa_disable"),
    path(
        "profile/notifications/",
        views.notification_preferences,
        name="notification_preferences",
    ),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("confirm-password/", views.confirm_password, name="confirm_password"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("my-data/", views.export, name="export"),
    path("delete/", views.delete, name="delete"),
]
