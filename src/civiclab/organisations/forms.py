"""Forms of the organisation pages."""

import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from civiclab.core.audit import action_label

from .models import Cofog, Level, Organisation, Role, Sector
from .services import PROFILE_FIELDS


class OrganisationFilterForm(forms.Form):
    """Filters of the public list; every field optional, unknown values are reported."""

    country = forms.ChoiceField(label=_("Country"), required=False)
    level = forms.ChoiceField(
        label=_("Level of government"),
        required=False,
        choices=[("", _("Any level")), *Level.choices],
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("Any sector")), *Cofog.choices]
    )

    def __init__(self, *args, country_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Any country"))] + [
            (code, countries.name(code)) for code in country_codes
        ]


class OrganisationProfileForm(forms.ModelForm):
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"),
        help_text=_("The divisions of government (COFOG) the organisation works in."),
        choices=Cofog.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Times on the organisation's pages are shown in this time zone."),
        choices=[],
    )

    class Meta:
        model = Organisation
        fields = PROFILE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [
            (name, name) for name in sorted(zoneinfo.available_timezones())
        ]
        if self.instance.pk:
            self.initial["sectors"] = [sector.code for sector in self.instance.sectors.all()]

    def clean_sectors(self) -> list[str]:
        codes = self.cleaned_data["sectors"]
        # The sector table is seeded by a migration; keep only codes that exist.
        return list(Sector.objects.filter(code__in=codes).values_list("code", flat=True))


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Roles"))
        kwargs.setdefault("choices", Role.choices)
        super().__init__(**kwargs)


class MemberRolesForm(forms.Form):
    roles = RolesField(
        required=False,
        help_text=_("Untick every role to remove the person from the organisation."),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We will send an invitation link to this address. It works for 14 days."),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter the e-mail address to send the invitation to."),
            "invalid": _("Enter an e-mail address in the correct format, like name@example.org."),
        },
    )
    roles = RolesField(
        help_text=_("Choose every role the person will hold."),
        error_messages={"required": _("Choose at least one role.")},
    )


class SwitchOrganisationForm(forms.Form):
    organisation = forms.IntegerField(widget=forms.HiddenInput)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.TypedChoiceField(label=_("Who"), required=False, coerce=int, empty_value=None)
    since = forms.DateField(
        label=_("From"),
        required=False,
        help_text=_("For example, 2026-03-27"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=_("To"),
        required=False,
        help_text=_("Including this day"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, actions=(), actors=(), **kwargs):
        super().__init__(*args, **kwargs)
        # People choose by what happened; the query keeps the stored code.
        labelled = sorted(
            ((action, action_label(action)) for action in actions),
            key=lambda choice: choice[1].casefold(),
        )
        self.fields["action"].choices = [("", _("Any action")), *labelled]
        self.fields["actor"].choices = [("", _("Anyone"))] + [
            (str(user.pk), str(user)) for user in actors
        ]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date must be the same as or after the start date."))
        return cleaned
