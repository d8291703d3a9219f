"""The design system: form rendering, error summary, pagination, status tags, CSP-safe markup."""

import re

import pytest
from django import forms
from django.core.paginator import Paginator
from django.template import Context, RequestContext, Template
from django.test import RequestFactory

from civiclab.core.forms import CivicFormRenderer
from civiclab.core.models import JobProgress
from civiclab.core.templatetags.civiclab import status_colour


class ProposalForm(forms.Form):
    title = forms.CharField(label="Title", help_text="Keep it short.")
    summary = forms.CharField(label="Summary", widget=forms.Textarea, required=False)
    audience = forms.ChoiceField(
        label="Who can take part?",
        choices=[("staff", "Staff"), ("public", "Everyone")],
        widget=forms.RadioSelect,
    )
    agree = forms.BooleanField(label="I agree")


def render(source: str, request=None, **context) -> str:
    template = Template("{% load civiclab %}" + source)
    if request is not None:
        return template.render(RequestContext(request, context))
    return template.render(Context(context))


def test_the_project_renders_forms_with_the_design_system_renderer():
    assert isinstance(ProposalForm().renderer, CivicFormRenderer)


def test_a_field_has_a_label_a_linked_hint_and_a_design_system_class():
    html = str(ProposalForm())
    assert '<label class="label" for="id_title">Title</label>' in html
    assert '<div class="hint" id="id_title_helptext">Keep it short.</div>' in html
    assert re.search(r'<input[^>]*aria-describedby="id_title_helptext"[^>]*class="input"', html)
    assert "aria-invalid" not in html


def test_optional_fields_say_so_in_their_label():
    html = str(ProposalForm())
    assert re.search(r'for="id_summary">Summary <span class="optional">\(optional\)</span>', html)
    assert not re.search(r'for="id_title">Title <span class="optional">', html)


