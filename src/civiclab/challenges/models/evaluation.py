"""Scorecards, evaluator assignments, scores and pairwise comparisons."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from civiclab.core.limits import SHORT_TEXT, TEXT

from .challenge import Challenge
from .idea import Idea


class Scorecard(models.Model):
    challenge = models.OneToOneField(Challenge, on_delete=models.CASCADE, related_name="scorecard")
    blind = models.BooleanField(
        _("blind review"), default=True, help_text=_("Hide authors from evaluators.")
    )
    evaluators_per_idea = models.PositiveSmallIntegerField(
        _("evaluators per idea"), default=3, validators=[MinValueValidator(1)]
    )
    guidance = models.TextField(_("guidance for evaluators"), max_length=TEXT, blank=True)
    pairwise_enabled = models.BooleanField(
        _("pairwise comparison open to participants"), default=False
    )
    evaluators_anonymous = models.BooleanField(
        _("evaluators anonymous to decision makers"),
        default=False,
        help_text=_(
            "Show evaluators' scores and comments to those who decide as 'Evaluator 1', "
            "'Evaluator 2' and so on, without their names."
        ),
    )

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")

    def __str__(self) -> str:
        return f"{self.challenge} scorecard"

    @property
    def organisation(self):
        return self.challenge.organisation


class Criterion(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=120)
    guidance = models.TextField(_("guidance"), max_length=SHORT_TEXT, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
    )
    scale_min = models.SmallIntegerField(_("lowest score"), default=1)
    scale_max = models.SmallIntegerField(_("highest score"), default=5)
    lower_is_better = models.BooleanField(
        _("lower is better"), default=False, help_text=_("For example cost or risk.")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale_max__gt=models.F("scale_min")),
                name="criterion_scale_order",
            ),
        ]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.name


class EvaluatorAssignment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="assignments")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evaluation_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "evaluator"], name="assignment_unique"),
        ]
        indexes = [models.Index(fields=["evaluator", "created_at"], name="assignment_evaluator")]
        verbose_name = _("evaluator assignment")
        verbose_name_plural = _("evaluator assignments")

    def __str__(self) -> str:
        return f"{self.evaluator} evaluates {self.idea}"


class Evaluation(models.Model):
    """One evaluator's scores for one idea."""

    assignment = models.OneToOneField(
        EvaluatorAssignment, on_delete=models.CASCADE, related_name="evaluation"
    )
    comment = models.TextField(_("overall comment"), max_length=TEXT, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return str(self.assignment)


class Score(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.SmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), max_length=SHORT_TEXT, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion"], name="score_unique"),
        ]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class PairwiseComparison(models.Model):
    """A participant's choice between two ideas; ranked with a Bradley-Terry model."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="pairwise_comparisons"
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pairwise_comparisons"
    )
    winner = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+")
    loser = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+")
    is_tie = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(winner=models.F("loser")), name="pairwise_distinct_ideas"
            ),
        ]
        indexes = [models.Index(fields=["challenge", "voter"], name="pairwise_voter")]
        verbose_name = _("pairwise comparison")
        verbose_name_plural = _("pairwise comparisons")

    def __str__(self) -> str:
        return f"{self.winner} over {self.loser}"
