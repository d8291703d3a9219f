"""Forms of the challenge pages: the challenge, its phases, invited people, filters, event.

Dates are entered in the organisation's time zone: the views activate it, and Django reads
naive form input in the active time zone.
"""

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from civiclab.core.limits import LONG_TEXT, TEXT
from civiclab.organisations.models import Cofog

from ..models import Audience, EventKind, InnovationType, PhaseKind
from ..services.challenges import PhaseDates, parse_tag_names

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


def datetime_field(label, *, required=True, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateTimeInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )


class ChallengeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        help_text=_("One or two sentences shown in lists."),
    )
    problem_statement = forms.CharField(
        label=_("Problem statement"),
        max_length=LONG_TEXT,
        widget=forms.Textarea,
        help_text=_(
            "What is the problem, who has it, and why does it matter now? You can use Markdown: "
            "# heading, **bold**, - list, [link](url)."
        ),
    )
    goals = forms.CharField(
        label=_("Goals and success measures"),
        max_length=TEXT,
        widget=forms.Textarea,
        required=False,
        help_text=_(
            "What would success look like, and how will you measure it? You can use Markdown."
        ),
    )
    needs = forms.CharField(
        label=_("Needs and constraints"),
        max_length=TEXT,
        widget=forms.Textarea,
        required=False,
        help_text=_(
            "Budget, legal limits, systems and anything ideas must respect. You can use Markdown."
        ),
    )
    sponsor = forms.ModelChoiceField(
        label=_("Sponsor"),
        queryset=None,
        required=False,
        empty_label=_("No sponsor yet"),
        help_text=_("The decision maker who owns the challenge and decides on its ideas."),
    )
    audience = forms.ChoiceField(
        label=_("Who can take part?"), choices=Audience.choices, widget=forms.RadioSelect
    )
    innovation_types = forms.MultipleChoiceField(
        label=_("Innovation types sought"),
        choices=InnovationType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=600,
        help_text=_("Separate tags with commas. New tags are added to the organisation's list."),
    )

    def __init__(self, *args, sponsors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].queryset = sponsors
        self.fields["sponsor"].label_from_instance = lambda user: user.display_name or user.email

    def clean_tags(self) -> list[str]:
        return parse_tag_names(self.cleaned_data.get("tags", ""))

    @staticmethod
    def initial_for(challenge) -> dict:
        return {
            "title": challenge.title,
            "summary": challenge.summary,
            "problem_statement": challenge.problem_statement,
            "goals": challenge.goals,
            "needs": challenge.needs,
            "sponsor": challenge.sponsor_id,
            "audience": challenge.audience,
            "innovation_types": challenge.innovation_types,
            "tags": ", ".join(tag.name for tag in challenge.tags.all()),
        }


WORKING_PHASES = (PhaseKind.SUBMISSION, PhaseKind.REVIEW, PhaseKind.SELECTION)


class PhasesForm(forms.Form):
    """Start and end of the submission, review and selection phases; closed follows them."""

    submission_starts = datetime_field(_("Submission opens"))
    submission_ends = datetime_field(_("Submission closes"))
    review_starts = datetime_field(_("Review starts"), required=False)
    review_ends = datetime_field(_("Review ends"), required=False)
    selection_starts = datetime_field(_("Selection starts"), required=False)
    selection_ends = datetime_field(
        _("Selection ends"),
        required=False,
        help_text=_("The challenge is closed after its last phase."),
    )

    def clean(self):
        cleaned = super().clean()
        for kind in (PhaseKind.REVIEW, PhaseKind.SELECTION):
            starts, ends = cleaned.get(f"{kind}_starts"), cleaned.get(f"{kind}_ends")
            if starts and not ends and f"{kind}_ends" not in self.errors:
                self.add_error(
                    f"{kind}_ends", _("Enter when this phase ends, or leave both empty.")
                )
            if ends and not starts and f"{kind}_starts" not in self.errors:
                self.add_error(
                    f"{kind}_starts", _("Enter when this phase starts, or leave both empty.")
                )
        return cleaned

    def phases(self) -> list:
        result = []
        for kind in WORKING_PHASES:
            starts = self.cleaned_data.get(f"{kind}_starts")
            if starts:
                result.append(PhaseDates(kind, starts, self.cleaned_data.get(f"{kind}_ends")))
        return result

    @staticmethod
    def initial_for(challenge) -> dict:
        initial = {}
        for phase in challenge.phases.all():
            initial[f"{phase.kind}_starts"] = phase.starts_at
            initial[f"{phase.kind}_ends"] = phase.ends_at
        return initial


class InvitedForm(forms.Form):
    emails = forms.CharField(
        label=_("Invited people"),
        widget=forms.Textarea,
        required=False,
        help_text=_(
            "One e-mail address per line. People take part once they are signed in with a "
            "confirmed account for their address, which they can create later; members of "
            "the organisation can always take part."
        ),
    )

    def clean_emails(self) -> list[str]:
        emails = [line.strip() for line in self.cleaned_data["emails"].splitlines()]
        emails = [email for email in emails if email]
        bad = []
        for email in emails:
            try:
                validate_email(email)
            except forms.ValidationError:
                bad.append(email)
        if bad:
            raise forms.ValidationError(
                _("These are not e-mail addresses: %(emails)s") % {"emails": ", ".join(bad)}
            )
        return emails


PHASE_FILTER_CHOICES = [
    ("", _("Any phase")),
    (PhaseKind.SUBMISSION, _("Open for ideas")),
    (PhaseKind.REVIEW, _("In review")),
    (PhaseKind.SELECTION, _("Selection")),
    (PhaseKind.CLOSED, _("Closed")),
]


class ChallengeFilterForm(forms.Form):
    phase = forms.ChoiceField(label=_("Phase"), choices=PHASE_FILTER_CHOICES, required=False)
    tag = forms.ChoiceField(label=_("Tag"), required=False)

    def __init__(self, *args, tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", _("Any tag"))] + [(t.slug, t.name) for t in tags]


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of event"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=TEXT, widget=forms.Textarea, required=False
    )
    starts_at = datetime_field(_("Starts"))
    ends_at = datetime_field(_("Ends"))
    place = forms.CharField(
        label=_("Place"),
        max_length=300,
        required=False,
        help_text=_("Address and room. Leave empty for an online-only event."),
    )
    online_url = forms.URLField(
        label=_("Online link"), required=False, assume_scheme="https", max_length=200
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        required=False,
        help_text=_("Leave empty for no limit. When it is full, people join a waiting list."),
    )
    registration_open = forms.BooleanField(
        label=_("Registration is open"), required=False, initial=True
    )

    @staticmethod
    def initial_for(event) -> dict:
        if event is None:
            return {"registration_open": True}
        return {name: getattr(event, name) for name in EventForm.base_fields}


class PlatformChallengeFilterForm(forms.Form):
    """Filters of the list of challenges across organisations."""

    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    phase = forms.ChoiceField(label=_("Phase"), choices=PHASE_FILTER_CHOICES, required=False)
    sector = forms.ChoiceField(label=_("Topic (sector of government)"), required=False)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        organisations = list(organisations)
        self.fields["organisation"].choices = [("", _("Any organisation"))] + [
            (o.slug, o.name) for o in organisations
        ]
        countries = sorted(
            {(o.country.code, o.country.name) for o in organisations}, key=lambda c: c[1]
        )
        self.fields["country"].choices = [("", _("Any country")), *countries]
        self.fields["sector"].choices = [("", _("Any topic")), *Cofog.choices]
