"""Pages for taking part in an idea (support, follow, comment, report), moderation and merges.

Every action is a plain POST form that redirects back to the idea, so nothing needs
JavaScript; with htmx, the support and follow buttons swap in place.
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
from civiclab.core.access import NotVisible
from civiclab.core.http import apply_validation_error, signed_in, too_many_requests
from civiclab.core.ratelimit import RateLimited
from civiclab.discussion import access as discussion_access
from civiclab.discussion import selectors as discussion_selectors
from civiclab.discussion.forms import CommentEditForm, CommentForm, FlagForm, ModerationForm
from civiclab.discussion.models import Comment
from civiclab.discussion.services import comments as comment_services
from civiclab.discussion.services import follows as follow_services
from civiclab.discussion.services import moderation as moderation_services
from civiclab.organisations import access as organisation_access

from ..forms.participation import MergeForm, MergeSearchForm, UnmergeForm
from ..selectors import participation as selectors
from ..selectors.merge import merge_targets
from ..services import merge as merge_services
from ..services import participation as services

MERGE_CANDIDATES_PER_PAGE = 20
QUEUE_ITEMS_PER_PAGE = 25


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


def _author_label(request, idea: Idea, comment: Comment | None) -> str:
    """The comment's writer as this reader may know them (blind review hides the authors)."""
    if comment is None:
        return ""
    return discussion_selectors.comment_author_label(
        viewer=request.user, comment=comment, target=idea
    )


def _idea_url(idea: Idea, anchor: str = "") -> str:
    return idea.get_absolute_url() + (f"#{anchor}" if anchor else "")


# Support and follow ------------------------------------------------------------------------


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


@require_POST
@_signed_in
def follow_idea(request, org_slug: str, pk: int):
    idea = access.idea_for_user(user=request.user, pk=pk, org_slug=org_slug)
    follow = request.POST.get("action") != "unfollow"
    follow_services.follow_set(actor=request.user, target=idea, follow=follow)
    if request.htmx:
        block = selectors.participation_block(user=request.user, idea=idea)
        return render(request, "challenges/participation/follow.html", {"block": block})
    messages.success(
        request,
        _("You follow this idea: you will hear of its comments and decisions.")
        if follow
        else _("You no longer follow this idea."),
    )
    return redirect(_idea_url(idea, "follow"))


# Comments ----------------------------------------------------------------------------------


