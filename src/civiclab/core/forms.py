"""The design system's form renderer: `{{ form }}` renders GOV.UK-style fields.

Each field gets a label (marked "(optional)" when not required), its help text as a hint, inline
error messages with a visually hidden "Error:" prefix, and a widget that carries a CSS class of
the design system, `aria-invalid` and `aria-describedby` (hint and error ids) when in error.
Radios and multiple checkboxes are grouped in a fieldset with a legend.
"""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.forms.utils import ErrorList
from django.forms.widgets import Widget
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from civiclab.core.limits import too_long_message

# The design-system class each kind of widget gets (keyed by BoundField.widget_type).
WIDGET_CLASSES = {
    "textarea": "textarea",
    "select": "select",
    "selectmultiple": "select",
    "nullbooleanselect": "select",
    "checkbox": "checkbox__input",
    "checkboxselectmultiple": "choices__input",
    "radioselect": "choices__input",
    "clearablefile": "file-upload",
    "file": "file-upload",
}

CHOICE_WIDGETS = {
    "select",
    "selectmultiple",
    "nullbooleanselect",
    "radioselect",
    "checkboxselectmultiple",
}
GENERIC_REQUIRED = forms.Field.default_error_messages["required"]


def _label_in_sentence(label: str) -> str:
    """'Who can take part?' -> 'who can take part'; acronyms such as 'KPI name' stay as they are."""
    label = str(label).strip().rstrip("?:").strip()
    first_word = label.split(" ", 1)[0]
    if len(first_word) > 1 and first_word.isupper():
        return label
    return label[:1].lower() + label[1:]


class CivicBoundField(BoundField):
    """Adds the design system's widget class and says what is missing instead of "This field
    is required." (and how long text may be, in the house words of `core.limits`), so the error
    summary lists errors a person can act on.
    """

    @property
    def errors(self) -> ErrorList:
        # Rewritten in place on every read (idempotent), so errors added later still show.
        errors = super().errors
        for index, error in enumerate(errors.data):
            if (
                isinstance(error, ValidationError)
                and error.code == "required"
                and str(error.message) == str(GENERIC_REQUIRED)
                and self.label
            ):
                errors.data[index] = ValidationError(self.required_message(), code="required")
            elif (
                isinstance(error, ValidationError)
                and error.code == "max_length"
                and "show_value" in (params := error.params or {})
            ):
                # Django's "Ensure this value has at most ..." becomes the house message.
                message = too_long_message(limit=params["limit_value"], length=params["show_value"])
                errors.data[index] = ValidationError(message, code="max_length")
        return errors

    def required_message(self) -> str:
        if self.widget_type == "checkbox":
            return gettext("Select “%(label)s” to continue") % {"label": self.label}
        label = _label_in_sentence(str(self.label))
        if self.widget_type in CHOICE_WIDGETS:
            return gettext("Select %(label)s") % {"label": label}
        if self.widget_type in ("file", "clearablefile"):
            return gettext("Choose a file for %(label)s") % {"label": label}
        return gettext("Enter %(label)s") % {"label": label}

    def build_widget_attrs(
        self, attrs: dict[str, Any], widget: Widget | None = None
    ) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        # The server validates and the error summary explains; the browser's own pop-ups would
        # pre-empt both (and differ between browsers), so no `required` even without novalidate.
        # Optional fields say "(optional)" in their label instead.
        attrs.pop("required", None)
        widget = widget or self.field.widget
        if widget.is_hidden:
            return attrs
        base = WIDGET_CLASSES.get(self.widget_type, "input")
        classes = [base]
        if self.errors:
            classes.append(f"{base}--error")
        # Classes set on the widget (e.g. width modifiers) are kept: our attrs would replace them.
        for extra in (widget.attrs.get("class", ""), attrs.get("class", "")):
            if isinstance(extra, str):
                classes.extend(c for c in extra.split() if c not in classes)
        attrs["class"] = " ".join(classes)
        return attrs


class CivicFormRenderer(DjangoTemplates):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
    bound_field_class = CivicBoundField


class ShowcaseForm(forms.Form):
    """A form with one of each kind of field, for the design-system page."""

    full_name = forms.CharField(label=_("Full name"), max_length=100)
    email = forms.EmailField(
        label=_("E-mail address"), help_text=_("We only use this to send you updates.")
    )
    summary = forms.CharField(
        label=_("Describe the problem"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say who is affected and how often it happens."),
        required=False,
    )
    audience = forms.ChoiceField(
        label=_("Who can take part?"),
        choices=[("staff", _("Staff only")), ("public", _("Everyone"))],
        widget=forms.RadioSelect,
    )
    sector = forms.ChoiceField(
        label=_("Sector"),
        choices=[("", _("Choose a sector")), ("health", _("Health")), ("mobility", _("Mobility"))],
    )
    channels = forms.MultipleChoiceField(
        label=_("How should we contact you?"),
        choices=[("email", _("E-mail")), ("letter", _("Letter")), ("phone", _("Phone"))],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Select all that apply."),
    )
    agree = forms.BooleanField(label=_("I agree to the terms of participation"))


class SiteSearchForm(forms.Form):
    """The site search: words, and optionally which kinds of thing to look among."""

    q = forms.CharField(
        label=_("Search for"),
        max_length=200,
        error_messages={"required": _("Enter the words to search for.")},
    )
    kind = forms.MultipleChoiceField(
        label=_("Look among"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, kinds: Sequence[tuple[str, Any]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(kinds)  # type: ignore[attr-defined]
