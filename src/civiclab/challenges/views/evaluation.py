"""Evaluation pages: scorecard and criteria, evaluator assignment, scoring, results,
shortlisting and selection from the results, and pairwise comparison."""

import copy

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from civiclab.challenges import access
from civiclab.challenges.forms.evaluation import (
    SUBMIT,
    CriterionForm,
    EvaluationForm,
    EvaluatorsForm,
    PairwiseForm,
    ReasonForm,
    ScorecardForm,
)
from civiclab.challenges.models import (
    Challenge,
    CoAuthorStatus,
    Idea,
    IdeaStatus,
)
from civiclab.challenges.selectors import pairwise
from civiclab.challenges.selectors.evaluation import (
    IDEAS_IN_REVIEW,
    assignment_of,
    assignments_of_evaluator,
    conflicted_evaluators,
    criteria_locked,
    criteria_of,
    evaluation_results,
    evaluation_scores,
    evaluators_of,
    idea_evaluations,
    idea_result_summary,
    ideas_with_assignments,
    scorecard_of,
)
from civiclab.challenges.selectors.exports import export_filename
from civiclab.challenges.selectors.workspace import evaluations_by_challenge
from civiclab.challenges.services import evaluation as services
from civiclab.challenges.services import exports, selection
from civiclab.challenges.services.pairwise import pairwise_record
from civiclab.challenges.services.status import statuses_leading_to
from civiclab.core.http import apply_validation_error, signed_in
from civiclab.core.markup import render_markdown
from civiclab.core.ratelimit import RateLimited
from civiclab.organisations import access as organisation_access

# --- helpers --------------------------------------------------------------------------------


