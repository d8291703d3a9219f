"""Forms of accounts. Passwords may be pasted; validators come from settings."""

import logging

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from civiclab.core.models import Delivery

from . import mfa, reauth, selectors, services, throttle
from .models import TokenScope, User

logger = logging.getLogger("civiclab.accounts.login")


def _password_field(label, *, autocomplete: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


def _email_field(label=None, *, autocomplete: str = "email") -> forms.EmailField:
    return forms.EmailField(
        label=label or _("E-mail address"),
        max_length=254,
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address in the correct format, like name@example.org."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": autocomplete, "spellcheck": "false"}),
    )


class NewPasswordMixin:
    """Two password fields that must match and pass the configured validators."""

    def _user_for_validation(self) -> User | None:
        return None

    def clean_password2(self):
        password1 = self.cleaned_data.get("password1")
        password2 = self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            raise ValidationError(
                _("The passwords you entered do not match."), code="password_mismatch"
            )
        return password2

    def _post_clean_password(self) -> None:
        password = self.cleaned_data.get("password1")
        if not password or self.has_error("password2"):
            return
        try:
            password_validation.validate_password(password, self._user_for_validation())
        except ValidationError as error:
            self.add_error("password1", error)


class SignUpForm(NewPasswordMixin, forms.Form):
    display_name = forms.CharField(
        label=_("Your name"),
        help_text=_("Shown next to your ideas and comments. You can change it later."),
        max_length=120,
        error_messages={"required": _("Enter your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = _email_field()
    password1 = _password_field(
        _("Password"),
        autocomplete="new-password",
        help_text=_(
            "At least 8 characters. A few unrelated words make a strong password you can "
            "remember. You can paste it from a password manager."
        ),
    )
    password2 = _password_field(_("Enter the password again"), autocomplete="new-password")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].error_messages["required"] = _("Enter a password.")
        self.fields["password2"].error_messages["required"] = _("Enter the password again.")

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise ValidationError(_("Enter your name."), code="required")
        return name

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def _user_for_validation(self) -> User:
        return User(
            email=self.cleaned_data.get("email", ""),
            display_name=self.cleaned_data.get("display_name", ""),
        )

    def _post_clean(self):
        super()._post_clean()
        self._post_clean_password()


def authenticate_throttled(request, *, email: str, password: str, authenticate_user=None):
    """The person with this address and password, or a ValidationError; throttled.

    Every page that signs someone in with a password goes through here (`accounts.throttle`),
    so all of them are throttled the same way. A throttled attempt is refused before the
    password is checked, so guessing stops for that client while everyone else signs in as
    usual. `authenticate_user` checks the password (Django's `authenticate` by default) and
    returns the user or None.
    """
    wait = throttle.retry_after(request, email)
    if wait:
        logger.warning("Login refused: too many failed attempts from this client.")
        raise throttle.refusal(wait)
    if authenticate_user is None:
        user = authenticate(request, email=email, password=password)
    else:
        user = authenticate_user()
    if user is None:
        throttle.record_failure(request, email)
        logger.info("Login failed: wrong e-mail address or password.")
        raise ValidationError(
            _(
                "The e-mail address or password is not right. Check them and try again, "
                "or reset your password."
            ),
            code="invalid_login",
        )
    throttle.record_success(request, email)
    reauth.mark(request, user)
    return user


class LoginForm(forms.Form):
    """E-mail and password, throttled (see `authenticate_throttled`)."""

    email = _email_field(autocomplete="username")
    password = _password_field(_("Password"), autocomplete="current-password")

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        self.throttled = False
        super().__init__(*args, **kwargs)
        self.fields["password"].error_messages["required"] = _("Enter your password.")

    def clean(self):
        email = self.cleaned_data.get("email")
        password = self.cleaned_data.get("password")
        if not email or not password:
            return self.cleaned_data
        try:
            self.user_cache = authenticate_throttled(self.request, email=email, password=password)
        except ValidationError as error:
            self.throttled = error.code == "throttled"
            raise
        return self.cleaned_data

    def get_user(self):
        return self.user_cache


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name"),
        help_text=_("Shown next to your ideas and comments."),
        max_length=120,
        error_messages={"required": _("Enter your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise ValidationError(_("Enter your name."), code="required")
        return name


def check_current_password(request, user: User, password: str) -> None:
    """The signed-in person's own password, throttled like signing in (so a borrowed
    session cannot be used to guess it); raises ValidationError when it is not right."""
    if request is None:  # not from a page: nothing to count per client
        if not user.check_password(password):
            raise ValidationError(_("Your password is not right."), code="password_incorrect")
        return
    try:
        authenticate_throttled(
            request,
            email=user.email,
            password=password,
            authenticate_user=lambda: user if user.check_password(password) else None,
        )
    except ValidationError as error:
        if error.code == "throttled":
            raise
        raise ValidationError(_("Your password is not right."), code="password_incorrect") from None


class CurrentPasswordMixin:
    user: User
    request = None

    def clean_current_password(self) -> str:
        password = self.cleaned_data["current_password"]
        check_current_password(self.request, self.user, password)
        return password


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's password change, with the old password checked like signing in."""

    def __init__(self, user: User, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self) -> str:
        password = self.cleaned_data["old_password"]
        try:
            check_current_password(self.request, self.user, password)
        except ValidationError as error:
            if error.code == "throttled":
                raise
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            ) from None
        return password


class EmailChangeForm(CurrentPasswordMixin, forms.Form):
    new_email = _email_field(_("New e-mail address"))
    current_password = _password_field(
        _("Your password"),
        autocomplete="current-password",
        help_text=_("To check it is you."),
    )

    def __init__(self, user: User, *args, request=None, **kwargs):
        self.user = user
        self.request = request
        super().__init__(*args, **kwargs)
        self.fields["current_password"].error_messages["required"] = _("Enter your password.")

    def clean_new_email(self) -> str:
        email = self.cleaned_data["new_email"].strip().lower()
        if email == self.user.email.lower():
            raise ValidationError(_("That is already your e-mail address."), code="same_email")
        return email


def _lifetime_choices() -> list[tuple[int, str]]:
    days = sorted(
        {d for d in (7, 30, 90, 365) if d <= settings.API_TOKEN_MAX_DAYS}
        | {settings.API_TOKEN_DEFAULT_DAYS}
    )
    return [(d, ngettext("%(count)d day", "%(count)d days", d) % {"count": d}) for d in days]


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        help_text=_("What the token is for, so you recognise it later, like “Reporting script”."),
        max_length=100,
        error_messages={"required": _("Enter a name for the token.")},
    )
    scope = forms.ChoiceField(
        label=_("What the token may do"),
        help_text=_(
            "A read-only token can read everything you can read, but cannot change anything."
        ),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the token may do.")},
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires after"),
        help_text=_("The token stops working then; you can create a new one."),
        coerce=int,
        error_messages={"required": _("Choose when the token expires.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_in_days"].choices = _lifetime_choices()
        self.fields["expires_in_days"].initial = settings.API_TOKEN_DEFAULT_DAYS

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Enter a name for the token."), code="required")
        return name


def _code_field(label, *, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=64,
        error_messages={"required": _("Enter the code.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "none",
            }
        ),
    )


def second_step_key(user: User) -> str:
    """What `accounts.throttle` counts wrong codes of `user` under: apart from the password's
    counters, so a right password does not clear the count of wrong codes."""
    return f"second-step:{user.pk}"


def verify_second_step(request, user: User, code: str) -> str:
    """Check a code from the person's app or a recovery code, throttled like passwords.

    Returns "totp" or "recovery" and notes the second step as passed in this session; raises
    ValidationError (code "throttled" when this client must wait) otherwise.
    """
    key = second_step_key(user)
    wait = throttle.retry_after(request, key)
    if wait:
        logger.warning("Second step refused: too many wrong codes from this client.")
        raise throttle.refusal(wait)
    method = services.mfa_verify(user=user, code=code)
    if method is None:
        throttle.record_failure(request, key)
        logger.info("Second step failed: wrong code.")
        raise ValidationError(
            _(
                "That code is not right. Enter the 6-digit code your app shows now, or one of "
                "your recovery codes."
            ),
            code="invalid_code",
        )
    throttle.record_success(request, key)
    return method


SECOND_STEP_HELP = _(
    "The 6-digit code your authenticator app shows. If you cannot use your app, enter one of "
    "your recovery codes instead."
)


class SecondStepForm(forms.Form):
    """The second step of signing in: a code for the account whose password was right."""

    code = _code_field(_("Code"), help_text=SECOND_STEP_HELP)

    def __init__(self, request, user: User, *args, **kwargs):
        self.request = request
        self.user = user
        self.method = ""
        self.throttled = False
        super().__init__(*args, **kwargs)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        try:
            self.method = verify_second_step(self.request, self.user, code)
        except ValidationError as error:
            self.throttled = error.code == "throttled"
            raise
        return code


class MfaEnrolForm(forms.Form):
    code = _code_field(
        _("Code from your app"),
        help_text=_("After adding the account, your app shows a 6-digit code. Enter it here."),
    )


class ConfirmPasswordForm(forms.Form):
    """The signed-in person's password again, throttled like signing in; and, when they have
    two-step sign-in on, a code from their app (or a recovery code)."""

    password = _password_field(_("Your password"), autocomplete="current-password")

    def __init__(self, request, *args, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)
        self.fields["password"].error_messages["required"] = _("Enter your password.")
        self.asks_code = selectors.has_mfa(request.user)
        if self.asks_code:
            self.fields["code"] = _code_field(_("Code"), help_text=SECOND_STEP_HELP)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        check_current_password(self.request, self.request.user, password)
        return password

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("code")
        if self.asks_code and code and not self.has_error("password"):
            try:
                verify_second_step(self.request, self.request.user, code)
            except ValidationError as error:
                self.add_error("code", error)
            else:
                mfa.mark_verified(self.request, self.request.user)
        return cleaned


class DeleteAccountForm(CurrentPasswordMixin, forms.Form):
    current_password = _password_field(
        _("Your password"),
        autocomplete="current-password",
        help_text=_("To check it is you."),
    )

    def __init__(self, user: User, *args, request=None, **kwargs):
        self.user = user
        self.request = request
        super().__init__(*args, **kwargs)
        self.fields["current_password"].error_messages["required"] = _("Enter your password.")


class NotificationPreferencesForm(forms.Form):
    """One choice per kind of notification (`core.notifications.register_kind`)."""

    def __init__(self, *args, kinds, current, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind in kinds:
            self.fields[kind.verb] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                initial=current[kind.verb],
                # Said only where it differs from the usual: the same hint on every field
                # would be noise.
                help_text=(
                    _("Suggested: %(default)s.") % {"default": kind.default.label}
                    if kind.default != Delivery.IMMEDIATE
                    else ""
                ),
                error_messages={"invalid_choice": _("Choose how you want to hear of this.")},
            )
