"""Platform administration of people and their API tokens."""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.utils.translation import gettext_lazy as _

from civiclab.core import clock
from civiclab.core.ratelimit import RateLimited

from . import throttle
from .forms import authenticate_throttled
from .models import ApiToken, User


class AdminLoginForm(AdminAuthenticationForm):
    """The administration's sign-in, throttled exactly like the site's (`accounts.throttle`).

    A throttled attempt answers with the 429 page; the password is not checked.
    """

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is None or not password:
            return super().clean()
        try:
            self.user_cache = authenticate_throttled(
                self.request,
                email=email,
                password=password,
                authenticate_user=lambda: authenticate(
                    self.request, username=email, password=password
                ),
            )
        except forms.ValidationError as error:
            if error.code == "throttled":
                raise RateLimited(error.messages[0], self._wait(email)) from None
            raise self.get_invalid_login_error() from None
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def _wait(self, email: str) -> int:
        return throttle.retry_after(self.request, email)


admin.site.login_form = AdminLoginForm


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "display_name")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A user with this e-mail address already exists."))
        return email


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        others = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("A user with this e-mail address already exists."))
        return email


class ApiTokenInline(admin.TabularInline):
    model = ApiToken
    extra = 0
    can_delete = False
    fields = ["name", "prefix", "scope", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = [
        "email",
        "display_name",
        "is_staff",
        "is_active",
        "email_confirmed_at",
        "is_anonymised",
        "date_joined",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", "is_anonymised"]
    search_fields = ["email", "display_name"]
    readonly_fields = ["last_login", "date_joined", "is_anonymised"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "email_confirmed_at"]}),
        (
            _("Permissions"),
            {
                "fields": [
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "is_anonymised",
                    "groups",
                    "user_permissions",
                ]
            },
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "display_name", "password1", "password2"],
            },
        ),
    ]
    inlines = [ApiTokenInline]

    def get_inlines(self, request, obj=None):
        # A new person has no tokens; showing the inline would only demand its form data.
        return self.inlines if obj is not None else []


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their owners; admins can see and revoke them, never read them."""

    list_display = [
        "name",
        "user",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["scope", "revoked_at"]
    search_fields = ["name", "prefix", "user__email"]
    list_select_related = ["user"]
    fields = [
        "user",
        "name",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Revoke selected tokens"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=clock.now())
        self.message_user(request, _("%(count)d tokens revoked.") % {"count": count})
