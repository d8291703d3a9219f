"""Pages of accounts: sign-up, sign-in, confirmation, profile, tokens, export and deletion."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from civiclab.core import notifications, page_sections

from . import access, confirmation, reauth, selectors, services, throttle
from .forms import (
    ConfirmPasswordForm,
    DeleteAccountForm,
    EmailChangeForm,
    LoginForm,
    NotificationPreferencesForm,
    ProfileForm,
    SignUpForm,
    ThrottledPasswordChangeForm,
    TokenCreateForm,
)

RESEND_INTERVAL_SECONDS = 60


# Sign-up and confirmation


# The session keys sign-up leaves for the confirmation link opened in the same browser.
SIGNUP_EMAIL = "signup_email"
SIGNUP_PENDING = "signup_pending_user"
SIGNUP_NEXT = "signup_next"


def _safe_next(request, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
@throttle.limit_email_form("email", creates_account=True)
def signup(request):
    """Create an account; nobody is signed in until the address is confirmed.

    A new address and a taken one get the same answer (a redirect to "check your e-mail", with
    the same cookies), so the page does not tell anyone which addresses have an account.
    """
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.user_sign_up(
            display_name=form.cleaned_data["display_name"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
        )
        # Kept in the session (on the server), never in the response: the link, opened in
        # this browser, signs the new account in and returns to where sign-up began.
        request.session[SIGNUP_PENDING] = user.pk if user is not None else None
        request.session[SIGNUP_NEXT] = _safe_next(request, request.GET.get("next"))
        request.session[SIGNUP_EMAIL] = form.cleaned_data["email"]
        return redirect("accounts:check_email")
    return render(request, "accounts/signup.html", {"form": form})


def check_email(request):
    email = request.session.get(SIGNUP_EMAIL, "")
    days = max(1, confirmation.max_age() // (24 * 60 * 60))
    return render(request, "accounts/check_email.html", {"email": email, "days": days})


@never_cache
def confirm_email(request, token: str):
    """Confirm the address in the link and sign its account in.

    The account is signed in when the link is opened in the browser that signed up (or that is
    already signed in to it); elsewhere the page asks to sign in, so a link to someone else's
    account cannot silently sign a visitor in as that account.
    """
    try:
        user = services.user_confirm_email(token=token)
    except confirmation.InvalidLink:
        return render(request, "accounts/confirm_invalid.html", status=400)
    except ValidationError as error:
        return render(
            request, "accounts/confirm_invalid.html", {"reason": error.messages[0]}, status=400
        )
    signed_in = request.user.is_authenticated and request.user.pk == user.pk
    if not signed_in and request.session.get(SIGNUP_PENDING) == user.pk:
        next_url = request.session.get(SIGNUP_NEXT, "")
        login(request, user, backend="civiclab.accounts.backends.EmailBackend")
        for key in (SIGNUP_PENDING, SIGNUP_NEXT, SIGNUP_EMAIL):
            request.session.pop(key, None)
        messages.success(
            request, _("Thank you, your e-mail address is confirmed. You are signed in.")
        )
        return redirect(_safe_next(request, next_url) or "accounts:profile")
    if signed_in:
        # A first confirmation ends the account's earlier sessions; this one followed the
        # link, so it stays.
        update_session_auth_hash(request, user)
        messages.success(request, _("Thank you, your e-mail address is confirmed."))
        return redirect("accounts:profile")
    return render(request, "accounts/confirm_done.html")


@login_required
@require_POST
@throttle.limit_email_form("email")
def resend_confirmation(request):
    back = _safe_next(request, request.POST.get("next")) or "accounts:profile"
    if request.user.email_confirmed:
        messages.info(request, _("Your e-mail address is already confirmed."))
        return redirect(back)
    # One e-mail a minute is plenty; more would let the button be used to flood an inbox.
    if cache.add(f"confirm-resend:{request.user.pk}", 1, timeout=RESEND_INTERVAL_SECONDS):
        services.user_resend_confirmation(actor=request.user)
        messages.success(
            request,
            _("We have sent a new confirmation link to %(email)s.") % {"email": request.user.email},
        )
    else:
        messages.info(
            request,
            _("We sent a link less than a minute ago. Check your inbox and spam folder."),
        )
    return redirect(back)


# Sign-in and sign-out


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response


class LogoutView(auth_views.LogoutView):
    """Sign-out by POST only (Django refuses GET with 405)."""


# Password reset and change


def _tell_tokens_revoked(request, revoked) -> None:
    if revoked:
        messages.info(
            request,
            ngettext(
                "Your API token has stopped working. Create a new one if you still need it.",
                "Your %(count)d API tokens have stopped working. Create new ones if you "
                "still need them.",
                len(revoked),
            )
            % {"count": len(revoked)},
        )


@method_decorator(throttle.limit_email_form("email"), name="post")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset_body.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    extra_email_context = {"site_name": settings.SITE_NAME}
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        revoked = services.user_reset_password(
            user=form.user, new_password=form.cleaned_data["new_password1"]
        )
        self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        _tell_tokens_revoked(self.request, revoked)
        return redirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = ThrottledPasswordChangeForm(request.user, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        revoked = services.user_change_password(
            actor=request.user, new_password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, request.user)
        reauth.mark(request, request.user)
        messages.success(request, _("Your password has been changed."))
        _tell_tokens_revoked(request, revoked)
        return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})


# Profile


@login_required
def profile(request):
    return render(
        request,
        "accounts/profile.html",
        {"sections": page_sections.render(page_sections.PROFILE, request, request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    form = ProfileForm(request.POST or None, initial={"display_name": request.user.display_name})
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(
            actor=request.user, display_name=form.cleaned_data["display_name"]
        )
        messages.success(request, _("Your name has been changed."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile_edit.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request):
    """How the person hears of each kind of notification."""
    form = NotificationPreferencesForm(
        request.POST or None,
        kinds=notifications.kinds(),
        current=notifications.preferences_of(request.user),
    )
    if request.method == "POST" and form.is_valid():
        notifications.notification_preferences_set(user=request.user, deliveries=form.cleaned_data)
        messages.success(request, _("Your notification preferences have been saved."))
        return redirect("accounts:notification_preferences")
    return render(request, "accounts/notification_preferences.html", {"form": form})


@sensitive_post_parameters("current_password")
@login_required
@require_http_methods(["GET", "POST"])
@throttle.limit_email_form("new_email")
def email_change(request):
    form = EmailChangeForm(request.user, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        new_email = form.cleaned_data["new_email"]
        services.user_request_email_change(actor=request.user, new_email=new_email)
        messages.success(
            request,
            _(
                "We have sent a confirmation link to %(email)s. Your address changes when "
                "you follow it."
            )
            % {"email": new_email},
        )
        return redirect("accounts:profile")
    return render(request, "accounts/email_change.html", {"form": form})


# API tokens


@login_required
def tokens(request):
    return render(
        request, "accounts/tokens.html", {"tokens": list(selectors.tokens_of(request.user))}
    )


@sensitive_post_parameters("password")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def confirm_password(request):
    """Enter the password again, then go back to where it was asked for."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = ConfirmPasswordForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect(next_url or "accounts:profile")
    status = 429 if form.has_error("password", "throttled") else 200
    return render(
        request,
        "accounts/confirm_password.html",
        {"form": form, "next": next_url, "minutes": settings.REAUTHENTICATION_MINUTES},
        status=status,
    )


