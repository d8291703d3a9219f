"""Core pages: home, accessibility statement, error pages and job progress."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from civiclab.core.jobs import job_advance, job_finish, job_start
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def has_url(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def assert_no_inline_code(html: str) -> None:
    """Strict CSP: every script has a src, and no element carries a style attribute."""
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, tag
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers either


@pytest.fixture
def job_owner():
    return UserFactory(display_name="Jo Owner")


@pytest.fixture
def job(job_owner):
    job = job_start(owner=job_owner, label="Export ideas", total=4)
    job_advance(job.pk, done=1, message="Exported challenge 1")
    return job


@pytest.mark.parametrize("url", ["/", "/accessibility/"])
def test_public_pages_render_with_one_h1_landmarks_and_the_accessibility_link(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert '<html lang="en"' in html
    for landmark in ("<header", "<main", "<footer", 'aria-label="Main"'):
        assert landmark in html
    assert 'href="#main-content"' in html  # skip link
    assert f'href="{reverse("accessibility")}"' in html
    assert 'href="/api/v1/docs"' in html


def test_the_csp_header_is_strict_and_base_has_no_inline_script_or_style(client, job_owner):
    client.force_login(job_owner)
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    assert_no_inline_code(html)
    assert re.search(r'<script src="/static/django_htmx/htmx-2\.min\.js" defer>', html)
    assert '<script src="/static/core/civiclab.js" defer>' in html


def test_a_visitor_sees_sign_in_and_create_account(client):
    html = client.get("/").content.decode()
    if has_url("accounts:login"):
        assert f'href="{reverse("accounts:login")}"' in html
    if has_url("accounts:signup"):
        assert f'href="{reverse("accounts:signup")}"' in html
    assert "Sign out" not in html


def test_a_signed_in_person_sees_their_name_sign_out_button_and_organisations(client):
    user = UserFactory(display_name="Amira Haddad")
    organisation = OrganisationFactory(name="City of Rivermouth")
    MembershipFactory(user=user, organisation=organisation, role="staff")
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "Amira Haddad" in html
    if has_url("accounts:logout"):
        assert re.search(rf'<form[^>]*method="post" action="{reverse("accounts:logout")}"', html)
        assert ">Sign out</button>" in html
    assert "Your organisations" in html
    assert "City of Rivermouth" in html


def test_the_organisation_switcher_appears_for_members_of_several_organisations(client):
    if not has_url("organisations:switch"):
        pytest.skip("organisations:switch is not routed")
    user = UserFactory()
    first = OrganisationFactory(name="Alpha Agency")
    second = OrganisationFactory(name="Beta Borough")
    MembershipFactory(user=user, organisation=first)
    client.force_login(user)
    assert 'id="org-switcher-select"' not in client.get("/").content.decode()

    MembershipFactory(user=user, organisation=second)
    html = client.get("/").content.decode()
    assert f'action="{reverse("organisations:switch")}"' in html
    assert '<label class="org-switcher__label" for="org-switcher-select">' in html
    assert f'<option value="{first.pk}" selected>Alpha Agency</option>' in html
    assert f'<option value="{second.pk}">Beta Borough</option>' in html
    assert '<input type="hidden" name="next" value="/">' in html


def test_flash_messages_are_announced_by_level():
    request = RequestFactory().get("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    request._messages.add(constants.SUCCESS, "Idea submitted.")
    request._messages.add(constants.ERROR, "The vote is closed.")
    html = render_to_string("core/partials/messages.html", request=request)
    assert re.search(r'notification--success" role="status">', html)
    assert re.search(r'notification--error" role="alert">', html)
    assert "Idea submitted." in html and "The vote is closed." in html


def test_the_accessibility_statement_is_a_real_statement(client):
    html = client.get("/accessibility/").content.decode()
    for section in (
        "WCAG",
        "2.2",
        "axe-core",
        "keyboard",
        "JavaScript switched off",
        "Known limitations",
        "reporting a problem",
        "Enforcement procedure",
    ):
        assert section in html, section


def test_an_unknown_page_gets_the_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert f'href="{reverse("accessibility")}"' in html


def test_the_500_page_renders_without_a_request_or_database():
    html = render_to_string("500.html")
    assert "Sorry, there is a problem with the service" in html
    assert 'href="/accessibility/"' in html
    assert_no_inline_code(html)


def test_the_job_owner_sees_the_full_progress_page(client, job, job_owner):
    client.force_login(job_owner)
    response = client.get(reverse("core:job_progress", args=[job.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Export ideas" in html
    assert '<progress class="progress__bar" max="100" value="25"' in html
    assert "Exported challenge 1" in html
    assert f'hx-get="{reverse("core:job_progress", args=[job.pk])}"' in html
    assert 'hx-trigger="every 2s"' in html
    assert ">Refresh<" in html  # works without JavaScript


def test_an_htmx_request_gets_only_the_progress_partial(client, job, job_owner):
    client.force_login(job_owner)
    response = client.get(
        reverse("core:job_progress", args=[job.pk]),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/exports/"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.strip().startswith('<div class="progress progress--running"')
    assert '<a href="/exports/">Refresh' in html  # the page the person is looking at


def test_a_finished_job_stops_polling_and_links_to_its_result(client, job, job_owner):
    job_finish(job.pk, result_url="/exports/42/")
    client.force_login(job_owner)
    html = client.get(
        reverse("core:job_progress", args=[job.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "hx-get" not in html
    assert 'value="100"' in html
    assert '<a href="/exports/42/">See the result</a>' in html


def test_someone_elses_job_is_not_found(client, job):
    # A job's address must not confirm that somebody else runs a job by that id.
    client.force_login(UserFactory())
    response = client.get(reverse("core:job_progress", args=[job.pk]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_platform_admin_may_see_any_job(client, job):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("core:job_progress", args=[job.pk])).status_code == 200


def test_an_anonymous_visitor_is_sent_to_sign_in(client, job):
    url = reverse("core:job_progress", args=[job.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_anonymous_htmx_poll_sends_the_whole_page_to_sign_in(client, job):
    response = client.get(
        reverse("core:job_progress", args=[job.pk]),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/exports/?x=1"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("accounts:login") + "?next=/exports/%3Fx%3D1"


def test_a_form_posted_without_its_csrf_token_gets_a_plain_explanation():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/accessibility/", {})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your form could not be sent" in html
    assert f'href="{reverse("accessibility")}"' in html


def test_the_design_system_page_shows_every_component(rf):
    from civiclab.core.views import design_system

    request = rf.get("/design-system/", {"errors": "1"})
    request.user = UserFactory()
    request.session = {}
    html = design_system(request).content.decode()
    assert html.count("<h1") == 1
    for component in (
        "error-summary",
        "button--warning",
        "tag--purple",
        "summary-list",
        "table-wrapper",
        "cards",
        "progress__bar",
        "pagination",
        "empty-state",
        "notification--success",
    ):
        assert component in html, component
    assert "hx-get" not in html  # the example job does not poll
    assert_no_inline_code(html)


def test_the_design_system_page_is_not_routed_without_debug(client):
    assert client.get("/design-system/").status_code == 404
