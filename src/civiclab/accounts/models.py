"""People who sign in, and their personal API tokens."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from civiclab.core import clock


def anonymous_name(number: int | None) -> str:
    """The name a deleted account's contributions are shown under, in the reader's language."""
    return gettext("Deleted user %(number)s") % {"number": number}


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("email_confirmed_at", clock.now())
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in with e-mail; `display_name` is what others see."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("platform admin"),
        default=False,
        help_text=_("Can sign in to the platform administration."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    is_anonymised = models.BooleanField(_("account deleted"), default=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        if self.is_anonymised:
            return anonymous_name(self.pk)
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django's session check, which also ends the sessions of an unconfirmed account
        when its address is first confirmed: a session started before anyone proved they
        own the address (a squatter's) does not outlive that proof."""
        if self.email_confirmed:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "civiclab.accounts.User.session_before_confirmation",
            self.password,
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


def token_expiry_default() -> datetime:
    """When a token made without a chosen lifetime expires (API_TOKEN_DEFAULT_DAYS)."""
    return clock.now() + timedelta(days=settings.API_TOKEN_DEFAULT_DAYS)


class TokenScope(models.TextChoices):
    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 digest is stored; the secret is shown once.

    A token works until it expires or is revoked; a `read` token is refused on every request
    that could change something (any method but GET, HEAD and OPTIONS).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    scope = models.CharField(
        _("scope"), max_length=12, choices=TokenScope.choices, default=TokenScope.READ
    )
    expires_at = models.DateTimeField(_("expires"), db_index=True, default=token_expiry_default)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def expired(self) -> bool:
        return self.expires_at <= clock.now()

    @property
    def active(self) -> bool:
        return self.revoked_at is None and not self.expired

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.READ_WRITE
