"""Idea pages: submit, read, edit, history, status decisions, co-authors and attachments.

An idea someone may not read answers 404 (hidden ideas too, except to their authors and the
moderators). Pages that change something send anonymous visitors to sign in and answer 403
to people without the right. Times are shown in the organisation's time zone.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from civiclab.core import idempotency, page_sections
from civiclab.core.access import NotVisible
from civiclab.core.http import apply_validation_error, in_time_zone_of, object_view
from civiclab.core.ratelimit import RateLimited
from civiclab.discussion import blind

from .. import access
from ..forms.ideas import CoAuthorInviteForm, IdeaForm, StatusForm
from ..models import IdeaStatus
from ..phases import ADD_IDEA, phase_refusal, require_open
from ..selectors import ideas as selectors
from ..services import ideas as services
from ..services import status as status_service


def idea_view(perm: str = "", *, sign_in: bool = False):
    """Loads an idea the user may read (404 otherwise) and requires `perm` on it."""
    return object_view(access.idea_for_user, perm, sign_in=sign_in)


def _similar_url(challenge) -> str:
    try:
        return reverse(
            "challenges:similar_ideas",
            kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
        )
    except NoReverseMatch:
        return ""


def _similar_ideas(challenge, text: str, *, viewer, exclude_id=None) -> list:
    try:
        from ..selectors.similar import similar_ideas
    except ImportError:
        return []
    return similar_ideas(
        challenge=challenge, text=text, limit=5, exclude_id=exclude_id, viewer=viewer
    )


# Submitting --------------------------------------------------------------------------------------


def idea_create(request, org_slug, slug):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    challenge = access.challenge_for_user(user=request.user, org_slug=org_slug, slug=slug)
    form = IdeaForm(
        request.POST or None,
        request.FILES or None,
        organisation=challenge.organisation,
        similar_url=_similar_url(challenge),
    )
    closed = phase_refusal(challenge=challenge, feature=ADD_IDEA) if form.is_bound else ""
    if not closed:
        require_open(
            request.user,
            "challenges.add_idea",
            challenge,
            _("This challenge is not taking ideas from you at the moment."),
        )
    else:
        # The deadline passed while the person was writing: keep what they typed, say why.
        form.is_valid()
        form.add_error(None, closed)
    similar = []
    token = request.POST.get(idempotency.FORM_FIELD, "")
    if request.method == "POST" and not closed and form.is_valid():
        # A form sent again (a retried POST) leads to the idea it created, not to its twin.
        if not request.POST.get("confirmed") and not idempotency.is_used(
            user=request.user, key=token
        ):
            similar = _similar_ideas(challenge, form.similarity_text(), viewer=request.user)
        if not similar:
            try:
                idea = services.idea_create(
                    actor=request.user,
                    challenge=challenge,
                    attachments=form.cleaned_data["attachments"],
                    idempotency_key=token,
                    **form.service_fields(),
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Thank you: your idea has been submitted."))
                return redirect(idea.get_absolute_url())
    with in_time_zone_of(challenge):
        return render(
            request,
            "challenges/ideas/idea_form.html",
            {
                "challenge": challenge,
                "form": form,
                "similar": similar,
                "files_dropped": bool(similar and request.FILES),
                "creating": True,
                "closed": closed,
            },
            status=403 if closed else 200,
        )


# Reading -----------------------------------------------------------------------------------------


@idea_view()
def idea_detail(request, idea):
    user = request.user
    history = selectors.status_history(idea=idea)
    context = {
        "idea": idea,
        "challenge": idea.challenge,
        "history": history,
        "latest_change": history[-1] if history else None,
        "coauthors": selectors.coauthors(idea=idea),
        "invitation": selectors.open_invitation(idea=idea, user=user),
        "attachments": selectors.attachments(idea=idea),
        "innovation_types": selectors.innovation_type_labels(idea.innovation_types),
        "tags": list(idea.tags.all()),
        "merged_ideas": selectors.merged_ideas(idea=idea, user=user),
        "merged_into": selectors.merged_into(idea=idea, user=user),
        "can_change": user.has_perm("challenges.change_idea", idea),
        "can_manage_coauthors": user.has_perm("challenges.manage_coauthors", idea),
        "status_targets": status_service.allowed_targets(user=user, idea=idea),
        "is_merged": idea.status == IdeaStatus.MERGED,
        "shows_authors": blind.shows_authors(viewer=user, target=idea),
        # What later stages (an initiative, a case) say about the idea, without this app
        # knowing them.
        "sections": page_sections.render(page_sections.IDEA, request, idea),
    }
    return render(request, "challenges/ideas/idea_detail.html", context)


@idea_view()
def idea_history(request, idea):
    return render(
        request,
        "challenges/ideas/idea_history.html",
        {
            "idea": idea,
            "revisions": selectors.revision_history(idea=idea),
            "shows_authors": blind.shows_authors(viewer=request.user, target=idea),
        },
    )


@require_GET
@idea_view()
def attachment_download(request, idea, attachment_pk):
    attachment = access.attachment_for_user(user=request.user, idea=idea, pk=attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise NotVisible from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# Editing -----------------------------------------------------------------------------------------


@idea_view("challenges.change_idea")
def idea_edit(request, idea):
    existing = selectors.attachments(idea=idea)
    initial = {
        "title": idea.title,
        "summary": idea.summary,
        "description": idea.description,
        "expected_benefits": idea.expected_benefits,
        "beneficiaries": idea.beneficiaries,
        "innovation_types": idea.innovation_types,
        "tags": list(idea.tags.all()),
        "location_name": idea.location_name,
        "latitude": idea.latitude,
        "longitude": idea.longitude,
    }
    form = IdeaForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        organisation=idea.organisation,
        existing_attachments=existing,
    )
    if request.method == "POST" and form.is_valid():
        removing = [int(pk) for pk in form.cleaned_data.get("remove_attachments") or []]
        try:
            services.idea_update(
                actor=request.user,
                idea=idea,
                attachments=form.cleaned_data["attachments"],
                remove_attachments=removing,
                **form.service_fields(),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(idea.get_absolute_url())
    return render(
        request,
        "challenges/ideas/idea_form.html",
        {"challenge": idea.challenge, "idea": idea, "form": form, "creating": False},
    )


# Status decisions --------------------------------------------------------------------------------


@idea_view(sign_in=True)
def idea_status(request, idea):
    targets = status_service.allowed_targets(user=request.user, idea=idea)
    if not targets:
        raise PermissionDenied(_("You cannot change the status of this idea now."))
    form = StatusForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        try:
            status_service.idea_set_status(
                actor=request.user,
                idea=idea,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("The idea is now “%(status)s”; its authors and followers have been told.")
                % {"status": IdeaStatus(form.cleaned_data["status"]).label},
            )
            return redirect(idea.get_absolute_url())
    return render(request, "challenges/ideas/idea_status.html", {"idea": idea, "form": form})


# Co-authors --------------------------------------------------------------------------------------


@idea_view(sign_in=True)
def idea_coauthors(request, idea):
    can_manage = request.user.has_perm("challenges.manage_coauthors", idea)
    form = CoAuthorInviteForm(request.POST or None) if can_manage else None
    retry_after = None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only the author of the idea invites co-authors."))
        if form.is_valid():
            email = form.cleaned_data["email"]
            try:
                services.coauthor_invite(actor=request.user, idea=idea, email=email)
            except ValidationError as error:
                apply_validation_error(form, error)
            except RateLimited as limited:
                form.add_error(None, limited.message)
                retry_after = limited.retry_after
            else:
                # The same words whether or not the address belongs to someone who may take
                # part, so that inviting does not tell who has an account.
                messages.success(
                    request,
                    _(
                        "If %(email)s has an account that can take part in this challenge, we "
                        "have invited them; they will see the invitation in their notifications."
                    )
                    % {"email": email},
                )
                return redirect(_coauthors_url(idea))
    # Blind review: co-authors are authors, so the page names them only to those who may know
    # who wrote the idea (the invited person still sees their own invitation on the idea page).
    shows_authors = blind.shows_authors(viewer=request.user, target=idea)
    response = render(
        request,
        "challenges/ideas/idea_coauthors.html",
        {
            "idea": idea,
            "form": form,
            "can_manage": can_manage,
            "shows_authors": shows_authors,
            "coauthors": (
                selectors.coauthors(idea=idea, include_invited=can_manage) if shows_authors else []
            ),
        },
        status=429 if retry_after is not None else 200,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _coauthors_url(idea) -> str:
    return reverse(
        "challenges:idea_coauthors", kwargs={"org_slug": idea.organisation.slug, "pk": idea.pk}
    )


@require_POST
@idea_view(sign_in=True)
def idea_coauthor_respond(request, idea):
    accept = request.POST.get("answer") == "accept"
    services.coauthor_respond(actor=request.user, idea=idea, accept=accept)
    if accept:
        messages.success(request, _("You are now a co-author of this idea and can edit it."))
    else:
        messages.success(request, _("You declined the invitation."))
    return redirect(idea.get_absolute_url())


@require_POST
@idea_view(sign_in=True)
def idea_coauthor_remove(request, idea, coauthor_pk):
    coauthor = access.coauthor_for_user(user=request.user, idea=idea, pk=coauthor_pk)
    leaving = coauthor.user_id == request.user.pk
    services.coauthor_remove(actor=request.user, coauthor=coauthor)
    if leaving:
        messages.success(request, _("You are no longer a co-author of this idea."))
        return redirect(idea.get_absolute_url())
    messages.success(request, _("%(name)s is no longer a co-author.") % {"name": coauthor.user})
    return redirect(_coauthors_url(idea))


urlpatterns = [
    path("challenges/<slug:slug>/ideas/new/", idea_create, name="idea_create"),
    path("ideas/<int:pk>/", idea_detail, name="idea_detail"),
    path("ideas/<int:pk>/edit/", idea_edit, name="idea_edit"),
    path("ideas/<int:pk>/history/", idea_history, name="idea_history"),
    path("ideas/<int:pk>/status/", idea_status, name="idea_status"),
    path("ideas/<int:pk>/co-authors/", idea_coauthors, name="idea_coauthors"),
    path(
        "ideas/<int:pk>/co-authors/respond/",
        idea_coauthor_respond,
        name="idea_coauthor_respond",
    ),
    path(
        "ideas/<int:pk>/co-authors/<int:coauthor_pk>/remove/",
        idea_coauthor_remove,
        name="idea_coauthor_remove",
    ),
    path(
        "ideas/<int:pk>/attachments/<int:attachment_pk>/",
        attachment_download,
        name="idea_attachment",
    ),
]
