"""Forms of the idea pages: the proposal itself, its status, and co-author invitations."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from civiclab.core.limits import LONG_TEXT, TEXT

from ..models import IdeaStatus, InnovationType, Tag
from ..services import attachments as attachment_service


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the attachment rules (type, size)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [f for f in files if f]
        errors = []
        for upload in files:
            super().clean(upload, initial)
            try:
                attachment_service.validate_upload(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return files


def _attachments_hint() -> str:
    return _(
        "Up to %(count)s files: %(types)s, each smaller than %(size)s MB. "
        "Anyone who can read the idea can download them."
    ) % {
        "count": attachment_service.MAX_FILES_PER_IDEA,
        "types": attachment_service.allowed_types_text(),
        "size": attachment_service.max_bytes() // (1024 * 1024),
    }


class IdeaForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=150,
        help_text=_("A short name for your idea, as you would say it to a neighbour."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences: what would change, and for whom."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "How would it work? You can use Markdown: # heading, **bold**, - list, [link](url)."
        ),
    )
    expected_benefits = forms.CharField(
        label=_("Expected benefits"),
        max_length=TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    beneficiaries = forms.CharField(label=_("Who benefits"), max_length=300, required=False)
    innovation_types = forms.MultipleChoiceField(
        label=_("Type of innovation"),
        choices=InnovationType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Select all that apply."),
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"),
        queryset=Tag.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    location_name = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("A street, neighbourhood or building, if the idea is about one place."),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        decimal_places=6,
        help_text=_("For a map, in decimal degrees, for example 52.370216."),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        decimal_places=6,
        help_text=_("In decimal degrees, for example 4.895168."),
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, organisation, existing_attachments=None, similar_url="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = Tag.objects.filter(organisation=organisation).order_by(
            "name"
        )
        if not self.fields["tags"].queryset.exists():
            del self.fields["tags"]
        self.fields["attachments"].help_text = _attachments_hint()
        self.existing_attachments = list(existing_attachments or [])
        if self.existing_attachments:
            self.fields["remove_attachments"] = forms.MultipleChoiceField(
                label=_("Remove attachments"),
                choices=[(str(a.pk), a.original_name) for a in self.existing_attachments],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
            # Keep the new uploads after the list of current files.
            self.order_fields([name for name in self.fields if name != "attachments"])
        if similar_url:
            for name in ("title", "summary"):
                self.fields[name].widget.attrs.update(
                    {
                        "hx-get": similar_url,
                        "hx-trigger": "keyup changed delay:400ms",
                        "hx-target": "#similar-ideas",
                        "hx-include": "#id_title, #id_summary",
                        "hx-sync": "closest form:replace",
                        "data-similar-query": "true",
                    }
                )

    def clean(self):
        data = super().clean()
        if data.get("latitude") is None and data.get("longitude") is not None:
            self.add_error("latitude", _("Give the latitude too, or leave both empty."))
        if data.get("longitude") is None and data.get("latitude") is not None:
            self.add_error("longitude", _("Give the longitude too, or leave both empty."))
        removing = len(data.get("remove_attachments") or [])
        adding = len(data.get("attachments") or [])
        try:
            attachment_service.validate_count(
                existing=len(self.existing_attachments) - removing, adding=adding
            )
        except ValidationError as error:
            self.add_error("attachments", error)
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            name: data.get(name)
            for name in (
                "title",
                "summary",
                "description",
                "expected_benefits",
                "beneficiaries",
                "innovation_types",
                "location_name",
                "latitude",
                "longitude",
            )
        }
        if "tags" in self.fields:
            fields["tags"] = list(data.get("tags") or [])
        return fields

    def similarity_text(self) -> str:
        data = self.cleaned_data
        return f"{data.get('title', '')}\n{data.get('summary', '')}"


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Shown publicly on the idea's page and sent to its authors and followers. "
            "Say what was decided and why."
        ),
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(IdeaStatus.choices)
        self.fields["status"].choices = [(value, labels[value]) for value in targets]


class CoAuthorInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the person to invite"),
        help_text=_(
            "They need a civiclab account and must be able to take part in this challenge. "
            "They can accept or decline."
        ),
    )
