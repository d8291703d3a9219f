"""Pages of accounts: sign-up, sign-in, confirmation, profile, tokens, export and deletion."""

from functools import wraps

import segno
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

from civiclab.core import clock, notifications, page_sections
from civiclab.core.http import apply_validation_error

from . import access, confirmation, mfa, reauth, selectors, services, throttle
from .forms import (
    ConfirmPasswordForm,
    DeleteAccountForm,
    EmailChangeForm,
    LoginForm,
    MfaEnrolForm,
    NotificationPreferencesForm,
    ProfileForm,
    SecondStepForm,
    SignUpForm,
    ThrottledPasswordChangeForm,
    TokenCreateForm,
)
from .models import User

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
    """The password step. Someone with two-step sign-in on is not signed in yet: the session
    remembers who gave the right password, and the code page finishes signing in."""

    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if selectors.has_mfa(user):
            self.request.session[mfa.PENDING_KEY] = {
                "user": user.pk,
                "backend": user.backend,
                "at": clock.now().timestamp(),
                "next": self.get_success_url(),
            }
            return redirect("accounts:login_code")
        return super().form_valid(form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response


def _pending_sign_in(request):
    """The person whose password was right in this session and who still owes a code, with
    what the password step remembered; (None, {}) when there is none or it is too old."""
    pending = request.session.get(mfa.PENDING_KEY)
    if not isinstance(pending, dict):
        return None, {}
    age = clock.now().timestamp() - float(pending.get("at", 0))
    if not 0 <= age <= settings.MFA_LOGIN_STEP_MINUTES * 60:
        request.session.pop(mfa.PENDING_KEY, None)
        return None, {}
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    return user, pending


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request):
    """The second step of signing in: a code from the app, or a recovery code."""
    user, pending = _pending_sign_in(request)
    if user is None:
        messages.info(request, _("Sign in with your e-mail address and password first."))
        return redirect("accounts:login")
    form = SecondStepForm(request, user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.session.pop(mfa.PENDING_KEY, None)
        login(request, user, backend=pending["backend"])
        mfa.mark_verified(request, user)
        if form.method == "recovery":
            left = selectors.recovery_codes_left(user)
            messages.warning(
                request,
                ngettext(
                    "You signed in with a recovery code, which cannot be used again. You have "
                    "%(count)d code left: make new ones on your two-step sign-in page.",
                    "You signed in with a recovery code, which cannot be used again. You have "
                    "%(count)d codes left: make new ones on your two-step sign-in page.",
                    left,
                )
                % {"count": left},
            )
        return redirect(_safe_next(request, pending.get("next")) or settings.LOGIN_REDIRECT_URL)
    status = 429 if form.throttled else 200
    return render(request, "accounts/login_code.html", {"form": form}, status=status)


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
        {
            "sections": page_sections.render(page_sections.PROFILE, request, request.user),
            "has_mfa": selectors.has_mfa(request.user),
        },
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
    throttled = form.has_error("password", "throttled") or form.has_error("code", "throttled")
    return render(
        request,
        "accounts/confirm_password.html",
        {"form": form, "next": next_url, "minutes": settings.REAUTHENTICATION_MINUTES},
        status=429 if throttled else 200,
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


# Two-step sign-in


def _qr_code(uri: str) -> str:
    """The provisioning address as a QR code, a data: URI of an SVG image (no script, no
    request to anywhere else: the Content Security Policy allows data: images)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4, dark="#0b0c0c")


def _recovery_codes_page(request, codes, *, new_setup: bool):
    # Shown in this response only (never_cache: not stored by the browser either): the codes
    # are never stored in the clear, so no redirect.
    return render(
        request,
        "accounts/mfa_recovery_codes.html",
        {"codes": codes, "new_setup": new_setup},
    )


@never_cache
@login_required
def mfa_status(request):
    return render(
        request,
        "accounts/mfa.html",
        {
            "device": selectors.mfa_device_of(request.user),
            "codes_left": selectors.recovery_codes_left(request.user),
            "required": mfa.requires_mfa(request.user),
        },
    )


@sensitive_post_parameters("code")
@never_cache
@login_required
@reauth.recent_password_required
@require_http_methods(["GET", "POST"])
def mfa_enrol(request):
    """Turn two-step sign-in on: add the account to an app (QR code, or the secret typed in),
    then prove it with the app's current code. The secret waits in the session until then."""
    if selectors.has_mfa(request.user):
        return redirect("accounts:mfa")
    key = request.session.get(mfa.ENROL_KEY)
    if not isinstance(key, str) or len(key) != 40:
        key = services.mfa.new_secret()
        request.session[mfa.ENROL_KEY] = key
    form = MfaEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.mfa_enrol(actor=request.user, key=key, code=form.cleaned_data["code"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            request.session.pop(mfa.ENROL_KEY, None)
            mfa.mark_verified(request, request.user)
            messages.success(request, _("Two-step sign-in is on."))
            return _recovery_codes_page(request, codes, new_setup=True)
    uri = services.mfa.provisioning_uri(user=request.user, key=key)
    return render(
        request,
        "accounts/mfa_enrol.html",
        {
            "form": form,
            "qr_code": _qr_code(uri),
            "secret": services.mfa.secret_as_text(key),
            "required": mfa.requires_mfa(request.user),
        },
    )


@never_cache
@login_required
@reauth.recent_password_required
@require_http_methods(["GET", "POST"])
def mfa_recovery_codes(request):
    if not selectors.has_mfa(request.user):
        return redirect("accounts:mfa")
    if request.method == "POST":
        codes = services.mfa_recovery_codes_regenerate(actor=request.user)
        return _recovery_codes_page(request, codes, new_setup=False)
    return render(
        request,
        "accounts/mfa_recovery_codes_confirm.html",
        {"codes_left": selectors.recovery_codes_left(request.user)},
    )


@never_cache
@login_required
@reauth.recent_password_required
@require_http_methods(["GET", "POST"])
def mfa_disable(request):
    if not selectors.has_mfa(request.user):
        return redirect("accounts:mfa")
    required = mfa.requires_mfa(request.user)
    if request.method == "POST" and not required:
        services.mfa_disable(actor=request.user)
        messages.success(request, _("Two-step sign-in is off."))
        return redirect("accounts:mfa")
    return render(
        request,
        "accounts/mfa_disable.html",
        {"required": required},
        status=403 if required and request.method == "POST" else 200,
    )
