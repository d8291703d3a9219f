"""Platform administration of people and their API tokens."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from civiclab.core import clock

from . import services
from .models import ApiToken, User


def admin_login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """The administration's sign-in is the site's: one path, with the same throttle and the
    same second step for accounts with two-step sign-in on (`accounts.views.LoginView`).

    Someone signed in who may use the administration goes on; someone signed in who may not
    gets the 403 page (sending them to sign in again would loop).
    """
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    next_url = next_url or reverse("admin:index")
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect(next_url)
        raise PermissionDenied
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")


admin.site.login = admin_login  # type: ignore[method-assign]

# django-otp's own pages would show each app's secret and change devices without an audit
# event; a platform admin turns two-step sign-in off with the action on people instead.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


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
    actions = ["turn_off_two_step_sign_in"]

    @admin.action(description=_("Turn off two-step sign-in of selected people"))
    def turn_off_two_step_sign_in(self, request, queryset):
        try:
            count = sum(services.mfa_reset(actor=request.user, user=user) for user in queryset)
        except PermissionDenied:
            self.message_user(
                request, _("Only a superuser may turn off two-step sign-in."), messages.ERROR
            )
            return
        self.message_user(
            request, _("Two-step sign-in turned off for %(count)d people.") % {"count": count}
        )

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
