"""Imports name authors where a byline names one person with a profile; export and
import carry authors, so a round trip keeps them."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import Article
from articles.models.author import ArticleAuthor, Author
from ingest.importers import jsonl
from ingest.importers.authors import AuthorMatcher
from ingest.importers.saving import save_articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def profiles():
    return [
        Author.objects.create(name="Ann Reed", slug="ann-reed"),
        Author.objects.create(name="Ben Cole", slug="ben-cole"),
    ]


def import_lines(tmp_path, records):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    out = StringIO()
    call_command("import_articles", str(path), "--format", "jsonl", stdout=out, stderr=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("Ann Reed", "ann-reed"),
        ("  by ANN   reed ", "ann-reed"),
        ("Ann Reed and Ben Cole", None),
        ("Ann Reed, Ben Cole", None),
        ("Ann Reed & Ben Cole", None),
        ("Staff reporter", None),
        ("", None),
    ],
)
def test_a_byline_names_an_author_only_when_it_names_one_known_person(profiles, byline, expected):
    found = AuthorMatcher().match(byline)
    assert found == (Author.objects.get(slug=expected).pk if expected else None)


def test_two_profiles_with_one_name_are_ambiguous(profiles):
    Author.objects.create(name="Ann Reed", slug="ann-reed-2")
    assert AuthorMatcher().match("Ann Reed") is None


def test_import_maps_bylines_and_keeps_the_rest(tmp_path, profiles):
    import_lines(
        tmp_path,
        [
            {"import_ref": "a", "headline": "One", "body": "<p>x</p>", "byline": "Ann Reed"},
            {
                "import_ref": "b",
                "headline": "Two",
                "body": "<p>x</p>",
                "byline": "Ann Reed and Ben Cole",
            },
            {"import_ref": "c", "headline": "Three", "body": "<p>x</p>", "byline": "Reuters"},
        ],
    )
    one, two, three = (Article.objects.get(import_ref=r) for r in "abc")
    assert [a.slug for a in one.author_list] == ["ann-reed"]
    assert one.byline_text == "Ann Reed"
    assert two.author_list == [] and two.byline_text == "Ann Reed and Ben Cole"
    assert three.author_list == [] and three.byline == "Reuters"
    assert Author.objects.count() == 2  # no profile made from a byline


def test_reimport_is_a_no_op_and_keeps_authors(tmp_path, profiles):
    records = [{"import_ref": "a", "headline": "One", "body": "<p>x</p>", "byline": "Ann Reed"}]
    import_lines(tmp_path, records)
    output = import_lines(tmp_path, records)
    assert "0 created" in output and "1 unchanged" in output
    assert ArticleAuthor.objects.count() == 1


def test_export_then_import_into_an_empty_database_keeps_authors(tmp_path, make_article, profiles):
    ann, ben = profiles
    article = make_article(headline="Two reporters")
    article.bylines.create(author=ben, position=0)
    article.bylines.create(author=ann, position=1)
    path = tmp_path / "export.jsonl"
    call_command("export_articles", "--output", str(path), stdout=StringIO())
    record = json.loads(path.read_text())
    assert record["authors"] == [
        {"name": "Ben Cole", "slug": "ben-cole"},
        {"name": "Ann Reed", "slug": "ann-reed"},
    ]
    Article.objects.all().delete()
    Author.objects.all().delete()
    call_command("import_articles", str(path), stdout=StringIO(), stderr=StringIO())
    restored = Article.objects.get(slug=article.slug)
    assert restored.byline_text == "Ben Cole and Ann Reed"
    assert [a.slug for a in restored.author_list] == ["ben-cole", "ann-reed"]


@pytest.mark.parametrize(
    "authors",
    [
        "Ann Reed",
        [{"name": "Ann"}],
        [{"name": "", "slug": "ann"}],
        [{"name": "Ann", "slug": "a b"}],
    ],
)
def test_bad_authors_reject_the_record_naming_the_field(authors):
    item = jsonl.from_fields(3, {"headline": "x", "body": "y", "authors": authors})
    assert item.field == "authors" and item.record == 3


def test_save_articles_writes_bylines_in_batches(profiles, django_assert_max_num_queries):
    items = [
        jsonl.from_fields(
            n,
            {"import_ref": f"r{n}", "headline": f"H{n}", "body": "<p>b</p>", "byline": "Ben Cole"},
        )
        for n in range(1, 31)
    ]
    result = save_articles(items, batch_size=10)
    assert result.created == 30
    assert ArticleAuthor.objects.filter(author__slug="ben-cole").count() == 30
