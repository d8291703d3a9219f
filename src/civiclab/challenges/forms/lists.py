"""The filter form above idea lists: a GET form that works without JavaScript."""

import threading
from collections import OrderedDict

from django import forms
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..models import IdeaStatus, InnovationType, PhaseKind, Tag
from ..selectors.lists import (
    SORT_NEWEST,
    SORT_RELEVANCE,
    SORT_SCORE,
    SORT_SUPPORTED,
    SORT_TRENDING,
    IdeaFilters,
)

SORT_LABELS = {
    SORT_RELEVANCE: _("Best match"),
    SORT_NEWEST: _("Newest"),
    SORT_SUPPORTED: _("Most supported"),
    SORT_TRENDING: _("Trending"),
    SORT_SCORE: _("Evaluation score"),
}


class IdeaFilterForm(forms.Form):
    """Every field is optional; an empty form lists everything, newest first."""

    q = forms.CharField(
        label=_("Search ideas"),
        required=False,
        max_length=200,
        help_text=_("Words from the title, summary or description"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    innovation_type = forms.ChoiceField(label=_("Type of innovation"), required=False)
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    phase = forms.ChoiceField(label=_("Challenge phase"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False)

    def __init__(
        self, *args, tags: list[Tag], sees_scores: bool, with_phase: bool = False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self._choices("status", _("Any status"), IdeaStatus.choices)
        self._choices("innovation_type", _("Any type"), InnovationType.choices)
        self._choices("tag", _("Any tag"), [(tag.slug, tag.name) for tag in tags])
        self._choices("phase", _("Any phase"), PhaseKind.choices)
        sorts = [SORT_NEWEST, SORT_SUPPORTED, SORT_TRENDING]
        if sees_scores:
            sorts.append(SORT_SCORE)
        # The empty choice reads as what it does: relevance for a search, newest otherwise.
        self._choices(
            "sort",
            _("Best match when searching, otherwise newest"),
            [(value, SORT_LABELS[value]) for value in sorts],
        )
        if not with_phase:
            del self.fields["phase"]

    def _choices(self, name: str, any_label, choices) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", any_label), *choices]

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data.get("q", "").split())

    def filters(self) -> IdeaFilters:
        """The filters to apply: the valid fields (an invalid one is simply ignored)."""
        data = getattr(self, "cleaned_data", {}) if self.is_bound else {}
        return IdeaFilters(
            status=data.get("status", ""),
            innovation_type=data.get("innovation_type", ""),
            tag=data.get("tag", ""),
            phase=data.get("phase", ""),
            q=data.get("q", ""),
            sort=data.get("sort", ""),
        )


# Rendering the form through the design system's field templates costs more than reading a
# page of ideas (every <option> is a template). A valid form's HTML depends only on the
# language, the choices and the submitted values, so it is kept in a small per-process cache.
_RENDERED_LIMIT = 256
_rendered: OrderedDict[tuple, SafeString] = OrderedDict()
_rendered_lock = threading.Lock()


def _render_key(form: IdeaFilterForm) -> tuple:
    parts: list[tuple] = [(get_language(),)]
    for name, field in form.fields.items():
        choices = getattr(field, "choices", None)
        signature = tuple((value, str(label)) for value, label in choices) if choices else ()
        value = form.data.get(name, "") if form.is_bound else ""
        parts.append((name, value, signature))
    return tuple(parts)


def rendered_filter_form(form: IdeaFilterForm) -> SafeString:
    """The form's HTML, from the cache when the same form was rendered before without errors."""
    if form.is_bound and form.errors:
        return SafeString(form.render())
    key = _render_key(form)
    with _rendered_lock:
        html = _rendered.get(key)
        if html is not None:
            _rendered.move_to_end(key)
            return html
    html = SafeString(form.render())
    with _rendered_lock:
        _rendered[key] = html
        while len(_rendered) > _RENDERED_LIMIT:
            _rendered.popitem(last=False)
    return html