def _confirmed_address_required(view):
    """An unconfirmed account is told to confirm first (before any re-authentication), on a
    page whose button sends the confirmation link again."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not request.user.has_perm("accounts.add_apitoken"):
            return render(request, "accounts/token_create_unconfirmed.html", status=403)
        return view(request, *args, **kwargs)

    return checked


@never_cache
@login_required
@_confirmed_address_required
@reauth.recent_password_required
@require_http_methods(["GET", "POST"])
def token_create(request):
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                days=form.cleaned_data["expires_in_days"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Shown in this response only: the secret is never stored, so no redirect.
            return render(
                request, "accounts/token_created.html", {"token": token, "secret": secret}
            )
    return render(request, "accounts/token_create.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, token_id: int):
    token = access.token_for_user(user=request.user, pk=token_id)
    if request.method == "POST":
        services.token_revoke(actor=request.user, token=token)
        messages.success(
            request, _("The token “%(name)s” has been revoked.") % {"name": token.name}
        )
        return redirect("accounts:tokens")
    return render(request, "accounts/token_revoke.html", {"token": token})


# Personal data


@login_required
@require_http_methods(["GET", "POST"])
def export(request):
    if request.method == "POST":
        archive = services.user_export_data(actor=request.user)
        response = HttpResponse(archive, content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="civiclab-my-data.zip"'
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "accounts/export.html")


@sensitive_post_parameters("current_password")
@login_required
@require_http_methods(["GET", "POST"])
def delete(request):
    form = DeleteAccountForm(request.user, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_delete(actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(request, _("Your account has been deleted."))
            return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})