@require_POST
@_signed_in
def comment_add(request, org_slug: str, pk: int):
    idea = access.idea_for_user(user=request.user, pk=pk, org_slug=org_slug)
    form = CommentForm(request.POST)
    parent = None
    if form.is_valid():
        parent_id = form.cleaned_data.get("parent")
        if parent_id:
            parent = _parent_on(request, idea, parent_id)
            if parent is None:
                form.add_error(None, _("The comment you replied to is not on this idea."))
    if form.is_valid():
        try:
            comment = comment_services.comment_add(
                actor=request.user, target=idea, body=form.cleaned_data["body"], parent=parent
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Your comment is published."))
            return redirect(_idea_url(idea, f"comment-{comment.pk}"))
    return render(
        request,
        "challenges/participation/comment_form.html",
        {
            "idea": idea,
            "form": form,
            "parent": parent,
            "parent_author": _author_label(request, idea, parent),
        },
    )


def _parent_on(request, idea: Idea, comment_pk: int) -> Comment | None:
    """The comment being answered, if it is one of `idea`'s."""
    try:
        return discussion_access.comment_for_user(user=request.user, pk=comment_pk, target=idea)
    except NotVisible:
        return None


@_signed_in
def comment_reply(request, org_slug: str, pk: int, comment_pk: int):
    """The reply form on its own page: the no-JavaScript way to answer a comment."""
    idea = access.idea_for_user(
        user=request.user,
        pk=pk,
        org_slug=org_slug,
        perm="challenges.comment_idea",
        message=_("You cannot comment on this idea now."),
    )
    parent = _parent_on(request, idea, comment_pk)
    if parent is None:
        raise NotVisible
    form = CommentForm(request.POST or None, initial={"parent": parent.pk})
    # The form is the point of the page (and of the fragment htmx places under the comment).
    form.fields["body"].widget.attrs["autofocus"] = True
    form.fields["body"].label = _("Your reply")
    if request.method == "POST" and form.is_valid():
        try:
            comment = comment_services.comment_add(
                actor=request.user, target=idea, body=form.cleaned_data["body"], parent=parent
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Your reply is published."))
            return redirect(_idea_url(idea, f"comment-{comment.pk}"))
    return render(
        request,
        "challenges/participation/comment_form.html",
        {
            "idea": idea,
            "form": form,
            "parent": parent,
            "parent_author": _author_label(request, idea, parent),
        },
    )


@_signed_in
def comment_edit(request, org_slug: str, pk: int):
    comment = discussion_access.comment_for_user(
        user=request.user,
        pk=pk,
        organisation_slug=org_slug,
        perm="discussion.change_comment",
        message=_("You can change your own comment only in the first 15 minutes."),
    )
    form = CommentEditForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            comment_services.comment_edit(
                actor=request.user, comment=comment, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Your comment is changed."))
            return redirect(_idea_url(comment.target, f"comment-{comment.pk}"))
    return render(
        request, "challenges/participation/comment_edit.html", {"comment": comment, "form": form}
    )


@_signed_in
def comment_delete(request, org_slug: str, pk: int):
    comment = discussion_access.comment_for_user(
        user=request.user,
        pk=pk,
        organisation_slug=org_slug,
        perm="discussion.delete_comment",
        message=_("You cannot delete this comment."),
    )
    if request.method == "POST":
        comment_services.comment_delete(actor=request.user, comment=comment)
        messages.success(request, _("Your comment is deleted."))
        return redirect(_idea_url(comment.target, f"comment-{comment.pk}"))
    return render(request, "challenges/participation/comment_delete.html", {"comment": comment})


# Reporting ---------------------------------------------------------------------------------


def _flag_page(request, item, idea: Idea, kind: str):
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation_services.flag_add(
                actor=request.user,
                item=item,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Thank you. A moderator will look at your report."))
            anchor = f"comment-{item.pk}" if kind == "comment" else ""
            return redirect(_idea_url(idea, anchor))
    context = {"form": form, "item": item, "idea": idea, "kind": kind}
    if kind == "comment":
        context["item_author"] = _author_label(request, idea, item)
    return render(request, "challenges/participation/flag.html", context)


@_signed_in
def flag_idea(request, org_slug: str, pk: int):
    idea = access.idea_for_user(
        user=request.user,
        pk=pk,
        org_slug=org_slug,
        perm="challenges.flag_idea",
        message=_("You cannot report this."),
    )
    return _flag_page(request, idea, idea, "idea")


@_signed_in
def flag_comment(request, org_slug: str, pk: int):
    comment = discussion_access.comment_for_user(
        user=request.user,
        pk=pk,
        organisation_slug=org_slug,
        perm="discussion.flag_comment",
        message=_("You cannot report this."),
    )
    return _flag_page(request, comment, comment.target, "comment")


# Moderation --------------------------------------------------------------------------------


@_signed_in
def moderation_queue(request, org_slug: str):
    organisation = organisation_access.organisation_for_user(
        user=request.user,
        slug=org_slug,
        perm="discussion.view_moderation_queue",
        message=_("Only the organisation's moderators can see this page."),
    )
    queue = discussion_selectors.moderation_queue(organisation=organisation)
    page_obj = Paginator(queue, QUEUE_ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    discussion_selectors.name_comment_authors(list(page_obj.object_list), viewer=request.user)
    hidden_ideas, hidden_comments = discussion_selectors.hidden_items(organisation=organisation)
    hidden_comment_authors = discussion_selectors.comment_author_labels(
        [(comment, comment.target) for comment in hidden_comments], viewer=request.user
    )
    return render(
        request,
        "challenges/moderation/queue.html",
        {
            "organisation": organisation,
            "page_obj": page_obj,
            "hidden_ideas": hidden_ideas,
            "hidden_comments": [
                (comment, hidden_comment_authors[comment.pk]) for comment in hidden_comments
            ],
        },
    )


MODERATORS_ONLY = _("Only the organisation's moderators can do this.")
MODERATION_ACTIONS = {
    "hide": (moderation_services.moderation_hide, True),
    "restore": (moderation_services.moderation_restore, True),
    "dismiss": (moderation_services.moderation_dismiss, False),
}


def _moderate(request, item, idea: Idea, kind: str, action: str):
    service, reason_required = MODERATION_ACTIONS[action]
    hints = {
        "hide": _("Shown publicly in its place: “Hidden by moderators: <your reason>”."),
        "restore": _("Sent to the author and kept in the audit trail."),
        "dismiss": _("Optional. Kept in the audit trail."),
    }
    form = ModerationForm(request.POST or None, reason_required=reason_required, hint=hints[action])
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, item=item, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            done = {
                "hide": _("Hidden. The author has been told why."),
                "restore": _("Visible again. The author has been told."),
                "dismiss": _("The reports are closed and the item stays visible."),
            }
            messages.success(request, done[action])
            return redirect("challenges:moderation_queue", org_slug=idea.organisation.slug)
    flags = discussion_selectors.open_flags_on(item=item)
    context = {"form": form, "item": item, "idea": idea, "kind": kind, "action": action}
    if kind == "comment":
        context["item_author"] = _author_label(request, idea, item)
    return render(request, "challenges/moderation/action.html", {**context, "flags": flags})


@_signed_in
def moderate_idea(request, org_slug: str, pk: int, action: str):
    if action not in MODERATION_ACTIONS:
        raise NotVisible
    idea = access.idea_for_user(
        user=request.user,
        pk=pk,
        org_slug=org_slug,
        perm="challenges.moderate_idea",
        message=MODERATORS_ONLY,
    )
    return _moderate(request, idea, idea, "idea", action)


@_signed_in
def moderate_comment(request, org_slug: str, pk: int, action: str):
    if action not in MODERATION_ACTIONS:
        raise NotVisible
    comment = discussion_access.comment_for_user(
        user=request.user,
        pk=pk,
        organisation_slug=org_slug,
        perm="discussion.moderate_comment",
        message=MODERATORS_ONLY,
    )
    return _moderate(request, comment, comment.target, "comment", action)


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
        {"record": record, "may_undo": may_undo, "form": UnmergeForm() if may_undo else None},
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
    path("ideas/<int:pk>/follow/", follow_idea, name="follow_idea"),
    path("ideas/<int:pk>/comments/", comment_add, name="comment_add"),
    path("ideas/<int:pk>/comments/<int:comment_pk>/reply/", comment_reply, name="comment_reply"),
    path("ideas/<int:pk>/report/", flag_idea, name="flag_idea"),
    path("ideas/<int:pk>/merge/", merge_choose, name="merge_choose"),
    path("ideas/<int:pk>/merge/<int:target_pk>/", merge_confirm, name="merge_confirm"),
    path("comments/<int:pk>/edit/", comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", comment_delete, name="comment_delete"),
    path("comments/<int:pk>/report/", flag_comment, name="flag_comment"),
    path("moderation/", moderation_queue, name="moderation_queue"),
    path("moderation/ideas/<int:pk>/<str:action>/", moderate_idea, name="moderate_idea"),
    path("moderation/comments/<int:pk>/<str:action>/", moderate_comment, name="moderate_comment"),
    path("merges/<int:pk>/", merge_detail, name="merge_detail"),
    path("merges/<int:pk>/undo/", merge_undo, name="merge_undo"),
]
