"""Forms for merges (comments, reports and moderation decisions: `discussion.forms`)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class MergeSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by title"), required=False, max_length=150)


class MergeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are these ideas one?"),
        help_text=_("The authors of both ideas will read this, and it is shown on the idea."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say why these ideas are one; authors will read it.")},
    )


class UnmergeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why undo this merge?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the merge is undone.")},
    )
