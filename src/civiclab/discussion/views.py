"""Pages for discussing any registered object: follow, comment, reply, change and delete a
comment, report, and the moderators' queue with their decisions.

The addresses name the object by its registration's segment (`ideas/<pk>/comments/`), so a
new discussable model gets every page without new views. Every action is a plain form that
redirects back to the object, so nothing needs JavaScript; with htmx, the follow button swaps
in place and the reply form opens under the comment.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civiclab.core import idempotency
from civiclab.core.access import NotVisible
from civiclab.core.http import apply_validation_error, signed_in
from civiclab.core.ratelimit import client_network_key
from civiclab.organisations import access as organisation_access

from . import access, selectors
from .forms import CommentEditForm, CommentForm, FlagForm, ModerationForm
from .models import Comment
from .registry import Discussable, discussable_of
from .services import comments as comment_services
from .services import follows as follow_services
from .services import moderation as moderation_services

QUEUE_ITEMS_PER_PAGE = 25
MODERATORS_ONLY = _("Only the organisation's moderators can do this.")


def _back_after_login(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    """After signing in, a POST to an object's action comes back to the object's page."""
    if request.method == "POST" and "on" in kwargs:
        try:
            target = access.target_for_user(
                user=request.user, on=kwargs["on"], pk=kwargs["pk"], org_slug=kwargs["org_slug"]
            )
        except NotVisible:
            return request.get_full_path()
        return kwargs["on"].url(target)
    return request.get_full_path()


_signed_in = signed_in(back=_back_after_login)


def _url(target: Model, anchor: str = "") -> str:
    return discussable_of(target).url(target) + (f"#{anchor}" if anchor else "")


def _target_context(target: Model) -> dict[str, Any]:
    """What every page about an object shows of it: its address, title and kind."""
    on = discussable_of(target)
    return {
        "target": target,
        "on": on,
        "org_slug": on.organisation_of(target).slug,
        "target_url": on.url(target),
        "target_title": on.title(target),
    }


def _author_label(request: HttpRequest, target: Model, comment: Comment | None) -> str:
    """The comment's writer as this reader may know them (blind review hides the authors)."""
    if comment is None:
        return ""
    return selectors.comment_author_label(viewer=request.user, comment=comment, target=target)


# Following ---------------------------------------------------------------------------------


@require_POST
@_signed_in
def follow(request: HttpRequest, org_slug: str, on: Discussable, pk: int) -> HttpResponse:
    target = access.target_for_user(user=request.user, on=on, pk=pk, org_slug=org_slug)
    wanted = request.POST.get("action") != "unfollow"
    follow_services.follow_set(actor=request.user, target=target, follow=wanted)
    if request.htmx:
        return render(
            request,
            "discussion/follow.html",
            {**_target_context(target), "may_follow": True, "followed": wanted},
        )
    messages.success(
        request,
        _("You follow this %(kind)s: you will hear of its comments and decisions.")
        % {"kind": on.label}
        if wanted
        else _("You no longer follow this %(kind)s.") % {"kind": on.label},
    )
    return redirect(_url(target, "follow"))


# Comments ----------------------------------------------------------------------------------


def _parent_on(request: HttpRequest, target: Model, comment_pk: int) -> Comment | None:
    """The comment being answered, if it is one of `target`'s."""
    try:
        return access.comment_for_user(user=request.user, pk=comment_pk, target=target)
    except NotVisible:
        return None


def _comment_form_page(
    request: HttpRequest, target: Model, form: CommentForm, parent: Comment | None
) -> HttpResponse:
    return render(
        request,
        "discussion/comment_form.html",
        {
            **_target_context(target),
            "form": form,
            "parent": parent,
            "parent_author": _author_label(request, target, parent),
        },
    )


