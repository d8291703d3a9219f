"""Core pages: home, site search, accessibility statement, health check, job progress,
error pages."""

import uuid
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render, resolve_url
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRedirect

from . import clock, page_sections
from .access import job_for_user
from .forms import SiteSearchForm
from .models import JobProgress
from .search import registry as search_registry
from .selectors import site_search


def home(request: HttpRequest) -> HttpResponse:
    """A signed-in person's workspace, or for visitors what is happening in public; the apps
    add the blocks (`page_sections.WORKSPACE` and `HOME`)."""
    if request.user.is_authenticated:
        sections = page_sections.render(page_sections.WORKSPACE, request, request.user)
    else:
        sections = page_sections.render(page_sections.HOME, request, None)
    return render(request, "core/home.html", {"sections": sections})


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """One search over every registered kind (challenges, ideas, ...) the visitor may see."""
    kinds = [(s.kind, s.label) for s in search_registry.registered()]
    form = SiteSearchForm(request.GET or None, kinds=kinds)
    found = None
    if form.is_valid():
        found = site_search(
            user=request.user,
            text=form.cleaned_data["q"],
            kinds=form.cleaned_data["kind"],
            page_number=request.GET.get("page"),
        )
    return render(request, "core/search.html", {"form": form, "found": found})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def _database_check() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok"}


def _task_queue_check() -> dict:
    """How many tasks wait to run and how long the oldest has waited (a backlog is not fatal)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    age = (clock.now() - oldest).total_seconds() if oldest else 0
    return {"status": "ok", "ready": ready.count(), "oldest_ready_age_seconds": round(age, 1)}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers, 503 when it does not."""
    checks = {}
    try:
        checks["database"] = _database_check()
    except DatabaseError:
        checks["database"] = {"status": "error"}
    try:
        checks["task_queue"] = _task_queue_check()
    except DatabaseError:
        checks["task_queue"] = {"status": "error"}
    # Only the database is fatal: a queue backlog or a missing worker is reported, not failed.
    healthy = checks["database"]["status"] == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks},
        status=200 if healthy else 503,
    )


@never_cache
def job_progress(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    if not request.user.is_authenticated:
        return _to_login(request)
    job = job_for_user(user=request.user, pk=pk)
    htmx = getattr(request, "htmx", None)
    if htmx:
        refresh_url = htmx.current_url_abs_path or request.get_full_path()
        return render(
            request, "core/partials/progress.html", {"job": job, "refresh_url": refresh_url}
        )
    return render(request, "core/job_progress.html", {"job": job})


def _to_login(request: HttpRequest) -> HttpResponse:
    """Anonymous: the sign-in page. A polling htmx request (e.g. after the session expired)
    sends the whole page there, instead of swapping the sign-in page into the progress bar.
    """
    htmx = getattr(request, "htmx", None)
    if htmx:
        page = htmx.current_url_abs_path or request.get_full_path()
        return HttpResponseClientRedirect(f"{resolve_url(settings.LOGIN_URL)}?next={quote(page)}")
    return redirect_to_login(request.get_full_path())


def design_system(request: HttpRequest) -> HttpResponse:
    """Every component on one page, for people building pages; only routed when DEBUG is on."""
    from django.core.paginator import Paginator

    from .forms import ShowcaseForm

    # ?errors shows every field in its error state without having to submit the form.
    bound = request.method == "POST" or "errors" in request.GET
    form = ShowcaseForm(request.POST if bound else None)
    page_obj = Paginator(range(1, 201), 10).get_page(request.GET.get("page", 7))
    example_job = JobProgress(label="Tallying ballots", state="running", done=420, total=1000)
    example_job.message = "Counting round 3 of 7."
    statuses = ["draft", "submitted", "selected", "on_hold", "pivot", "rejected", "pilot"]
    return render(
        request,
        "core/design_system.html",
        {"form": form, "page_obj": page_obj, "example_job": example_job, "statuses": statuses},
    )
