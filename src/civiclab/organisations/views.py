"""Pages about organisations: the public list and profile, members, invitations, audit trail."""

import copy
import csv
import json

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civiclab.accounts.confirmation import UNCONFIRMED_MESSAGE
from civiclab.accounts.reauth import recent_password_required
from civiclab.core import clock, page_sections
from civiclab.core.http import apply_validation_error, object_view
from civiclab.core.selectors import audit_actions, audit_actors, audit_events
from civiclab.core.spreadsheet import neutralise

from . import access, selectors, services
from .forms import (
    AuditFilterForm,
    InvitationForm,
    MemberRolesForm,
    OrganisationFilterForm,
    OrganisationProfileForm,
    SwitchOrganisationForm,
)
from .middleware import SESSION_KEY
from .models import Role

ORGANISATIONS_PER_PAGE = 20
AUDIT_EVENTS_PER_PAGE = 50


def organisation_page(perm: str):
    """Load the organisation named by `slug` and require `perm` on it.

    Anonymous visitors are sent to sign in; people who may see the organisation but lack the
    right get a 403, and a deactivated organisation is not found by those outside it.
    """
    return object_view(access.organisation_for_user, perm)


# Public pages ------------------------------------------------------------------------------------


def organisation_list(request):
    form = OrganisationFilterForm(
        request.GET or None, country_codes=selectors.organisation_countries()
    )
    filters = form.cleaned_data if form.is_valid() else {}
    organisations = selectors.organisation_list(
        country=filters.get("country", ""),
        level=filters.get("level", ""),
        sector=filters.get("sector", ""),
    )
    page_obj = Paginator(organisations, ORGANISATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/organisation_list.html",
        {"form": form, "page_obj": page_obj, "organisations": page_obj.object_list},
    )


@object_view(access.organisation_for_user)
def organisation_detail(request, organisation):
    user = request.user
    context = {
        "organisation": organisation,
        "can_change": user.has_perm("organisations.change_organisation", organisation),
        "can_view_members": user.has_perm("organisations.view_membership", organisation),
        "can_view_audit": user.has_perm("organisations.view_audit", organisation),
        "sections": page_sections.render(page_sections.ORGANISATION, request, organisation),
    }
    return render(request, "organisations/organisation_detail.html", context)