def _publish(
    request: HttpRequest, target: Model, form: CommentForm, parent: Comment | None
) -> HttpResponse | None:
    """Publish the form's comment; None when the service refused it (the form holds why)."""
    try:
        comment = comment_services.comment_add(
            actor=request.user,
            target=target,
            body=form.cleaned_data["body"],
            parent=parent,
            idempotency_key=request.POST.get(idempotency.FORM_FIELD, ""),
        )
    except ValidationError as error:
        apply_validation_error(form, error)
        return None
    messages.success(
        request, _("Your reply is published.") if parent else _("Your comment is published.")
    )
    return redirect(_url(target, f"comment-{comment.pk}"))


@require_POST
@_signed_in
def comment_add(request: HttpRequest, org_slug: str, on: Discussable, pk: int) -> HttpResponse:
    target = access.target_for_user(user=request.user, on=on, pk=pk, org_slug=org_slug)
    form = CommentForm(request.POST)
    parent = None
    if form.is_valid():
        parent_id = form.cleaned_data.get("parent")
        if parent_id:
            parent = _parent_on(request, target, parent_id)
            if parent is None:
                form.add_error(
                    None,
                    _("The comment you replied to is not on this %(kind)s.") % {"kind": on.label},
                )
    if form.is_valid():
        published = _publish(request, target, form, parent)
        if published is not None:
            return published
    return _comment_form_page(request, target, form, parent)


@_signed_in
def comment_reply(
    request: HttpRequest, org_slug: str, on: Discussable, pk: int, comment_pk: int
) -> HttpResponse:
    """The reply form on its own page: the no-JavaScript way to answer a comment."""
    target = access.target_for_user(
        user=request.user,
        on=on,
        pk=pk,
        org_slug=org_slug,
        perm=on.comment_perm,
        message=_("You cannot comment on this %(kind)s now.") % {"kind": on.label},
    )
    parent = _parent_on(request, target, comment_pk)
    if parent is None:
        raise NotVisible
    form = CommentForm(request.POST or None, initial={"parent": parent.pk})
    # The form is the point of the page (and of the fragment htmx places under the comment).
    form.fields["body"].widget.attrs["autofocus"] = True
    form.fields["body"].label = _("Your reply")
    if request.method == "POST" and form.is_valid():
        published = _publish(request, target, form, parent)
        if published is not None:
            return published
    return _comment_form_page(request, target, form, parent)


