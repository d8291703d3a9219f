"""Supports and merges (comments, follows and flags are the discussion app's)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from civiclab.core.limits import SHORT_TEXT

from .idea import Idea


class Support(models.Model):
    """One support per person per idea."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="support_once_per_person"),
        ]
        indexes = [models.Index(fields=["user", "idea"], name="support_user")]
        verbose_name = _("support")
        verbose_name_plural = _("supports")

    def __str__(self) -> str:
        return f"{self.user} supports {self.idea}"


class MergeRecord(models.Model):
    """A merge of one idea into another, with what moved, so it can be undone."""

    source = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="merges_out")
    target = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="merges_in")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=SHORT_TEXT)
    created_at = models.DateTimeField(auto_now_add=True)
    moved_support_user_ids = models.JSONField(default=list)
    moved_comment_ids = models.JSONField(default=list)
    added_coauthor_user_ids = models.JSONField(default=list)
    previous_status = models.CharField(max_length=14, blank=True)
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self) -> str:
        return f"{self.source} -> {self.target}"
