"""An idea: a proposal to a challenge, its people, its history and where it stands."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civiclab.core.limits import LONG_TEXT, SHORT_TEXT, TEXT
from civiclab.discussion.models import Comment, Flag, Follow
from civiclab.organisations.models import Organisation

from .challenge import Challenge, Tag


class IdeaStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    SELECTED = "selected", _("Selected")
    SHELVED = "shelved", _("On the shelf")
    DECLINED = "declined", _("Declined")
    MERGED = "merged", _("Merged")


class Idea(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="ideas")
    # Denormalised from the challenge: every rule and list filters by organisation.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ideas"
    )
    title = models.CharField(_("title"), max_length=150)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(
        _("description"), max_length=LONG_TEXT, help_text=_("You can use Markdown.")
    )
    description_html = models.TextField(editable=False, blank=True)
    expected_benefits = models.TextField(_("expected benefits"), max_length=TEXT, blank=True)
    beneficiaries = models.CharField(_("who benefits"), max_length=300, blank=True)
    innovation_types = models.JSONField(_("innovation types"), default=list, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="ideas")
    location_name = models.CharField(_("place"), max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=14, choices=IdeaStatus.choices, default=IdeaStatus.SUBMITTED
    )
    status_reason = models.TextField(_("reason for the status"), max_length=SHORT_TEXT, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_ideas"
    )

    # Moderation: hidden ideas stay visible to moderators and their authors.
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=300, blank=True)

    # Counters kept by the services so list pages sort without aggregating.
    support_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    trending_score = models.FloatField(default=0.0)
    score = models.FloatField(null=True, blank=True, help_text=_("Weighted evaluation, 0-100."))

    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # The idea's discussion (see `challenges.discussable`): its rows go with the idea, and
    # queries reach them as `idea__...`.
    comments = GenericRelation(Comment, related_query_name="idea")
    follows = GenericRelation(Follow, related_query_name="idea")
    flags = GenericRelation(Flag, related_query_name="idea")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["challenge", "-created_at", "-id"], name="idea_newest"),
            models.Index(fields=["challenge", "-support_count", "-id"], name="idea_supported"),
            models.Index(fields=["challenge", "-trending_score", "-id"], name="idea_trending"),
            models.Index(fields=["challenge", "-score", "-id"], name="idea_score"),
            models.Index(fields=["challenge", "status", "-created_at"], name="idea_status"),
            models.Index(fields=["organisation", "status"], name="idea_org_status"),
            models.Index(fields=["author", "-created_at"], name="idea_author"),
        ]
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "challenges:idea_detail",
            kwargs={"org_slug": self.organisation.slug, "pk": self.pk},
        )


class CoAuthorStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class CoAuthor(models.Model):
    """A co-author, by invitation: counts as an author once accepted."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="coauthors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coauthored"
    )
    status = models.CharField(max_length=10, choices=CoAuthorStatus.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="coauthor_unique_user"),
        ]
        verbose_name = _("co-author")
        verbose_name_plural = _("co-authors")

    def __str__(self) -> str:
        return f"{self.user} on {self.idea}"


class IdeaRevision(models.Model):
    """A snapshot of an idea's text before each edit: the edit history."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="revisions")
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    content = models.JSONField(help_text=_("The idea's fields as they were after this edit."))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("idea revision")
        verbose_name_plural = _("idea revisions")

    def __str__(self) -> str:
        return f"{self.idea} @ {self.created_at:%Y-%m-%d %H:%M}"


class IdeaAttachment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="ideas/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class StatusChange(models.Model):
    """Each change of an idea's status with its public reason; selections keep their ledger seq."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=14, choices=IdeaStatus.choices, blank=True)
    to_status = models.CharField(max_length=14, choices=IdeaStatus.choices)
    reason = models.TextField(_("reason"), max_length=SHORT_TEXT)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ledger_sequence = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["idea", "created_at"], name="statuschange_idea")]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.idea}: {self.from_status} -> {self.to_status}"
