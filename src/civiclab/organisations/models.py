"""Public bodies, the people who work in them and the roles those people hold."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from civiclab.core.limits import TEXT
from civiclab.core.models import TimeStampedModel


class Level(models.TextChoices):
    LOCAL = "local", _("Local")
    REGIONAL = "regional", _("Regional")
    NATIONAL = "national", _("National")
    SUPRANATIONAL = "supranational", _("Supranational")


class Cofog(models.TextChoices):
    """Divisions of the UN Classification of the Functions of Government (COFOG)."""

    GENERAL_PUBLIC_SERVICES = "01", _("General public services")
    DEFENCE = "02", _("Defence")
    PUBLIC_ORDER_AND_SAFETY = "03", _("Public order and safety")
    ECONOMIC_AFFAIRS = "04", _("Economic affairs")
    ENVIRONMENTAL_PROTECTION = "05", _("Environmental protection")
    HOUSING_AND_COMMUNITY = "06", _("Housing and community amenities")
    HEALTH = "07", _("Health")
    RECREATION_CULTURE_RELIGION = "08", _("Recreation, culture and religion")
    EDUCATION = "09", _("Education")
    SOCIAL_PROTECTION = "10", _("Social protection")


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    INNOVATION_LEAD = "innovation_lead", _("Innovation lead")
    DECISION_MAKER = "decision_maker", _("Decision maker")
    EVALUATOR = "evaluator", _("Evaluator")
    MODERATOR = "moderator", _("Moderator")
    STAFF = "staff", _("Staff")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Enter a time zone such as Europe/Paris."), code="time_zone")


class Sector(models.Model):
    """A COFOG division; a table so organisations (and later cases) can be filtered by it."""

    code = models.CharField(max_length=2, primary_key=True, choices=Cofog.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return f"{self.code} {self.get_code_display()}"


class Organisation(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    country = CountryField(_("country"))
    level = models.CharField(_("level of government"), max_length=20, choices=Level.choices)
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), blank=True)
    population_served = models.PositiveBigIntegerField(
        _("population served"), null=True, blank=True
    )
    governance_notes = models.TextField(
        _("governance tradition"),
        max_length=TEXT,
        blank=True,
        help_text=_("How decisions are made here: administrative culture, political context."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, validators=[validate_time_zone], default="UTC"
    )
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["country", "level"], name="org_country_level"),
        ]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The organisation's time zone, for showing and reading its times."""
        return zoneinfo.ZoneInfo(self.time_zone)

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", kwargs={"slug": self.slug})


class Membership(models.Model):
    """One role held by one person in one organisation; a person may hold several."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "role"], name="membership_unique_role"
            ),
        ]
        indexes = [models.Index(fields=["user", "organisation"], name="membership_user_org")]
        ordering = ["organisation", "user", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} - {self.organisation}"


class Invitation(models.Model):
    """An e-mailed invitation to join an organisation with some roles.

    Only a digest of the token is stored; the link in the e-mail carries the secret.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    roles = models.JSONField(_("roles"), default=list)
    digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="invitations_sent",
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations_accepted",
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "email"], name="invitation_org_email")]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        # No e-mail address here: this text is copied into the audit trail.
        return _("Invitation #%(id)s to %(organisation)s") % {
            "id": self.pk,
            "organisation": self.organisation,
        }

    @property
    def role_labels(self) -> list[str]:
        return [Role(role).label for role in self.roles if role in Role.values]
