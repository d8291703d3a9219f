from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors


class EntryFilterForm(forms.Form):
    """Filters of the public ledger list; every field is optional."""

    organisation = forms.TypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None
    )
    kind = forms.ChoiceField(label=_("Kind of record"), required=False)
    since = forms.DateField(
        label=_("Recorded from"),
        required=False,
        help_text=_("For example, 2026-03-27"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=_("Recorded until"),
        required=False,
        help_text=_("For example, 2026-04-30"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        kind = self.fields["kind"]
        assert isinstance(organisation, forms.ChoiceField) and isinstance(kind, forms.ChoiceField)
        organisation.choices = [("", _("All organisations"))] + [
            (str(pk), label) for pk, label in selectors.entry_organisations()
        ]
        kind.choices = [("", _("All kinds"))] + [(k, k) for k in selectors.entry_kinds()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date must be on or after the start date."))
        return data
