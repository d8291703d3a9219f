"""Challenge pages: the list, the challenge, its management pages and its event.

Pages show times in the challenge organisation's time zone and read dates in it. A challenge
someone may not see answers 404 (its existence is not revealed); management pages send
anonymous visitors to sign in and answer 403 to people without the right.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civiclab.core import clock
from civiclab.core.access import require
from civiclab.core.http import apply_validation_error, object_view
from civiclab.organisations import access as organisation_access

from .. import access
from ..forms.challenges import (
    ChallengeFilterForm,
    ChallengeForm,
    EventForm,
    InvitedForm,
    PhasesForm,
    PlatformChallengeFilterForm,
)
from ..models import Audience, InnovationType, PhaseKind, RegistrationStatus
from ..selectors import challenges as selectors
from ..services import challenges as services
from ..services import events as event_services

CHALLENGES_PER_PAGE = 20


def organisation_view(view):
    """Loads the organisation from `org_slug` and shows times in its time zone."""
    return object_view(
        organisation_access.active_organisation_for_user, url_kwargs={"slug": "org_slug"}
    )(view)


def challenge_view(perm: str = ""):
    """Loads a challenge the user may see (404 otherwise) and requires `perm` on it."""
    return object_view(access.challenge_for_user, perm)


# --- public pages -----------------------------------------------------------------------------


@organisation_view
def challenge_list(request, organisation):
    tags = list(selectors.visible_tags(user=request.user, organisation=organisation))
    form = ChallengeFilterForm(request.GET or None, tags=tags)
    filters = form.cleaned_data if form.is_valid() else {}
    challenges = selectors.challenge_list(
        user=request.user,
        organisation=organisation,
        phase=filters.get("phase", ""),
        tag=filters.get("tag", ""),
    )
    page_obj = Paginator(challenges, CHALLENGES_PER_PAGE).get_page(request.GET.get("page"))
    idea_box = (
        selectors.visible_challenges(user=request.user, organisation=organisation)
        .filter(is_idea_box=True)
        .first()
    )
    context = {
        "organisation": organisation,
        "form": form,
        "page_obj": page_obj,
        "challenges": page_obj.object_list,
        "idea_box": idea_box,
        "can_add": request.user.has_perm("challenges.add_challenge", organisation),
    }
    return render(request, "challenges/challenges/challenge_list.html", context)


def all_challenges(request):
    """Challenges of every organisation the visitor may see, filtered (no organisation in the
    address: the platform-wide list)."""
    organisations = list(selectors.platform_challenge_organisations(user=request.user))
    form = PlatformChallengeFilterForm(request.GET or None, organisations=organisations)
    filters = form.cleaned_data if form.is_valid() else {}
    challenges = selectors.platform_challenges(
        user=request.user,
        organisation=filters.get("organisation", ""),
        country=filters.get("country", ""),
        phase=filters.get("phase", ""),
        sector=filters.get("sector", ""),
    )
    page_obj = Paginator(challenges, CHALLENGES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page_obj, "challenges": page_obj.object_list}
    return render(request, "challenges/challenges/all_challenges.html", context)


@challenge_view()
def challenge_detail(request, challenge):
    user = request.user
    event = selectors.challenge_event(challenge=challenge)
    context = {
        "challenge": challenge,
        "organisation": challenge.organisation,
        "phase_kind": challenge.current_phase_kind(),
        "timeline": _timeline(challenge),
        "figures": selectors.challenge_figures(challenge=challenge),
        "outcome": (
            selectors.challenge_outcome(challenge=challenge)
            if challenge.is_published and selectors.challenge_has_ended(challenge)
            else None
        ),
        "can_add_idea": user.has_perm("challenges.add_idea", challenge),
        "can_change": user.has_perm("challenges.change_challenge", challenge),
        "can_publish": user.has_perm("challenges.publish_challenge", challenge),
        "innovation_types": _innovation_type_labels(challenge),
        **_event_context(request, challenge, event),
    }
    return render(request, "challenges/challenges/challenge_detail.html", context)


def _innovation_type_labels(challenge) -> list[str]:
    labels = dict(InnovationType.choices)
    return [labels[kind] for kind in challenge.innovation_types if kind in labels]


def _timeline(challenge) -> list[dict]:
    """The phases in order, each marked past, current or future, then when it closes."""
    now = clock.now()
    steps = []
    phases = list(challenge.phases.all())
    for phase in phases:
        steps.append({"phase": phase, "state": phase.state_at(now)})
    last = phases[-1] if phases else None
    if last is not None and last.kind != PhaseKind.CLOSED and last.ends_at is not None:
        steps.append(
            {
                "closed_from": last.ends_at,
                "state": "current" if now >= last.ends_at else "future",
            }
        )
    return steps


def _event_context(request, challenge, event) -> dict:
    if event is None:
        return {"event": None}
    registration = selectors.registration_of(event=event, user=request.user)
    active = (
        registration
        if registration and registration.status != RegistrationStatus.CANCELLED
        else None
    )
    return {
        "event": event,
        "places": selectors.event_places(event=event),
        "registration": active,
        "waiting_position": (selectors.waiting_position(registration=active) if active else None),
        "can_register": request.user.has_perm("challenges.register_event", event),
        "can_see_registrations": request.user.has_perm(
            "challenges.view_event_registrations", challenge
        ),
        "event_is_past": event.ends_at <= clock.now(),
    }


@organisation_view
def idea_box(request, organisation):
    """The organisation's always-open idea box. It is opened with the organisation (a setup
    step); this page only reads, so no request to it writes anything."""
    box = (
        selectors.visible_challenges(user=request.user, organisation=organisation)
        .filter(is_idea_box=True)
        .first()
    )
    if box is None:
        raise Http404(_("This organisation has no idea box."))
    return redirect(box)


# --- management -------------------------------------------------------------------------------


@organisation_view
def challenge_create(request, organisation):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    require(request.user, "challenges.add_challenge", organisation)
    sponsors = selectors.sponsor_choices(organisation=organisation)
    form = ChallengeForm(request.POST or None, sponsors=sponsors, initial={"audience": "public"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            challenge = services.challenge_create(
                actor=request.user,
                organisation=organisation,
                title=data["title"],
                summary=data["summary"],
                problem_statement=data["problem_statement"],
                goals=data["goals"],
                needs=data["needs"],
                sponsor=data["sponsor"],
                audience=data["audience"],
                innovation_types=data["innovation_types"],
                tag_names=data["tags"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("The challenge has been saved as a draft. Now set its phases.")
            )
            return redirect("challenges:phases", org_slug=organisation.slug, slug=challenge.slug)
    context = {"organisation": organisation, "form": form}
    return render(request, "challenges/challenges/challenge_form.html", context)


@challenge_view("challenges.change_challenge")
def challenge_edit(request, challenge):
    sponsors = selectors.sponsor_choices(organisation=challenge.organisation)
    form = ChallengeForm(
        request.POST or None, sponsors=sponsors, initial=ChallengeForm.initial_for(challenge)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        tag_names = data.pop("tags")
        try:
            services.challenge_update(
                actor=request.user, challenge=challenge, tag_names=tag_names, **data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The challenge has been saved."))
            return redirect(challenge)
    context = {"organisation": challenge.organisation, "challenge": challenge, "form": form}
    return render(request, "challenges/challenges/challenge_form.html", context)


@challenge_view("challenges.change_challenge")
def challenge_phases(request, challenge):
    if challenge.is_idea_box:
        messages.info(request, _("The idea box is always open; it has no phases to set."))
        return redirect(challenge)
    form = PhasesForm(request.POST or None, initial=PhasesForm.initial_for(challenge))
    if request.method == "POST" and form.is_valid():
        try:
            services.challenge_set_phases(
                actor=request.user, challenge=challenge, phases=form.phases()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The phases have been saved."))
            return redirect(challenge)
    context = {
        "organisation": challenge.organisation,
        "challenge": challenge,
        "form": form,
        "time_zone": challenge.organisation.time_zone,
    }
    return render(request, "challenges/challenges/challenge_phases.html", context)


@challenge_view("challenges.change_challenge")
def challenge_invited(request, challenge):
    current = "\n".join(challenge.invited_addresses.values_list("email", flat=True))
    form = InvitedForm(request.POST or None, initial={"emails": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.challenge_set_invited(
                actor=request.user, challenge=challenge, emails=form.cleaned_data["emails"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The list of invited people has been saved."))
            return redirect(challenge)
    context = {
        "organisation": challenge.organisation,
        "challenge": challenge,
        "form": form,
        "audience_is_invited": challenge.audience == Audience.INVITED,
    }
    return render(request, "challenges/challenges/challenge_invited.html", context)


@challenge_view("challenges.publish_challenge")
def challenge_publish(request, challenge):
    error = None
    if request.method == "POST":
        try:
            services.challenge_publish(actor=request.user, challenge=challenge)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The challenge is published."))
            return redirect(challenge)
    context = {
        "organisation": challenge.organisation,
        "challenge": challenge,
        "error": error,
        "has_submission_phase": any(
            phase.kind == PhaseKind.SUBMISSION for phase in challenge.phases.all()
        ),
    }
    return render(
        request,
        "challenges/challenges/challenge_publish.html",
        context,
        status=400 if error else 200,
    )


@challenge_view("challenges.publish_challenge")
def challenge_unpublish(request, challenge):
    error = None
    if request.method == "POST":
        try:
            services.challenge_unpublish(actor=request.user, challenge=challenge)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The challenge is a draft again."))
            return redirect(challenge)
    context = {
        "organisation": challenge.organisation,
        "challenge": challenge,
        "error": error,
        "has_ideas": selectors.challenge_has_ideas(challenge=challenge),
    }
    return render(
        request,
        "challenges/challenges/challenge_unpublish.html",
        context,
        status=400 if error else 200,
    )


# --- event ----------------------------------------------------------------------------------


@challenge_view("challenges.change_event")
def event_edit(request, challenge):
    event = selectors.challenge_event(challenge=challenge)
    form = EventForm(request.POST or None, initial=EventForm.initial_for(event))
    if request.method == "POST" and form.is_valid():
        try:
            event_services.event_save(actor=request.user, challenge=challenge, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The event has been saved."))
            return redirect(challenge)
    context = {
        "organisation": challenge.organisation,
        "challenge": challenge,
        "event": event,
        "form": form,
        "time_zone": challenge.organisation.time_zone,
    }
    return render(request, "challenges/events/event_form.html", context)


@challenge_view("challenges.change_event")
def event_remove(request, challenge):
    event = access.event_for_user(user=request.user, challenge=challenge)
    if request.method == "POST":
        event_services.event_remove(actor=request.user, challenge=challenge)
        messages.success(request, _("The event has been called off."))
        return redirect(challenge)
    context = {
        "organisation": challenge.organisation,
        "challenge": challenge,
        "event": event,
        "places": selectors.event_places(event=event),
    }
    return render(request, "challenges/events/event_remove.html", context)


@challenge_view("challenges.view_event_registrations")
def event_registrations(request, challenge):
    event = access.event_for_user(user=request.user, challenge=challenge)
    context = {
        "organisation": challenge.organisation,
        "challenge": challenge,
        "event": event,
        "registrations": selectors.event_registrations(event=event),
        "places": selectors.event_places(event=event),
        "confirmed": RegistrationStatus.CONFIRMED,
    }
    return render(request, "challenges/events/event_registrations.html", context)


@require_POST
@challenge_view()
def event_register(request, challenge):
    if not request.user.is_authenticated:
        return redirect_to_login(challenge.get_absolute_url())
    event = access.event_for_user(user=request.user, challenge=challenge)
    back = challenge.get_absolute_url() + "#event"
    try:
        registration = event_services.event_register(actor=request.user, event=event)
    except PermissionDenied:
        # The page offered the button, but registration closed or the event began since.
        messages.error(request, _("Registration for this event is closed."))
        return redirect(back)
    if registration.status == RegistrationStatus.CONFIRMED:
        messages.success(request, _("You have a place at %(event)s.") % {"event": event.title})
    else:
        messages.info(
            request,
            _(
                "The event is full, so you are on the waiting list. We will tell you if a place "
                "becomes free."
            ),
        )
    return redirect(back)


@require_POST
@challenge_view()
def event_cancel(request, challenge):
    if not request.user.is_authenticated:
        return redirect_to_login(challenge.get_absolute_url())
    event = access.event_for_user(user=request.user, challenge=challenge)
    event_services.event_cancel_registration(actor=request.user, event=event)
    messages.success(request, _("Your registration has been cancelled."))
    return redirect(challenge.get_absolute_url() + "#event")


@challenge_view()
def event_ics(request, challenge):
    event = access.event_for_user(user=request.user, challenge=challenge)
    body = event_services.event_ics(
        event=event,
        url=request.build_absolute_uri(challenge.get_absolute_url()),
        host=request.get_host().split(":")[0] or "civiclab",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{challenge.slug}-event.ics"'
    return response


# --- the organisation's public page -----------------------------------------------------------


def organisation_section_context(request, organisation) -> dict:
    """The organisation's challenges in every phase, closed ones with what they selected, for
    its page (a fixed number of queries). The section always links the idea box."""
    groups = selectors.challenges_by_phase_for_page(user=request.user, organisation=organisation)
    return {"challenge_groups": groups, "any_challenges": any(found for _p, found in groups)}


urlpatterns = [
    path("challenges/", challenge_list, name="list"),
    path("challenges/new/", challenge_create, name="create"),
    path("idea-box/", idea_box, name="idea_box"),
    path("challenges/<slug:slug>/", challenge_detail, name="detail"),
    path("challenges/<slug:slug>/edit/", challenge_edit, name="edit"),
    path("challenges/<slug:slug>/phases/", challenge_phases, name="phases"),
    path("challenges/<slug:slug>/invited/", challenge_invited, name="invited"),
    path("challenges/<slug:slug>/publish/", challenge_publish, name="publish"),
    path("challenges/<slug:slug>/unpublish/", challenge_unpublish, name="unpublish"),
    path("challenges/<slug:slug>/event/", event_edit, name="event_edit"),
    path("challenges/<slug:slug>/event/remove/", event_remove, name="event_remove"),
    path(
        "challenges/<slug:slug>/event/registrations/",
        event_registrations,
        name="event_registrations",
    ),
    path("challenges/<slug:slug>/event/register/", event_register, name="event_register"),
    path("challenges/<slug:slug>/event/cancel/", event_cancel, name="event_cancel"),
    path("challenges/<slug:slug>/event/calendar.ics", event_ics, name="event_ics"),
]
