"""Pages for supporting an idea and for merging ideas (following, comments, reports and
moderation are the discussion app's pages).

Every action is a plain POST form that redirects back to the idea, so nothing needs
JavaScript; with htmx, the support button swaps in place.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civiclab.challenges import access
from civiclab.challenges.models import Idea
from civiclab.core.access import NotVisible, PhaseClosed
from civiclab.core.http import apply_validation_error, signed_in, too_many_requests
from civiclab.core.ratelimit import RateLimited

from ..forms.participation import MergeForm, MergeSearchForm, UnmergeForm
from ..selectors import participation as selectors
from ..selectors.merge import merge_targets
from ..services import merge as merge_services
from ..services import participation as services

MERGE_CANDIDATES_PER_PAGE = 20


# Loading and guarding ----------------------------------------------------------------------


def _back_after_login(request, kwargs) -> str:
    """After signing in, a POST to an idea's action comes back to the idea's page."""
    if request.method == "POST" and "pk" in kwargs and "org_slug" in kwargs:
        try:
            idea = access.idea_for_user(
                user=request.user, pk=kwargs["pk"], org_slug=kwargs["org_slug"]
            )
        except NotVisible:
            return request.get_full_path()
        return idea.get_absolute_url()
    return request.get_full_path()


_signed_in = signed_in(back=_back_after_login)


def _idea_url(idea: Idea, anchor: str = "") -> str:
    return idea.get_absolute_url() + (f"#{anchor}" if anchor else "")


# Support ------------------------------------------------------------------------


@require_POST
@_signed_in
def support_idea(request, org_slug: str, pk: int):
    idea = access.idea_for_user(user=request.user, pk=pk, org_slug=org_slug)
    withdraw = request.POST.get("action") == "withdraw"
    error = ""
    try:
        if withdraw:
            services.support_remove(actor=request.user, idea=idea)
        else:
            services.support_add(actor=request.user, idea=idea)
    except PhaseClosed as closed:
        if not request.htmx:
            raise
        error = str(closed)
    except RateLimited as limited:
        error = limited.message
        if not request.htmx:
            return too_many_requests(
                request,
                limited,
                back_url=idea.get_absolute_url(),
                back_label=_("Back to “%(title)s”") % {"title": idea.title},
            )
    if request.htmx:
        # htmx does not swap error responses, so the message travels in a 200 partial.
        block = selectors.participation_block(user=request.user, idea=idea)
        idea.refresh_from_db(fields=["support_count"])
        return render(
            request,
            "challenges/participation/support.html",
            {"block": block, "idea": idea, "support_error": error},
        )
    messages.success(
        request, _("You no longer support this idea.") if withdraw else _("You support this idea.")
    )
    return redirect(_idea_url(idea, "support"))


SUPPORTERS_PER_PAGE = 50


def idea_supporters(request, org_slug: str, pk: int):
    """Who supports the idea: display names are public, like the count."""
    idea = access.idea_for_user(user=request.user, pk=pk, org_slug=org_slug)
    page_obj = Paginator(selectors.supporters(idea=idea), SUPPORTERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "challenges/participation/supporters.html", {"idea": idea, "page_obj": page_obj}
    )


# Merges ------------------------------------------------------------------------------------


def _mergeable(request, org_slug: str, pk: int) -> Idea:
    return access.idea_for_user(
        user=request.user,
        pk=pk,
        org_slug=org_slug,
        perm="challenges.merge_idea",
        message=_("Only moderators and innovation leads can merge ideas."),
    )


@_signed_in
def merge_choose(request, org_slug: str, pk: int):
    """Step 1: choose the idea to merge into, among the challenge's ideas (search by title)."""
    source = _mergeable(request, org_slug, pk)
    form = MergeSearchForm(request.GET or None)
    candidates = merge_targets(source=source).order_by("title", "pk")
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    if query:
        candidates = candidates.filter(title__icontains=query)
    page_obj = Paginator(
        candidates.only("pk", "title", "status", "support_count"), MERGE_CANDIDATES_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "challenges/moderation/merge_choose.html",
        {"source": source, "form": form, "page_obj": page_obj, "query": query},
    )


@_signed_in
def merge_confirm(request, org_slug: str, pk: int, target_pk: int):
    """Step 2: the consequences, spelled out, and the reason."""
    source = _mergeable(request, org_slug, pk)
    target = merge_targets(source=source).filter(pk=target_pk).first()
    if target is None:
        raise NotVisible
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = merge_services.idea_merge(
                actor=request.user, source=source, target=target, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The ideas are merged. You can undo this from this page."))
            return redirect("challenges:merge_detail", org_slug=org_slug, pk=record.pk)
    return render(
        request,
        "challenges/moderation/merge_confirm.html",
        {"source": source, "target": target, "form": form},
    )


def merge_detail(request, org_slug: str, pk: int):
    """What a merge did; moderators may undo it from here."""
    record = access.merge_for_user(user=request.user, pk=pk, org_slug=org_slug)
    may_undo = request.user.is_authenticated and request.user.has_perm(
        "challenges.unmerge_idea", record
    )
    return render(
        request,
        "challenges/moderation/merge_detail.html",
        {
            "record": record,
            # A hidden idea's title is not given away by the merge that took it in.
            "source_visible": request.user.has_perm("challenges.view_idea", record.source),
            "may_undo": may_undo,
            "form": UnmergeForm() if may_undo else None,
        },
    )


@require_POST
@_signed_in
def merge_undo(request, org_slug: str, pk: int):
    record = access.merge_for_user(
        user=request.user,
        pk=pk,
        org_slug=org_slug,
        perm="challenges.unmerge_idea",
        message=_("This merge cannot be undone by you, or not any more."),
    )
    form = UnmergeForm(request.POST)
    if form.is_valid():
        try:
            merge_services.merge_undo(
                actor=request.user, record=record, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("The merge is undone; both ideas stand on their own again.")
            )
            return HttpResponseRedirect(record.source.get_absolute_url())
    return render(
        request,
        "challenges/moderation/merge_detail.html",
        {"record": record, "may_undo": True, "form": form},
    )


urlpatterns = [
    path("ideas/<int:pk>/support/", support_idea, name="support_idea"),
    path("ideas/<int:pk>/supporters/", idea_supporters, name="idea_supporters"),
    path("ideas/<int:pk>/merge/", merge_choose, name="merge_choose"),
    path("ideas/<int:pk>/merge/<int:target_pk>/", merge_confirm, name="merge_confirm"),
    path("merges/<int:pk>/", merge_detail, name="merge_detail"),
    path("merges/<int:pk>/undo/", merge_undo, name="merge_undo"),
]