@organisation_page("organisations.change_organisation")
def organisation_edit(request, organisation):
    # The form writes into its instance while validating; the service compares the saved
    # organisation with the changes, so the form gets a copy.
    form = OrganisationProfileForm(request.POST or None, instance=copy.copy(organisation))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in services.PROFILE_FIELDS}
        try:
            services.organisation_update(
                actor=request.user,
                organisation=organisation,
                sectors=form.cleaned_data["sectors"],
                **changes,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The organisation's profile has been saved."))
            return redirect(organisation)
    return render(
        request,
        "organisations/organisation_edit.html",
        {"organisation": organisation, "form": form},
    )


# Members -----------------------------------------------------------------------------------------


@organisation_page("organisations.view_membership")
def member_list(request, organisation):
    context = {
        "organisation": organisation,
        "members": selectors.members_of(organisation=organisation),
        "invitations": selectors.pending_invitations(organisation=organisation),
        "can_manage": request.user.has_perm("organisations.manage_membership", organisation),
        "can_invite": request.user.has_perm("organisations.invite_member", organisation),
    }
    return render(request, "organisations/member_list.html", context)


@organisation_page("organisations.manage_membership")
@recent_password_required
def member_roles(request, organisation, user_id):
    member = access.member_for_user(user=request.user, organisation=organisation, user_id=user_id)
    form = MemberRolesForm(request.POST or None, initial={"roles": member.roles})
    if request.method == "POST" and form.is_valid():
        try:
            roles = services.member_set_roles(
                actor=request.user,
                organisation=organisation,
                user=member.user,
                roles=form.cleaned_data["roles"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if roles:
                messages.success(
                    request, _("%(name)s's roles have been saved.") % {"name": member.user}
                )
            else:
                messages.success(
                    request,
                    _("%(name)s has been removed from the organisation.") % {"name": member.user},
                )
            return redirect("organisations:members", slug=organisation.slug)
    context = {"organisation": organisation, "member": member, "form": form}
    return render(request, "organisations/member_roles.html", context)


@organisation_page("organisations.manage_membership")
def member_remove(request, organisation, user_id):
    member = access.member_for_user(user=request.user, organisation=organisation, user_id=user_id)
    error = None
    if request.method == "POST":
        try:
            services.member_remove(actor=request.user, organisation=organisation, user=member.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("%(name)s has been removed from the organisation.") % {"name": member.user},
            )
            return redirect("organisations:members", slug=organisation.slug)
    context = {"organisation": organisation, "member": member, "error": error}
    return render(
        request, "organisations/member_remove.html", context, status=400 if error else 200
    )


@organisation_page("organisations.invite_member")
@recent_password_required
def invitation_create(request, organisation):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invitation_send(
                actor=request.user,
                organisation=organisation,
                email=form.cleaned_data["email"],
                roles=form.cleaned_data["roles"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("An invitation has been sent to %(email)s.") % {"email": invitation.email},
            )
            return redirect("organisations:members", slug=organisation.slug)
    return render(
        request,
        "organisations/invitation_create.html",
        {"organisation": organisation, "form": form},
    )


@require_POST
@organisation_page("organisations.invite_member")
def invitation_withdraw(request, organisation, pk):
    invitation = access.invitation_for_user(user=request.user, organisation=organisation, pk=pk)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email},
        )
    return redirect("organisations:members", slug=organisation.slug)


def _signup_url(next_url: str) -> str | None:
    try:
        return f"{reverse('accounts:signup')}?{urlencode({'next': next_url})}"
    except NoReverseMatch:
        return None


def invitation_accept(request, token):
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationError as error:
        return render(
            request,
            "organisations/invitation_invalid.html",
            {"error": error.messages[0]},
            status=400,
        )
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "roles": [Role(role).label for role in invitation.roles],
    }
    if not request.user.is_authenticated:
        here = request.get_full_path()
        login = redirect_to_login(here)
        # Named apart from the layout's own `login_url` and `signup_url`, which it sets itself.
        context.update(sign_in_url=login["Location"], create_account_url=_signup_url(here))
        return render(request, "organisations/invitation_sign_in.html", context)
    if request.method == "POST":
        try:
            services.invitation_accept(user=request.user, token=token)
        except services.InvitationError as error:
            context["error"] = error.messages[0]
            return render(request, "organisations/invitation_accept.html", context, status=400)
        messages.success(
            request,
            _("Welcome to %(organisation)s.") % {"organisation": invitation.organisation.name},
        )
        return redirect(invitation.organisation)
    if invitation.email.lower() != request.user.email.lower():
        context["error"] = _(
            "This invitation was sent to a different e-mail address. Sign in with the account "
            "for the address that received the invitation."
        )
    elif not request.user.has_perm("organisations.accept_invitation", invitation):
        context["error"] = UNCONFIRMED_MESSAGE
    return render(request, "organisations/invitation_accept.html", context)


# Organisation switcher ---------------------------------------------------------------------------


@require_POST
def switch(request):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("home"))
    form = SwitchOrganisationForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied
    chosen = form.cleaned_data["organisation"]
    mine = {
        organisation.pk: organisation
        for organisation in selectors.organisations_of_user(user=request.user)
    }
    if chosen not in mine:
        raise PermissionDenied
    request.session[SESSION_KEY] = chosen
    next_url = form.cleaned_data.get("next") or request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = mine[chosen].get_absolute_url()
    return HttpResponseRedirect(next_url)


# Audit trail -------------------------------------------------------------------------------------


@organisation_page("organisations.view_audit")
def audit_trail(request, organisation):
    form = AuditFilterForm(
        request.GET or None,
        actions=audit_actions(organisation_id=organisation.pk),
        actors=audit_actors(organisation_id=organisation.pk),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_events(
        organisation_id=organisation.pk,
        action=filters.get("action") or "",
        actor_id=filters.get("actor"),
        since=filters.get("since"),
        until=filters.get("until"),
        time_zone=organisation.time_zone,
    )
    if request.GET.get("format") == "csv":
        return _audit_csv(organisation, events)
    page_obj = Paginator(events, AUDIT_EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "csv"
    context = {
        "organisation": organisation,
        "form": form,
        "page_obj": page_obj,
        "events": page_obj.object_list,
        "csv_query": query.urlencode(),
    }
    return render(request, "organisations/audit_trail.html", context)


def _audit_csv(organisation, events) -> HttpResponse:
    tz = organisation.zone
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = clock.now().astimezone(tz).strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f'attachment; filename="audit-{organisation.slug}-{stamp}.csv"'
    )
    writer = csv.writer(response)
    # The label goes last, so the columns scripts already read keep their places.
    writer.writerow(
        ["when", "who", "action", "object_type", "object_id", "object", "details", "action_label"]
    )
    for event in events.iterator(chunk_size=1000):
        writer.writerow(
            neutralise(value)
            for value in (
                event.occurred_at.astimezone(tz).isoformat(timespec="seconds"),
                str(event.actor) if event.actor else "",
                event.action,
                event.subject_type,
                event.subject_id,
                event.subject_repr,
                _json(event.details),
                event.action_label,
            )
        )
    return response


def _json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)
