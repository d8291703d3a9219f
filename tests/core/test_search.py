"""Full-text search in the database (ADR 14): stemming per language, the index kept in step
with every write in the same transaction, and no warm-up in a fresh process."""

import sqlite3
import subprocess
import sys

import pytest
from django.db import connection, transaction

from civiclab.challenges.models import Idea, IdeaStatus
from civiclab.challenges.services.ideas import idea_create, idea_update
from civiclab.challenges.services.merge import idea_merge
from civiclab.core.models import SearchDocument
from civiclab.core.search import languages
from civiclab.core.search.index import reindex
from civiclab.core.search.query import ranked_hits
from civiclab.discussion.services.moderation import moderation_hide
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.factories import OrganisationFactory, UserFactory, member

pytestmark = pytest.mark.django_db

IDEA = "challenges.idea"


def found(text: str, *, language: str | None = None, challenge=None) -> list[int]:
    return [
        hit.object_id
        for hit in ranked_hits(
            text=text,
            kinds=[IDEA],
            languages_=[language] if language else [],
            scope_ids=[challenge.pk] if challenge else [],
        )
    ]


# -- stemming per language -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "code", "indexed", "query"),
    [
        ("GB", "en", "Community gardens with benches", "garden bench"),
        ("DE", "de", "Neue Fahrräder für die Häuser", "Fahrrad Haus"),
        ("FR", "fr", "Des jardins partagés pour les quartiers", "jardin quartier"),
        ("ES", "es", "Bicicletas públicas en las plazas", "bicicleta plaza"),
        ("NL", "nl", "Meer bomen in de straten", "boom straat"),
        ("PL", "pl", "Nowe ścieżki rowerowe w parkach", "ścieżka rowerowa"),
    ],
)
def test_each_language_finds_a_plural_by_its_singular(country, code, indexed, query):
    organisation = OrganisationFactory(country=country)
    idea = IdeaFactory(challenge=ChallengeFactory(organisation=organisation), title=indexed)
    assert languages.language_for_country(country) == code
    assert found(query, language=code) == [idea.pk]
    assert found("submarine orchestra", language=code) == []


def test_the_organisations_country_decides_the_language():
    german = ChallengeFactory(organisation=OrganisationFactory(country="AT"))
    idea = IdeaFactory(challenge=german, title="Die Häuser am Fluss")
    assert SearchDocument.objects.get(kind=IDEA, object_id=idea.pk).language == "de"
    # A site-wide search reads the words in every language, so it finds it too.
    assert found("Haus") == [idea.pk]


def test_polish_is_stemmed_by_snowball_and_indexed_with_simple_on_postgresql():
    challenge = ChallengeFactory(organisation=OrganisationFactory(country="PL"))
    idea = IdeaFactory(challenge=challenge, title="Ścieżki rowerowe")
    document = SearchDocument.objects.get(kind=IDEA, object_id=idea.pk)
    assert document.config == "simple"
    assert document.title == "ścieżk rowerow"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL stems English itself")
def test_postgresql_keeps_the_text_of_languages_it_stems_itself():
    idea = IdeaFactory(title="Community gardens")
    document = SearchDocument.objects.get(kind=IDEA, object_id=idea.pk)
    assert (document.config, document.title) == ("english", "Community gardens")


# -- kept in step with every write ------------------------------------------------------------


def test_a_new_idea_is_found_in_the_transaction_that_creates_it():
    challenge = ChallengeFactory()
    author = UserFactory()
    with transaction.atomic():
        idea = idea_create(
            actor=author,
            challenge=challenge,
            title="Rooftop beehives",
            summary="Honey bees on public roofs.",
            description="Bees need flowers.",
        )
        assert found("beehive", challenge=challenge) == [idea.pk]


def test_a_rolled_back_create_leaves_no_document():
    challenge = ChallengeFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        IdeaFactory(challenge=challenge, title="Rooftop beehives")
        raise RuntimeError("the write fails after the save")
    assert found("beehive") == []
    assert not SearchDocument.objects.filter(kind=IDEA).exists()


def test_an_edit_replaces_the_old_text():
    idea = IdeaFactory(title="Weekly farmers market")
    idea_update(actor=idea.author, idea=idea, title="Outdoor chess tables")
    assert found("chess") == [idea.pk]
    assert found("farmers market") == []