@_signed_in
def comment_edit(request: HttpRequest, org_slug: str, pk: int) -> HttpResponse:
    comment = access.comment_for_user(
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
            return redirect(_url(comment.target, f"comment-{comment.pk}"))
    return render(
        request,
        "discussion/comment_edit.html",
        {**_target_context(comment.target), "comment": comment, "form": form},
    )


@_signed_in
def comment_delete(request: HttpRequest, org_slug: str, pk: int) -> HttpResponse:
    comment = access.comment_for_user(
        user=request.user,
        pk=pk,
        organisation_slug=org_slug,
        perm="discussion.delete_comment",
        message=_("You cannot delete this comment."),
    )
    if request.method == "POST":
        comment_services.comment_delete(actor=request.user, comment=comment)
        messages.success(request, _("Your comment is deleted."))
        return redirect(_url(comment.target, f"comment-{comment.pk}"))
    return render(
        request,
        "discussion/comment_delete.html",
        {**_target_context(comment.target), "comment": comment},
    )


# Reporting ---------------------------------------------------------------------------------


def _flag_page(request: HttpRequest, item: Model, target: Model) -> HttpResponse:
    is_comment = isinstance(item, Comment)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation_services.flag_add(
                actor=request.user,
                item=item,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                network=client_network_key(request),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Thank you. A moderator will look at your report."))
            return redirect(_url(target, f"comment-{item.pk}" if is_comment else ""))
    context = {**_target_context(target), "form": form, "item": item, "is_comment": is_comment}
    if is_comment:
        context["item_author"] = _author_label(request, target, item)
    return render(request, "discussion/flag.html", context)


@_signed_in
def flag(request: HttpRequest, org_slug: str, on: Discussable, pk: int) -> HttpResponse:
    target = access.target_for_user(
        user=request.user,
        on=on,
        pk=pk,
        org_slug=org_slug,
        perm=on.flag_perm,
        message=_("You cannot report this."),
    )
    return _flag_page(request, target, target)


@_signed_in
def flag_comment(request: HttpRequest, org_slug: str, pk: int) -> HttpResponse:
    comment = access.comment_for_user(
        user=request.user,
        pk=pk,
        organisation_slug=org_slug,
        perm="discussion.flag_comment",
        message=_("You cannot report this."),
    )
    return _flag_page(request, comment, comment.target)


# Moderation --------------------------------------------------------------------------------


@_signed_in
def moderation_queue(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = organisation_access.organisation_for_user(
        user=request.user,
        slug=org_slug,
        perm="discussion.view_moderation_queue",
        message=_("Only the organisation's moderators can see this page."),
    )
    queue = selectors.moderation_queue(organisation=organisation)
    page_obj = Paginator(queue, QUEUE_ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    selectors.name_comment_authors(list(page_obj.object_list), viewer=request.user)
    hidden_objects, hidden_comments = selectors.hidden_items(organisation=organisation)
    hidden_comment_authors = selectors.comment_author_labels(
        [(comment, comment.target) for comment in hidden_comments], viewer=request.user
    )
    return render(
        request,
        "discussion/moderation_queue.html",
        {
            "organisation": organisation,
            "page_obj": page_obj,
            "hidden_objects": [_target_context(target) for target in hidden_objects],
            "hidden_comments": [
                {
                    **_target_context(comment.target),
                    "comment": comment,
                    "author_label": hidden_comment_authors[comment.pk],
                }
                for comment in hidden_comments
            ],
        },
    )


MODERATION_ACTIONS = {
    "hide": (moderation_services.moderation_hide, True),
    "restore": (moderation_services.moderation_restore, True),
    "dismiss": (moderation_services.moderation_dismiss, False),
}
ACTION_HINTS = {
    "hide": _("Shown publicly in its place, after “Hidden by moderators:”."),
    "restore": _("Sent to the author and kept in the audit trail."),
    "dismiss": _("Optional. Kept in the audit trail."),
}
ACTION_DONE = {
    "hide": _("Hidden. The author has been told why."),
    "restore": _("Visible again. The author has been told."),
    "dismiss": _("The reports are closed and the item stays visible."),
}


def _moderate(request: HttpRequest, item: Model, target: Model, action: str) -> HttpResponse:
    service, reason_required = MODERATION_ACTIONS[action]
    form = ModerationForm(
        request.POST or None, reason_required=reason_required, hint=ACTION_HINTS[action]
    )
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, item=item, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, ACTION_DONE[action])
            organisation = discussable_of(target).organisation_of(target)
            return redirect("discussion:moderation_queue", org_slug=organisation.slug)
    is_comment = isinstance(item, Comment)
    context = {
        **_target_context(target),
        "form": form,
        "item": item,
        "is_comment": is_comment,
        "action": action,
        "summary": "" if is_comment else selectors.moderation_summary(target),
        "flags": selectors.open_flags_on(item=item),
    }
    if is_comment:
        context["item_author"] = _author_label(request, target, item)
    return render(request, "discussion/moderation_action.html", context)


@_signed_in
def moderate(
    request: HttpRequest, org_slug: str, on: Discussable, pk: int, action: str
) -> HttpResponse:
    if action not in MODERATION_ACTIONS or on.moderation is None:
        raise NotVisible
    target = access.target_for_user(
        user=request.user,
        on=on,
        pk=pk,
        org_slug=org_slug,
        perm=on.moderation.perm,
        message=MODERATORS_ONLY,
    )
    return _moderate(request, target, target, action)


@_signed_in
def moderate_comment(request: HttpRequest, org_slug: str, pk: int, action: str) -> HttpResponse:
    if action not in MODERATION_ACTIONS:
        raise NotVisible
    comment = access.comment_for_user(
        user=request.user,
        pk=pk,
        organisation_slug=org_slug,
        perm="discussion.moderate_comment",
        message=MODERATORS_ONLY,
    )
    return _moderate(request, comment, comment.target, action)