def safe_url(name: str, **kwargs) -> str:
    """The address of a page of another area, or "" while that page does not exist."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def challenge_url(challenge: Challenge) -> str:
    return safe_url("challenges:detail", org_slug=challenge.organisation.slug, slug=challenge.slug)


def idea_url(idea: Idea) -> str:
    return safe_url("challenges:idea_detail", org_slug=idea.organisation.slug, pk=idea.pk)


def _scorecard_url(challenge: Challenge) -> str:
    return reverse(
        "challenges:scorecard",
        kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
    )


def _context(challenge: Challenge, **extra) -> dict:
    return {"challenge": challenge, "challenge_url": challenge_url(challenge), **extra}


# --- scorecard ------------------------------------------------------------------------------


@signed_in
def scorecard(request, org_slug, slug):
    challenge = access.challenge_for_user(
        user=request.user, org_slug=org_slug, slug=slug, perm="challenges.manage_scorecard"
    )
    card = scorecard_of(challenge)
    form = ScorecardForm(request.POST or None, instance=card)
    if request.method == "POST" and form.is_valid():
        try:
            services.scorecard_replace(actor=request.user, challenge=challenge, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The scorecard has been saved."))
            return redirect(_scorecard_url(challenge))
    criteria = criteria_of(challenge)
    total_weight = sum(c.weight for c in criteria)
    for criterion in criteria:
        # What the criterion counts for in the weighted score, in per cent.
        criterion.share = 100 * criterion.weight / total_weight if total_weight else None
    context = _context(
        challenge,
        form=form,
        criteria=criteria,
        locked=criteria_locked(challenge),
        can_assign=request.user.has_perm("challenges.assign_evaluators", challenge),
    )
    return render(request, "challenges/evaluation/scorecard.html", context)


@signed_in
def criterion_edit(request, org_slug, slug, pk=None):
    challenge = access.challenge_for_user(
        user=request.user, org_slug=org_slug, slug=slug, perm="challenges.manage_scorecard"
    )
    criterion = (
        access.criterion_for_user(user=request.user, challenge=challenge, pk=pk) if pk else None
    )
    locked = criteria_locked(challenge)
    initial = {} if criterion else {"position": len(criteria_of(challenge))}
    # The form writes its values onto its instance; the service starts from the saved one.
    original = copy.copy(criterion)
    form = CriterionForm(request.POST or None, instance=criterion, initial=initial)
    if request.method == "POST" and not locked and form.is_valid():
        try:
            services.criterion_save(
                actor=request.user,
                challenge=challenge,
                criterion=original,
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The criterion has been saved."))
            return redirect(_scorecard_url(challenge))
    context = _context(
        challenge,
        form=form,
        criterion=criterion,
        locked=locked,
        scorecard_url=_scorecard_url(challenge),
    )
    return render(request, "challenges/evaluation/criterion_form.html", context)


@signed_in
def criterion_delete(request, org_slug, slug, pk):
    challenge = access.challenge_for_user(
        user=request.user, org_slug=org_slug, slug=slug, perm="challenges.manage_scorecard"
    )
    criterion = access.criterion_for_user(user=request.user, challenge=challenge, pk=pk)
    error = ""
    if request.method == "POST":
        try:
            services.criterion_delete(actor=request.user, criterion=criterion)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The criterion has been removed."))
            return redirect(_scorecard_url(challenge))
    context = _context(
        challenge, criterion=criterion, error=error, scorecard_url=_scorecard_url(challenge)
    )
    return render(
        request,
        "challenges/evaluation/criterion_delete.html",
        context,
        status=400 if error else 200,
    )


# --- assignments ----------------------------------------------------------------------------


def _assignments_url(challenge: Challenge) -> str:
    return reverse(
        "challenges:evaluation_assignments",
        kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
    )


@signed_in
def assignments(request, org_slug, slug):
    challenge = access.challenge_for_user(
        user=request.user, org_slug=org_slug, slug=slug, perm="challenges.manage_scorecard"
    )
    ideas = ideas_with_assignments(challenge=challenge, statuses=IDEAS_IN_REVIEW)
    context = _context(
        challenge,
        ideas=ideas,
        scorecard=scorecard_of(challenge),
        evaluators=evaluators_of(challenge.organisation),
        can_assign=request.user.has_perm("challenges.assign_evaluators", challenge),
        scorecard_url=_scorecard_url(challenge),
    )
    return render(request, "challenges/evaluation/assignments.html", context)


@signed_in
def assign_automatic(request, org_slug, slug):
    challenge = access.challenge_for_user(
        user=request.user, org_slug=org_slug, slug=slug, perm="challenges.assign_evaluators"
    )
    error = ""
    if request.method == "POST":
        try:
            done = services.assignments_automatic(actor=request.user, challenge=challenge)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("%(created)s assignments were made for %(ideas)s ideas.")
                % {"created": done.created, "ideas": done.ideas},
            )
            return redirect(_assignments_url(challenge))
    context = _context(
        challenge,
        error=error,
        scorecard=scorecard_of(challenge),
        assignments_url=_assignments_url(challenge),
    )
    return render(
        request,
        "challenges/evaluation/assign_automatic.html",
        context,
        status=400 if error else 200,
    )


@signed_in
def assign_idea(request, org_slug, pk):
    # The rule reads the idea's challenge.
    idea = access.idea_for_user(
        user=request.user, org_slug=org_slug, pk=pk, perm="challenges.assign_evaluators"
    )
    challenge = idea.challenge
    conflicts = {user_id for _i, user_id in conflicted_evaluators([idea.pk])}
    eligible = [u.pk for u in evaluators_of(idea.organisation) if u.pk not in conflicts]
    current = list(idea.assignments.values_list("evaluator_id", flat=True))
    form = EvaluatorsForm(
        request.POST or None,
        queryset=get_user_model().objects.filter(pk__in=eligible).order_by("display_name", "pk"),
        initial={"evaluators": current},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assignments_add(
                actor=request.user, idea=idea, evaluators=list(form.cleaned_data["evaluators"])
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The evaluators have been assigned."))
            return redirect(_assignments_url(challenge))
    context = _context(challenge, idea=idea, form=form, assignments_url=_assignments_url(challenge))
    return render(request, "challenges/evaluation/assign_idea.html", context)


@signed_in
@require_POST
def assignment_remove(request, org_slug, pk):
    assignment = access.assignment_for_user(user=request.user, pk=pk, org_slug=org_slug)
    challenge = assignment.idea.challenge
    try:
        services.assignment_remove(actor=request.user, assignment=assignment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The evaluator is no longer assigned to this idea."))
    return redirect(_assignments_url(challenge))


# --- scoring --------------------------------------------------------------------------------


@signed_in
def my_evaluations(request, org_slug):
    organisation = organisation_access.organisation_for_user(user=request.user, slug=org_slug)
    rows = assignments_of_evaluator(user=request.user, organisation=organisation)
    done = sum(1 for row in rows if row.state == "submitted")
    context = {
        "organisation": organisation,
        "groups": evaluations_by_challenge(rows),
        "done": done,
        "total": len(rows),
    }
    return render(request, "challenges/evaluation/my_evaluations.html", context)


def _evaluate_url(idea: Idea) -> str:
    return reverse(
        "challenges:evaluate", kwargs={"org_slug": idea.organisation.slug, "pk": idea.pk}
    )


@signed_in
def evaluate(request, org_slug, pk):
    idea = access.idea_for_user(
        user=request.user, org_slug=org_slug, pk=pk, perm="challenges.evaluate_idea"
    )
    assignment = assignment_of(user=request.user, idea=idea)
    if assignment is None:
        raise PermissionDenied
    assignment.idea = idea
    challenge = idea.challenge
    card = scorecard_of(challenge)
    criteria = criteria_of(challenge)
    evaluation, scores = evaluation_scores(assignment)
    initial = {"comment": evaluation.comment if evaluation else ""}
    for criterion_id, score in scores.items():
        initial[f"score_{criterion_id}"] = score.value
        initial[f"comment_{criterion_id}"] = score.comment
    form = EvaluationForm(request.POST or None, criteria=criteria, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        given = {
            c.pk: services.ScoreInput(
                value=data.get(f"score_{c.pk}"),
                comment=data.get(f"comment_{c.pk}", ""),
            )
            for c in criteria
        }
        submit = data.get("action") == SUBMIT
        try:
            services.evaluation_save(
                actor=request.user,
                assignment=assignment,
                scores=given,
                comment=data.get("comment", ""),
                submit=submit,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if submit or (evaluation and evaluation.submitted_at):
                messages.success(request, _("Your evaluation has been submitted. Thank you."))
            else:
                messages.success(request, _("Your draft has been saved."))
            return redirect("challenges:my_evaluations", org_slug=idea.organisation.slug)
    context = _context(
        challenge,
        idea=idea,
        form=form,
        scorecard=card,
        blind=card.blind,
        evaluation=evaluation,
        description_html=render_markdown(idea.description, top_heading=4),
        idea_url="" if card.blind else idea_url(idea),
        coauthor_names=[] if card.blind else _coauthor_names(idea),
    )
    return render(request, "challenges/evaluation/evaluate.html", context)


def _coauthor_names(idea: Idea) -> list[str]:
    return [
        coauthor.user.display_name or str(coauthor.user)
        for coauthor in idea.coauthors.filter(status=CoAuthorStatus.ACCEPTED).select_related("user")
    ]


# --- results and decisions ------------------------------------------------------------------


@signed_in
def results(request, org_slug, slug):
    challenge = access.challenge_for_user(
        user=request.user, org_slug=org_slug, slug=slug, perm="challenges.view_evaluation_results"
    )
    outcome = evaluation_results(challenge=challenge)
    # The rules do not depend on the row beyond its challenge (and not being merged).
    sample = next((r.idea for r in outcome.rows if r.idea.status != IdeaStatus.MERGED), None)
    user = request.user
    context = _context(
        challenge,
        results=outcome,
        can_shortlist=bool(sample and user.has_perm("challenges.shortlist_idea", sample)),
        can_select=bool(sample and user.has_perm("challenges.select_idea", sample)),
        can_manage=user.has_perm("challenges.manage_scorecard", challenge),
        shortlistable=statuses_leading_to(IdeaStatus.SHORTLISTED),
        selectable=statuses_leading_to(IdeaStatus.SELECTED),
        pairwise_enabled=scorecard_of(challenge).pairwise_enabled,
    )
    return render(request, "challenges/evaluation/results.html", context)


@signed_in
def idea_evaluations_page(request, org_slug, pk):
    idea = access.idea_for_user(
        user=request.user,
        org_slug=org_slug,
        pk=pk,
        perm="challenges.view_evaluation_results",
        message=_(
            "Only the challenge's managers and the organisation's decision makers can see "
            "evaluations."
        ),
    )
    context = _context(
        idea.challenge,
        idea=idea,
        idea_url=idea_url(idea),
        results_url=_results_url(idea.challenge),
        evaluations=idea_evaluations(idea=idea),
        summary=idea_result_summary(idea=idea),
    )
    return render(request, "challenges/evaluation/idea_evaluations.html", context)


def _results_challenge(request, org_slug, slug) -> Challenge:
    return access.challenge_for_user(
        user=request.user, org_slug=org_slug, slug=slug, perm="challenges.view_evaluation_results"
    )


@require_GET
@signed_in
def results_export_csv(request, org_slug, slug, table):
    challenge = _results_challenge(request, org_slug, slug)
    lines = exports.results_export_csv(actor=request.user, challenge=challenge, table=table)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    name = export_filename(challenge, "csv", what=table)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@signed_in
def results_export_xlsx(request, org_slug, slug):
    challenge = _results_challenge(request, org_slug, slug)
    workbook = exports.results_export_xlsx(actor=request.user, challenge=challenge)
    return FileResponse(
        workbook,
        as_attachment=True,
        filename=export_filename(challenge, "xlsx", what="results"),
        content_type=exports.XLSX_CONTENT_TYPE,
    )


def _decide(request, org_slug, pk, *, perm, decide, template, done_message):
    idea = access.idea_for_user(user=request.user, org_slug=org_slug, pk=pk, perm=perm)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change = decide(actor=request.user, idea=idea, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, done_message % {"title": idea.title})
            url = _results_url(idea.challenge)
            if change.ledger_sequence is not None:
                url += f"?recorded={change.ledger_sequence}#idea-{idea.pk}"
            return redirect(url)
    context = _context(
        idea.challenge,
        idea=idea,
        form=form,
        idea_url=idea_url(idea),
        results_url=_results_url(idea.challenge),
        summary=idea_result_summary(idea=idea),
    )
    return render(request, template, context)


def _results_url(challenge: Challenge) -> str:
    return reverse(
        "challenges:evaluation_results",
        kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
    )


@signed_in
def shortlist(request, org_slug, pk):
    return _decide(
        request,
        org_slug,
        pk,
        perm="challenges.shortlist_idea",
        decide=selection.idea_shortlist,
        template="challenges/evaluation/shortlist.html",
        done_message=_("“%(title)s” is on the shortlist."),
    )


@signed_in
def select(request, org_slug, pk):
    return _decide(
        request,
        org_slug,
        pk,
        perm="challenges.select_idea",
        decide=selection.idea_select,
        template="challenges/evaluation/select.html",
        done_message=_("“%(title)s” has been selected and the decision recorded in the ledger."),
    )


# --- pairwise -------------------------------------------------------------------------------


def _pairwise_url(challenge: Challenge) -> str:
    return reverse(
        "challenges:pairwise",
        kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
    )


@signed_in
def compare(request, org_slug, slug):
    challenge = access.challenge_for_user(
        user=request.user, org_slug=org_slug, slug=slug, perm="challenges.compare_ideas"
    )
    form = PairwiseForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if form.is_valid():
            first, second = access.ideas_for_user(
                user=request.user,
                pks=[form.cleaned_data["first"], form.cleaned_data["second"]],
            )
            choice = form.cleaned_data["choice"]
            winner, loser = (second, first) if choice == "second" else (first, second)
            try:
                pairwise_record(
                    actor=request.user,
                    challenge=challenge,
                    winner=winner,
                    loser=loser,
                    pair_token=form.cleaned_data["pair_token"],
                    tie=choice == "tie",
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            except RateLimited as exc:
                error = exc.message
            else:
                messages.success(request, _("Thank you. Here is the next pair."))
                return redirect(_pairwise_url(challenge))
        else:
            error = " ".join(e for errors in form.errors.values() for e in errors)
    pair = pairwise.next_pair(user=request.user, challenge=challenge)
    token = pairwise.pair_token(user=request.user, challenge=challenge, pair=pair) if pair else ""
    context = _context(
        challenge,
        pair=pair,
        pair_token=token,
        error=error,
        first_html=render_markdown(pair[0].description) if pair else "",
        second_html=render_markdown(pair[1].description) if pair else "",
    )
    return render(
        request, "challenges/evaluation/compare.html", context, status=400 if error else 200
    )


@signed_in
def pairwise_ranking(request, org_slug, slug):
    challenge = access.challenge_for_user(
        user=request.user, org_slug=org_slug, slug=slug, perm="challenges.view_evaluation_results"
    )
    ranking = pairwise.pairwise_ranking(challenge=challenge)
    context = _context(challenge, ranking=ranking, results_url=_results_url(challenge))
    return render(request, "challenges/evaluation/pairwise_ranking.html", context)


urlpatterns = [
    path("evaluations/", my_evaluations, name="my_evaluations"),
    path("challenges/<slug:slug>/evaluation/scorecard/", scorecard, name="scorecard"),
    path("challenges/<slug:slug>/evaluation/criteria/add/", criterion_edit, name="criterion_add"),
    path(
        "challenges/<slug:slug>/evaluation/criteria/<int:pk>/",
        criterion_edit,
        name="criterion_edit",
    ),
    path(
        "challenges/<slug:slug>/evaluation/criteria/<int:pk>/remove/",
        criterion_delete,
        name="criterion_delete",
    ),
    path(
        "challenges/<slug:slug>/evaluation/assignments/",
        assignments,
        name="evaluation_assignments",
    ),
    path(
        "challenges/<slug:slug>/evaluation/assignments/automatic/",
        assign_automatic,
        name="evaluation_assign_automatic",
    ),
    path("ideas/<int:pk>/evaluation/evaluators/", assign_idea, name="evaluation_assign_idea"),
    path(
        "evaluation/assignments/<int:pk>/remove/",
        assignment_remove,
        name="evaluation_assignment_remove",
    ),
    path("ideas/<int:pk>/evaluation/score/", evaluate, name="evaluate"),
    path("challenges/<slug:slug>/evaluation/results/", results, name="evaluation_results"),
    path("ideas/<int:pk>/evaluation/", idea_evaluations_page, name="idea_evaluations"),
    path(
        "challenges/<slug:slug>/evaluation/results/ranking.csv",
        results_export_csv,
        {"table": "ranking"},
        name="evaluation_results_ranking_csv",
    ),
    path(
        "challenges/<slug:slug>/evaluation/results/comments.csv",
        results_export_csv,
        {"table": "comments"},
        name="evaluation_results_comments_csv",
    ),
    path(
        "challenges/<slug:slug>/evaluation/results/results.xlsx",
        results_export_xlsx,
        name="evaluation_results_xlsx",
    ),
    path("ideas/<int:pk>/evaluation/shortlist/", shortlist, name="evaluation_shortlist"),
    path("ideas/<int:pk>/evaluation/select/", select, name="evaluation_select"),
    path("challenges/<slug:slug>/compare/", compare, name="pairwise"),
    path("challenges/<slug:slug>/compare/ranking/", pairwise_ranking, name="pairwise_ranking"),
]
