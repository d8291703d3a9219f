"""A challenge: a problem an organisation asks staff and citizens to help solve."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civiclab.core import clock
from civiclab.core.limits import LONG_TEXT, TEXT
from civiclab.core.models import TimeStampedModel
from civiclab.core.phases import DatedPeriod, running
from civiclab.organisations.models import Organisation


class InnovationType(models.TextChoices):
    """Innovation types after the OECD Oslo Manual and OPSI's facets."""

    SERVICE_PRODUCT = "service_product", _("Service or product")
    PROCESS = "process", _("Process")
    ORGANISATIONAL = "organisational", _("Organisational")
    COMMUNICATION = "communication", _("Communication")
    GOVERNANCE_POLICY = "governance_policy", _("Governance or policy")
    CONCEPTUAL = "conceptual", _("Conceptual")


class Audience(models.TextChoices):
    PUBLIC = "public", _("Everyone (public)")
    STAFF = "staff", _("Staff of the organisation only")
    INVITED = "invited", _("Invited people only")


class PhaseKind(models.TextChoices):
    SUBMISSION = "submission", _("Submission")
    REVIEW = "review", _("Review")
    SELECTION = "selection", _("Selection")
    CLOSED = "closed", _("Closed")


class Tag(models.Model):
    """A keyword an organisation uses to group challenges and ideas."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="tag_unique_slug"),
        ]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Challenge(TimeStampedModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="challenges"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80)
    summary = models.CharField(_("summary"), max_length=300)
    problem_statement = models.TextField(_("problem statement"), max_length=LONG_TEXT)
    goals = models.TextField(_("goals and success measures"), max_length=TEXT, blank=True)
    needs = models.TextField(_("needs and constraints"), max_length=TEXT, blank=True)
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sponsor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sponsored_challenges",
        help_text=_("The decision maker who owns this challenge."),
    )
    audience = models.CharField(
        _("who can take part"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC
    )
    innovation_types = models.JSONField(_("innovation types sought"), default=list, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    is_idea_box = models.BooleanField(
        _("always-open idea box"),
        default=False,
        help_text=_("The organisation's standing box for ideas on any subject."),
    )
    flags_to_hide = models.PositiveSmallIntegerField(
        _("flags before a contribution is hidden for review"), default=3
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="challenge_unique_slug"),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(is_idea_box=True),
                name="challenge_one_idea_box",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "state"], name="challenge_org_state")]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "challenges:detail",
            kwargs={"org_slug": self.organisation.slug, "slug": self.slug},
        )

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    def current_phase(self, now=None) -> "Phase | None":
        """The phase whose dates contain `now`; phases are read from the prefetch cache."""
        return running(self.phases.all(), now or clock.now())

    def current_phase_kind(self, now=None) -> str:
        """The kind of the running phase, or `closed` between and after phases."""
        phase = self.current_phase(now)
        return phase.kind if phase else PhaseKind.CLOSED


class InvitedAddress(models.Model):
    """An e-mail address invited to an invitation-only challenge.

    The invitation belongs to the address, not to an account: whoever holds an account with
    this address, confirmed, is admitted. So the list can name people who have no account yet,
    and an account that merely typed the address in at sign-up is not.
    """

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="invited_addresses"
    )
    email = models.EmailField(_("e-mail address"))
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "email"], name="invited_address_unique_per_challenge"
            )
        ]
        indexes = [models.Index(fields=["email"], name="invited_address_email")]
        verbose_name = _("invited address")
        verbose_name_plural = _("invited addresses")

    def __str__(self) -> str:
        return self.email


class Phase(DatedPeriod):
    """A dated phase of a challenge; actions open and close with it (adhocracy4-style).

    A phase without an end stays open (the idea box's submission phase).
    """

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("phase"), max_length=12, choices=PhaseKind.choices)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "kind"], name="phase_unique_kind"),
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="phase_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="phase_dates")]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self) -> str:
        return f"{self.challenge}: {self.get_kind_display()}"
