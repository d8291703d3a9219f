"""One registry of page sections: apps add to the profile, an organisation's page and an
idea's page without the page's app importing them."""

import pytest
from django.urls import reverse

from civiclab.core import page_sections
from tests.challenges.factories import IdeaFactory
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def section_template(tmp_path, settings):
    (tmp_path / "tests_section.html").write_text(
        "<h2>Became initiative {{ marker }}</h2>{{ idea.pk }}{{ organisation.pk }}"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    return "tests_section.html"


@pytest.fixture
def registered(section_template):
    added = []

    def register(page):
        page_sections.register(
            page, section_template, get_context=lambda request, obj: {"marker": page.name}
        )
        added.append(page)

    yield register
    for page in added:
        page_sections.unregister(page, section_template)


def test_a_section_added_to_the_idea_page_shows_there_with_the_idea(client, registered):
    idea = IdeaFactory()
    registered(page_sections.IDEA)
    html = client.get(idea.get_absolute_url()).content.decode()
    assert f"<h2>Became initiative idea</h2>{idea.pk}" in html


def test_a_section_goes_only_to_the_page_it_was_added_to(client, registered):
    organisation = OrganisationFactory()
    registered(page_sections.IDEA)
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert "Became initiative" not in html


def test_registering_the_same_template_twice_keeps_one(client, registered):
    idea = IdeaFactory()
    registered(page_sections.IDEA)
    registered(page_sections.IDEA)
    html = client.get(idea.get_absolute_url()).content.decode()
    assert html.count("Became initiative") == 1


def test_sections_come_in_their_order(section_template):
    page = page_sections.Page("test-page", "thing")
    page_sections.register(page, "b.html", order=20)
    page_sections.register(page, "a.html", order=10)
    assert [s.template_name for s in page_sections.sections_of(page)] == ["a.html", "b.html"]


def test_the_profile_renders_its_sections(client, registered):
    user = UserFactory()
    client.force_login(user)
    registered(page_sections.PROFILE)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "<h2>Became initiative profile</h2>" in html