def test_a_counter_update_does_not_rewrite_the_document(django_assert_num_queries):
    idea = Idea.objects.get(pk=IdeaFactory().pk)
    with django_assert_num_queries(1):  # the UPDATE of the idea, nothing for search
        idea.save(update_fields=["support_count"])


def test_a_deleted_idea_leaves_the_index():
    idea = IdeaFactory(title="Rooftop beehives")
    idea.delete()
    assert found("beehive") == []
    assert not SearchDocument.objects.filter(kind=IDEA, object_id=idea.pk).exists()


def test_a_deleted_challenge_leaves_the_index():
    challenge = ChallengeFactory(title="Rooftop beehives everywhere")
    assert [h.object_id for h in ranked_hits(text="beehive", kinds=["challenges.challenge"])] == [
        challenge.pk
    ]
    challenge.delete()
    assert ranked_hits(text="beehive", kinds=["challenges.challenge"]) == []


def test_a_merged_idea_keeps_its_document_and_the_list_leaves_it_out(client):
    challenge = ChallengeFactory()
    target = IdeaFactory(challenge=challenge, title="Lights on the canal path")
    source = IdeaFactory(challenge=challenge, title="Lamps along the canal")
    moderator = member(challenge.organisation, Role.MODERATOR)
    idea_merge(actor=moderator, source=source, target=target, reason="The same idea.")
    source.refresh_from_db()
    assert source.status == IdeaStatus.MERGED
    # The document stays (an unmerge brings the idea back); visibility is decided per search.
    assert SearchDocument.objects.filter(kind=IDEA, object_id=source.pk).exists()
    response = client.get(f"/api/v1/challenges/{challenge.pk}/ideas", {"q": "canal"})
    assert [row["id"] for row in response.json()["items"]] == [target.pk]


def test_a_hidden_idea_is_found_only_by_those_who_may_see_it(client):
    challenge = ChallengeFactory()
    idea = IdeaFactory(challenge=challenge, title="Rooftop beehives")
    moderator = member(challenge.organisation, Role.MODERATOR)
    moderation_hide(actor=moderator, item=idea, reason="Off topic.")
    url = f"/api/v1/challenges/{challenge.pk}/ideas"
    assert client.get(url, {"q": "beehive"}).json()["items"] == []
    client.force_login(moderator)
    assert [row["id"] for row in client.get(url, {"q": "beehive"}).json()["items"]] == [idea.pk]


def test_reindex_rebuilds_documents_written_around_the_orm():
    idea = IdeaFactory(title="Rooftop beehives")
    Idea.objects.filter(pk=idea.pk).update(title="Outdoor chess tables")  # no signal
    assert found("chess") == []
    assert reindex(kinds=[IDEA]) == 1
    assert found("chess") == [idea.pk]


def test_the_reindex_command_refuses_an_unknown_kind():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=r"Unknown search kind: nothing\.here"):
        call_command("search_reindex", "nothing.here")


# -- no warm-up --------------------------------------------------------------------------------


def test_search_holds_nothing_in_the_process():
    # No module of search keeps a cache of documents, terms or indexes between calls.
    import civiclab.challenges.selectors.similar as similar
    import civiclab.core.search.query as query

    for module in (query, similar):
        state = [
            name
            for name, value in vars(module).items()
            if isinstance(value, dict | list | set)
            and not name.isupper()
            and name != "__all__"
            and not name.startswith("__")
        ]
        assert state == [], (module.__name__, state)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the test copies the SQLite database")
def test_the_first_search_of_a_fresh_process_needs_no_build(tmp_path, settings):
    """A new process (nothing imported but Django) answers its first search from the
    database's index in one statement: nothing is read into memory first."""
    IdeaFactory(title="Rooftop beehives")
    # The test database is in memory or a file only this process sees; a fresh process reads
    # a copy of it.
    target = tmp_path / "copy.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    script = (
        "import os, time, django;"
        "os.environ['DJANGO_SETTINGS_MODULE']='civiclab.config.settings.test';"
        f"os.environ['DATABASE_URL']='sqlite:///{target}';"
        "django.setup();"
        "from django.db import connection;"
        "from civiclab.core.search.query import ranked_hits;"
        "connection.force_debug_cursor = True;"
        "hits = ranked_hits(text='beehive', kinds=['challenges.idea']);"
        "print(len(hits), len(connection.queries))"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()
    assert output == ["1", "1"]
