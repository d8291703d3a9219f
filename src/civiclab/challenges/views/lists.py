"""Views for idea lists, search, exports and similar-idea suggestions."""

from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from civiclab.core.templatetags.civiclab import status_tag
from civiclab.organisations import access as organisation_access

from .. import access
from ..forms.lists import IdeaFilterForm, rendered_filter_form
from ..models import IdeaStatus, InnovationType, PhaseKind
from ..selectors import lists as selectors
from ..selectors.exports import export_filename
from ..selectors.similar import similar_ideas as similar_ideas_for
from ..services.exports import XLSX_CONTENT_TYPE, ideas_export_csv, ideas_export_xlsx

PAGE_SIZE = 20
RESULTS_TARGET = "idea-results"
STATUS_LABELS = dict(IdeaStatus.choices)
TYPE_LABELS = dict(InnovationType.choices)


@dataclass
class IdeaRow:
    """What one card of the list shows, prepared in Python: rendering model instances
    field by field through the template engine cost more than the database on a full page."""

    title: str
    url: str
    summary: str
    status_tag: str
    is_hidden: bool
    challenge_title: str
    # Empty for an idea hidden by reports until a moderator reviews them.
    hidden_reason: str
    labels: list[str]
    tags: list[str]
    figures: str


def _idea_url(org_slug: str, pk: int) -> str:
    try:
        return reverse("challenges:idea_detail", kwargs={"org_slug": org_slug, "pk": pk})
    except NoReverseMatch:  # the idea page is not installed: the list still works
        return ""


def _figures(idea, sees_scores: bool) -> str:
    parts = [
        ngettext("%(count)d support", "%(count)d supports", idea.support_count)
        % {"count": idea.support_count},
        ngettext("%(count)d comment", "%(count)d comments", idea.comment_count)
        % {"count": idea.comment_count},
    ]
    if sees_scores and idea.score is not None:
        parts.append(_("score %(score)d/100") % {"score": round(idea.score)})
    return ", ".join(parts)


def idea_rows(ideas, scope) -> list[IdeaRow]:
    return [
        IdeaRow(
            title=idea.title,
            url=_idea_url(idea.organisation.slug, idea.pk),
            summary=idea.summary,
            status_tag=status_tag(idea.status, str(STATUS_LABELS.get(idea.status, idea.status))),
            is_hidden=idea.is_hidden,
            challenge_title=idea.challenge.title,
            hidden_reason=idea.hidden_reason,
            labels=[str(TYPE_LABELS.get(kind, kind)) for kind in idea.innovation_types or []],
            tags=[tag.name for tag in idea.tags.all()],
            figures=_figures(idea, scope.sees_scores),
        )
        for idea in ideas
    ]


def _filter_form(request: HttpRequest, scope, *, with_phase: bool = False) -> IdeaFilterForm:
    form = IdeaFilterForm(
        request.GET or None,
        tags=selectors.visible_tags(scope=scope),
        sees_scores=scope.sees_scores,
        with_phase=with_phase,
    )
    if form.is_bound:
        form.is_valid()
    return form


def _render_list(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    context["rows"] = idea_rows(context["page_obj"].object_list, context["scope"])
    # htmx swaps only the results when the filter form changes; without JavaScript the
    # whole page comes back, with the same results.
    if getattr(request, "htmx", False) and request.htmx.target == RESULTS_TARGET:
        return render(request, "challenges/lists/_results.html", context)
    context["form_html"] = rendered_filter_form(context["form"])
    return render(request, template, context)


@require_GET
def idea_list(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    challenge = access.challenge_for_user(
        user=request.user, org_slug=org_slug, slug=slug, perm="challenges.list_ideas"
    )
    scope = selectors.challenge_scope(user=request.user, challenge=challenge)
    form = _filter_form(request, scope)
    filters = form.filters()
    page = selectors.idea_page(
        scope=scope, filters=filters, page_number=request.GET.get("page"), per_page=PAGE_SIZE
    )
    return _render_list(
        request,
        "challenges/lists/idea_list.html",
        {
            "challenge": challenge,
            "organisation": challenge.organisation,
            "form": form,
            "filters": filters,
            "page_obj": page,
            "scope": scope,
            "can_export": request.user.has_perm("challenges.export_ideas", challenge),
        },
    )


@require_GET
def organisation_ideas(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = organisation_access.active_organisation_for_user(
        user=request.user, slug=org_slug
    )
    # The phase narrows which challenges count, so it is read before the form is built.
    phase = request.GET.get("phase", "")
    phase = phase if phase in PhaseKind.values else ""
    scope = selectors.organisation_scope(user=request.user, organisation=organisation, phase=phase)
    form = _filter_form(request, scope, with_phase=True)
    filters = form.filters()
    page = selectors.idea_page(
        scope=scope, filters=filters, page_number=request.GET.get("page"), per_page=PAGE_SIZE
    )
    return _render_list(
        request,
        "challenges/lists/organisation_ideas.html",
        {
            "organisation": organisation,
            "form": form,
            "filters": filters,
            "page_obj": page,
            "scope": scope,
            "show_challenge": True,
        },
    )


@require_GET
def similar_ideas(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    """A fragment listing ideas like the text being typed (`?q=`), for the submission form."""
    challenge = access.challenge_for_user(user=request.user, org_slug=org_slug, slug=slug)
    text = request.GET.get("q", "")[:2000]
    exclude = request.GET.get("exclude", "")
    ideas = similar_ideas_for(
        challenge=challenge,
        text=text,
        limit=5,
        exclude_id=int(exclude) if exclude.isdigit() else None,
        viewer=request.user,
    )
    return render(
        request,
        "challenges/lists/_similar.html",
        {"challenge": challenge, "ideas": ideas, "asked": len(text.strip()) >= 3},
    )


def _export_challenge(request: HttpRequest, org_slug: str, slug: str):
    if not request.user.is_authenticated:
        return None
    challenge = access.challenge_for_user(
        user=request.user,
        org_slug=org_slug,
        slug=slug,
        perm="challenges.export_ideas",
        message=_("Only people with a role in the organisation can export ideas."),
    )
    return challenge


def _export_filters(request: HttpRequest, challenge):
    scope = selectors.challenge_scope(user=request.user, challenge=challenge)
    return scope, _filter_form(request, scope).filters()


@require_GET
def export_csv(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    challenge = _export_challenge(request, org_slug, slug)
    if challenge is None:
        return redirect_to_login(request.get_full_path())
    scope, filters = _export_filters(request, challenge)
    rows = ideas_export_csv(actor=request.user, challenge=challenge, scope=scope, filters=filters)
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(challenge, "csv")}"'
    return response


@require_GET
def export_xlsx(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    challenge = _export_challenge(request, org_slug, slug)
    if challenge is None:
        return redirect_to_login(request.get_full_path())
    scope, filters = _export_filters(request, challenge)
    workbook = ideas_export_xlsx(
        actor=request.user, challenge=challenge, scope=scope, filters=filters
    )
    return FileResponse(
        workbook,
        as_attachment=True,
        filename=export_filename(challenge, "xlsx"),
        content_type=XLSX_CONTENT_TYPE,
    )


urlpatterns: list = [
    path("ideas/", organisation_ideas, name="org_ideas"),
    path("challenges/<slug:slug>/ideas/", idea_list, name="idea_list"),
    path("challenges/<slug:slug>/ideas/similar/", similar_ideas, name="similar_ideas"),
    path("challenges/<slug:slug>/ideas/export.csv", export_csv, name="idea_export_csv"),
    path("challenges/<slug:slug>/ideas/export.xlsx", export_xlsx, name="idea_export_xlsx"),
]
