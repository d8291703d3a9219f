"""Forms for comments, reports and moderation decisions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from civiclab.discussion.models import FlagReason
from civiclab.discussion.services.comments import COMMENT_MAX_LENGTH
from civiclab.discussion.services.moderation import HIDE_REASON_MAX_LENGTH, NOTE_MAX_LENGTH


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        help_text=_("Plain text. Be kind and stay on the subject; links are allowed."),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter your comment.")},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CommentEditForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Enter your comment.")},
    )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you reporting this?"),
        choices=FlagReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why you are reporting this.")},
    )
    note = forms.CharField(
        label=_("More detail (optional)"),
        help_text=_("Tell the moderators what is wrong. Do not repeat personal information."),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ModerationForm(forms.Form):
    """The reason for hiding or restoring; shown publicly for a hide."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=HIDE_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason; it is shown with the decision.")},
    )

    def __init__(self, *args, reason_required: bool = True, hint: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        if hint:
            self.fields["reason"].help_text = hint