def test_an_invalid_field_shows_an_inline_error_with_a_hidden_prefix_and_is_marked_invalid():
    form = ProposalForm(data={"title": ""})
    html = str(form)
    assert '<div class="form-group form-group--error">' in html
    assert (
        '<p class="error-message" id="id_title_error">'
        '<span class="visually-hidden">Error:</span> Enter title</p>'
    ) in html
    title_input = re.search(r'<input[^>]*name="title"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in title_input
    assert 'aria-describedby="id_title_helptext id_title_error"' in title_input
    assert 'class="input input--error"' in title_input


def test_radios_are_a_fieldset_with_a_legend_described_by_its_error():
    html = str(ProposalForm(data={}))
    assert '<fieldset class="fieldset" aria-describedby="id_audience_error">' in html
    assert '<legend class="fieldset__legend">Who can take part?</legend>' in html
    assert '<label class="choices__label" for="id_audience_0">Staff</label>' in html
    assert re.search(r'<input type="radio"[^>]*class="choices__input choices__input--error"', html)


def test_a_single_checkbox_puts_its_label_after_the_box():
    html = str(ProposalForm())
    assert re.search(
        r'<input type="checkbox" name="agree"[^>]*class="checkbox__input"[^>]*>\s*'
        r'<label class="checkbox__label" for="id_agree">I agree</label>',
        html,
    )


def test_a_missing_answer_says_what_to_enter_or_select():
    form = ProposalForm(data={})
    assert form["title"].errors == ["Enter title"]
    assert form["audience"].errors == ["Select who can take part"]
    assert form["agree"].errors == ["Select “I agree” to continue"]


def test_specific_required_messages_and_errors_added_later_are_kept():
    class CodeForm(forms.Form):
        code = forms.CharField(label="KPI code", error_messages={"required": "Enter the code"})
        note = forms.CharField(label="Note", required=False)

    form = CodeForm(data={})
    assert not form.is_valid()
    assert form["code"].errors == ["Enter the code"]
    assert form["note"].errors == []
    form.add_error("note", "That note is too vague")
    assert form["note"].errors == ["That note is too vague"]
    assert "That note is too vague" in str(form)


def test_acronyms_keep_their_capitals_in_required_messages():
    class KpiForm(forms.Form):
        kpi = forms.CharField(label="KPI name")

    assert KpiForm(data={})["kpi"].errors == ["Enter KPI name"]


def test_hyphenated_labels_are_lowercased_in_required_messages():
    class EmailForm(forms.Form):
        email = forms.EmailField(label="E-mail address")

    assert EmailForm(data={})["email"].errors == ["Enter e-mail address"]


def test_the_browser_does_not_validate_before_the_server_does():
    assert " required" not in str(ProposalForm())


def test_classes_set_on_a_widget_are_kept():
    class WidthForm(forms.Form):
        code = forms.CharField(widget=forms.TextInput(attrs={"class": "input--width-10"}))

    assert 'class="input input--width-10"' in str(WidthForm())


def test_the_error_summary_links_each_error_to_its_field():
    form = ProposalForm(data={"title": ""})
    html = render('{% include "core/partials/error_summary.html" %}', form=form)
    assert 'role="alert"' in html
    assert "There is a problem" in html
    assert '<a href="#id_title">Enter title</a>' in html
    # A group of radios is reached through its first option.
    assert '<a href="#id_audience_0">' in html


def test_the_error_summary_is_absent_for_a_valid_or_unbound_form():
    assert "error-summary" not in render(
        '{% include "core/partials/error_summary.html" %}', form=ProposalForm()
    )


def test_the_title_gets_an_error_prefix_only_when_the_form_has_errors():
    assert render("{% error_prefix form %}Apply", form=ProposalForm(data={})) == "Error: Apply"
    assert render("{% error_prefix form %}Apply", form=ProposalForm()) == "Apply"


@pytest.mark.parametrize(
    ("status", "colour"),
    [
        ("draft", "grey"),
        ("submitted", "blue"),
        ("selected", "green"),
        ("on_hold", "yellow"),
        ("pivot", "orange"),
        ("rejected", "red"),
        ("pilot", "purple"),
        ("something-new", "grey"),
        (JobProgress.State.DONE, "green"),
        (JobProgress.State.FAILED, "red"),
    ],
)
def test_status_values_map_to_tag_colours(status, colour):
    assert status_colour(status) == colour


def test_the_status_tag_uses_the_choice_label_and_allows_an_override():
    assert (
        render("{% status_tag state %}", state=JobProgress.State.RUNNING)
        == '<strong class="tag tag--blue">Running</strong>'
    )
    assert (
        render('{% status_tag "x" "Custom" "purple" %}')
        == '<strong class="tag tag--purple">Custom</strong>'
    )


def test_pagination_keeps_other_query_parameters():
    request = RequestFactory().get("/ideas/", {"q": "bike lanes", "status": "open", "page": 5})
    page_obj = Paginator(range(200), 10).get_page(5)
    html = render(
        '{% include "core/partials/pagination.html" %}', request=request, page_obj=page_obj
    )
    assert 'aria-label="Pagination"' in html
    assert 'href="?q=bike+lanes&amp;status=open&amp;page=4" rel="prev"' in html
    assert 'href="?q=bike+lanes&amp;status=open&amp;page=6" rel="next"' in html
    assert 'aria-current="page"' in html
    assert "&hellip;" in html  # pages far from the current one are elided
    assert "?q=bike+lanes&amp;status=open&amp;page=20" in html  # the last page stays reachable


def test_pagination_is_hidden_when_there_is_one_page():
    request = RequestFactory().get("/ideas/")
    page_obj = Paginator(range(5), 10).get_page(1)
    html = render(
        '{% include "core/partials/pagination.html" %}', request=request, page_obj=page_obj
    )
    assert html.strip() == ""


def test_the_empty_state_shows_its_title_text_and_action():
    html = render(
        '{% include "core/partials/empty_state.html" with title="No ideas yet" '
        'text="Be the first." action_url="/new/" action_label="Submit an idea" %}'
    )
    assert '<h2 class="empty-state__title">No ideas yet</h2>' in html
    assert '<a class="button" href="/new/">Submit an idea</a>' in html


def test_the_breadcrumbs_tag_marks_the_current_page():
    html = render('{% breadcrumbs "Home" "/" "Ideas" %}')
    assert '<nav class="breadcrumbs" aria-label="Breadcrumb">' in html
    assert '<a class="breadcrumbs__link" href="/">Home</a>' in html
    assert '<li class="breadcrumbs__item" aria-current="page">Ideas</li>' in html
