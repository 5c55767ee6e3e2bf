"""Two writers racing for one slug: the one that loses takes the next suffix, never a traceback.

The race is staged without threads or timing: the rival article is written right
after the slug was looked up and before the insert, where a concurrent save lands.
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from articles import content
from articles.models import Article
from ingest.importers.records import ImportedArticle
from ingest.importers.saving import _BatchSaver, save_articles

pytestmark = pytest.mark.django_db


def rival(slug: str, **fields) -> None:
    """Another writer's article, committed meanwhile (bulk_create: no save(), no look-up)."""
    Article.objects.bulk_create([Article(headline="Rival", slug=slug, **fields)])


def test_a_save_that_loses_its_slug_takes_the_next(monkeypatch):
    look_up = content.unique_slug
    raced = []

    def racing(article):
        slug = look_up(article)
        if not raced:
            raced.append(slug)
            rival(slug)
        return slug

    monkeypatch.setattr(content, "unique_slug", racing)
    article = Article.objects.create(headline="Harbour wall falls", body="<p>x</p>")
    assert raced == ["harbour-wall-falls"]
    assert article.slug == "harbour-wall-falls-2"
    assert Article.objects.filter(slug__startswith="harbour-wall-falls").count() == 2


def test_a_chosen_slug_that_is_taken_is_not_changed_behind_the_editors_back():
    rival("chosen")
    with pytest.raises(IntegrityError):
        Article.objects.create(headline="Mine", slug="chosen", body="")


def test_an_import_that_loses_a_slug_takes_the_next(monkeypatch):
    assign = _BatchSaver.assign_slugs
    raced = []

    def racing(self, articles):
        assign(self, articles)
        if not raced:
            raced.append(articles[0].slug)
            rival(articles[0].slug)

    monkeypatch.setattr(_BatchSaver, "assign_slugs", racing)
    result = save_articles([ImportedArticle(record=1, headline="Ferry times", import_ref="f:1")])
    assert (result.created, raced) == (1, ["ferry-times"])
    assert Article.objects.get(import_ref="f:1").slug == "ferry-times-2"


def test_an_import_racing_another_for_the_same_record_ends_in_a_clear_error(monkeypatch, tmp_path):
    # The other import stores desk:1 just after this one looked for it.
    monkeypatch.setattr(_BatchSaver, "find_existing", lambda self, items: ({}, {}))
    rival("first-copy", import_ref="desk:1")
    path = tmp_path / "one.jsonl"
    path.write_text('{"import_ref": "desk:1", "headline": "Ferry times", "body": "<p>x</p>"}\n')
    with pytest.raises(CommandError, match="written by someone else at the same time"):
        call_command("import_articles", str(path), stdout=StringIO(), stderr=StringIO())
    assert Article.objects.count() == 1
