"""An optional event attached to a challenge, with registration and a waiting list."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from civiclab.core.limits import TEXT
from civiclab.core.models import TimeStampedModel

from .challenge import Challenge


class EventKind(models.TextChoices):
    HACKATHON = "hackathon", _("Hackathon")
    WORKSHOP = "workshop", _("Design-thinking workshop")
    CITIZEN_PANEL = "citizen_panel", _("Citizen panel session")
    OTHER = "other", _("Other event")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Place confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Event(TimeStampedModel):
    challenge = models.OneToOneField(Challenge, on_delete=models.CASCADE, related_name="event")
    kind = models.CharField(_("kind of event"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=TEXT, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    registration_open = models.BooleanField(_("registration open"), default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="event_ends_after_start",
            ),
        ]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.title

    @property
    def organisation(self):
        return self.challenge.organisation


class EventRegistration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(max_length=10, choices=RegistrationStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="registration_unique_user"),
        ]
        indexes = [
            models.Index(fields=["event", "status", "created_at"], name="registration_queue")
        ]
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")

    def __str__(self) -> str:
        return f"{self.user} - {self.event}"
