"""Forms of the evaluation pages: scorecard, criteria, assignments, scoring, decisions and
pairwise comparison."""

from django import forms
from django.utils.translation import gettext_lazy as _

from civiclab.challenges.models import Criterion, Scorecard
from civiclab.core.limits import SHORT_TEXT, TEXT


class ScorecardForm(forms.ModelForm):
    class Meta:
        model = Scorecard
        fields = [
            "guidance",
            "evaluators_per_idea",
            "blind",
            "evaluators_anonymous",
            "pairwise_enabled",
        ]
        labels = {
            "guidance": _("Guidance for evaluators"),
            "evaluators_per_idea": _("Evaluators per idea"),
            "blind": _("Blind review: hide who wrote each idea from the evaluators"),
            "evaluators_anonymous": _(
                "Anonymous evaluators: show their scores and comments to innovation leads and "
                "decision makers without their names"
            ),
            "pairwise_enabled": _(
                "Invite participants to compare ideas two at a time during the review phase"
            ),
        }
        help_texts = {
            "guidance": _("Shown at the top of every scoring page. You can use plain text."),
            "evaluators_per_idea": _("Used when evaluators are assigned automatically."),
        }
        widgets = {"guidance": forms.Textarea(attrs={"rows": 5})}


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = [
            "name",
            "guidance",
            "weight",
            "scale_min",
            "scale_max",
            "lower_is_better",
            "position",
        ]
        labels = {
            "name": _("Criterion"),
            "guidance": _("Guidance"),
            "weight": _("Weight"),
            "scale_min": _("Lowest score"),
            "scale_max": _("Highest score"),
            "lower_is_better": _("Lower is better (for example cost or risk)"),
            "position": _("Position"),
        }
        help_texts = {
            "guidance": _("What evaluators should look for, and what a low and a high score mean."),
            "weight": _(
                "How much this criterion counts compared with the others, for example 1 or 2."
            ),
            "scale_min": _("For example 1."),
            "scale_max": _("For example 5."),
            "position": _("Criteria are shown in this order, lowest first."),
        }
        widgets = {"guidance": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty, a new criterion goes last and a changed one keeps its place.
        self.fields["position"].required = False

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("scale_min"), cleaned.get("scale_max")
        if low is not None and high is not None:
            if high <= low:
                self.add_error("scale_max", _("The highest score must be above the lowest score."))
            elif high - low > 100:
                self.add_error("scale_max", _("A scale can have at most 101 points."))
        return cleaned

    def validate_constraints(self, exclude=None):
        # The scale order is reported on the field by clean(); no second, general message.
        return None


class EvaluatorsForm(forms.Form):
    evaluators = forms.ModelMultipleChoiceField(
        label=_("Evaluators"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "People with the evaluator role in the organisation. Authors and co-authors of the "
            "idea are not listed: nobody scores their own idea."
        ),
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["evaluators"]
        field.queryset = queryset
        field.label_from_instance = lambda user: user.display_name or str(user)


class ScoreField(forms.TypedChoiceField):
    """Needed to submit, so not labelled optional; a draft may leave it empty (the service
    checks completeness on submission)."""

    def validate(self, value):
        if value in self.empty_values:
            return
        super().validate(value)


SUBMIT = "submit"
DRAFT = "draft"


class EvaluationForm(forms.Form):
    """One radio group and one comment per criterion, then an overall comment."""

    comment = forms.CharField(
        label=_("Overall comment"),
        max_length=TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What should the decision makers know about this idea?"),
    )
    action = forms.ChoiceField(
        choices=[(DRAFT, _("Save draft")), (SUBMIT, _("Submit"))],
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        overall = self.fields.pop("comment")
        action = self.fields.pop("action")
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = _score_field(criterion)
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on “%(name)s”") % {"name": criterion.name},
                max_length=SHORT_TEXT,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["comment"] = overall
        self.fields["action"] = action

    @property
    def submitting(self) -> bool:
        return self.data.get("action") == SUBMIT

    def criterion_fields(self):
        return [
            (criterion, self[f"score_{criterion.pk}"], self[f"comment_{criterion.pk}"])
            for criterion in self.criteria
        ]


class WideScoreField(forms.IntegerField):
    """A score on a scale too wide for one radio button per point; may be left empty in a
    draft, like `ScoreField`."""

    def validate(self, value):
        if value in self.empty_values:
            return
        super().validate(value)


# Up to this many points a scale is a row of radio buttons; wider ones take a number.
RADIO_POINTS = 11


def _score_field(criterion: Criterion) -> forms.Field:
    hint = _criterion_hint(criterion)
    if criterion.scale_max - criterion.scale_min + 1 > RADIO_POINTS:
        off_scale = _("Enter a whole number from %(low)s to %(high)s for “%(name)s”.") % {
            "low": criterion.scale_min,
            "high": criterion.scale_max,
            "name": criterion.name,
        }
        return WideScoreField(
            error_messages={"invalid": off_scale, "min_value": off_scale, "max_value": off_scale},
            label=criterion.name,
            min_value=criterion.scale_min,
            max_value=criterion.scale_max,
            help_text=_("A whole number from %(low)s to %(high)s. %(hint)s")
            % {"low": criterion.scale_min, "high": criterion.scale_max, "hint": hint},
            widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--width-4"}),
        )
    return ScoreField(
        label=criterion.name,
        choices=_scale_choices(criterion),
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        help_text=hint,
    )


def _scale_choices(criterion: Criterion) -> list[tuple[int, str]]:
    return [(value, str(value)) for value in range(criterion.scale_min, criterion.scale_max + 1)]


def _criterion_hint(criterion: Criterion) -> str:
    """The guidance, then which end of the scale is best, so the labels can stay plain."""
    best, worst = criterion.scale_max, criterion.scale_min
    if criterion.lower_is_better:
        best, worst = worst, best
    direction = _("%(best)s is best and %(worst)s is worst.") % {"best": best, "worst": worst}
    if criterion.lower_is_better:
        direction = _("Lower is better here: %(direction)s") % {"direction": direction}
    return " ".join(part for part in (criterion.guidance, str(direction)) if part)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=SHORT_TEXT,
        help_text=_("The reason is public: the authors, followers and everyone can read it."),
    )


class PairwiseForm(forms.Form):
    first = forms.IntegerField(widget=forms.HiddenInput)
    second = forms.IntegerField(widget=forms.HiddenInput)
    pair_token = forms.CharField(widget=forms.HiddenInput, max_length=500)
    choice = forms.ChoiceField(
        choices=[("first", "first"), ("second", "second"), ("tie", "tie")],
        error_messages={"required": _("Choose one of the two ideas, or “I can't decide”.")},
    )
