"""Platform administration of challenges, tags and events: read-only.

Changes go through the challenge pages (platform admins may use them for any organisation),
where the services check, validate and audit; the admin is for looking things up.
"""

from django.contrib import admin

from .models import Challenge, Event, EventRegistration, InvitedAddress, Phase, Tag


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PhaseInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Phase
    extra = 0
    fields = ["kind", "starts_at", "ends_at"]


class InvitedAddressInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = InvitedAddress
    extra = 0
    fields = ["email", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Challenge)
class ChallengeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "organisation", "state", "audience", "is_idea_box", "published_at"]
    list_filter = ["state", "audience", "is_idea_box"]
    list_select_related = ["organisation"]
    search_fields = ["title", "slug", "organisation__name"]
    raw_id_fields = ["sponsor", "created_by"]
    inlines = [PhaseInline, InvitedAddressInline]


@admin.register(Tag)
class TagAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "organisation__name"]


class RegistrationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = EventRegistration
    extra = 0
    fields = ["user", "status", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["user"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "challenge", "starts_at", "capacity", "registration_open"]
    list_filter = ["kind", "registration_open"]
    list_select_related = ["challenge"]
    search_fields = ["title", "challenge__title"]
    inlines = [RegistrationInline]
