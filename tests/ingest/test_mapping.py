"""Another system's CSV or JSON, mapped to our fields: --map, --ignore, --records."""

import json
import shlex
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from ingest.importers import FormatError, csv_rows, guess_format, json_document, jsonl
from ingest.importers.mapping import FieldMap, MappingError

from .helpers import DATA

NEWS_API = [
    "--records", "articles",
    "--map", "title=headline", "--map", "description=standfirst", "--map", "content=body",
    "--map", "url=source_url", "--map", "urlToImage=lead_image_url",
    "--map", "publishedAt=published_at", "--map", "author=byline",
    "--map", "source.name=source_name", "--ignore", "source.id",
]  # fmt: skip
CSV_MAP = FieldMap.from_arguments(
    ["ref=import_ref", "title=headline", "description=body"], ["label"]
)


def run(*args) -> str:
    out = StringIO()
    call_command("import_articles", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


def parsed(module, name, **options):
    with (DATA / name).open("rb") as fp:
        module.check(fp, **options)
        fp.seek(0)
        return list(module.parse(fp, **options))


def test_map_arguments_are_checked():
    for maps, message in [
        (["title"], "write SOURCE=FIELD"),
        (["title=heading"], "heading is none of our fields"),
        (["title=headline", "name=headline"], "two keys would fill headline"),
        (["title=headline", "title=standfirst"], "title is mapped twice"),
    ]:
        with pytest.raises(MappingError, match=message):
            FieldMap.from_arguments(maps)


def test_a_mapped_csv_with_quoting_and_entity_fragments():
    council, crane, quotas = parsed(csv_rows, "mapped.csv", fields=CSV_MAP)
    assert council.import_ref == "harbour:1"
    assert council.headline == 'Council backs $4 million sea wall after "long debate"'
    assert council.body == (
        "<p>Councillors voted nine to three on Tuesday. The harbour master called it "
        '"overdue", and Smith &amp; Sons will build it.</p>'
    )
    assert crane.headline == "Harbour's new crane arrives"
    # Escaped tags in plain text are text: shown, never markup.
    assert crane.body == (
        "<p>The crane, shipped from Rotterdam, is the port's largest &lt;b&gt;ever&lt;/b&gt;.</p>"
    )
    assert quotas.body == (
        '<p>A cell with "doubled quotes", a comma, and a line break inside its quotes.</p>'
        "<p>A second paragraph.</p>"
    )
    assert quotas.raw["label"] == "1"  # rejects show the row as the file had it


def test_an_unknown_column_shows_our_fields_and_the_fix():
    with (DATA / "mapped.csv").open("rb") as fp, pytest.raises(FormatError) as error:
        csv_rows.check(fp)
    message = str(error.value)
    assert message.startswith(
        "unknown column(s) in the header row: ref, label, title, description."
    )
    assert "Our fields are import_ref, slug, headline, standfirst, summary" in message
    # A body is required and a description is the nearest thing to one.
    assert message.endswith(
        "e.g. --map ref=import_ref --ignore label --map title=headline --map description=body"
    )


@pytest.mark.django_db
def test_the_suggested_line_imports_the_file():
    with pytest.raises(CommandError) as error:
        run(DATA / "mapped.csv")
    fix = str(error.value).split("e.g. ")[1].removesuffix(". Nothing was written.")
    assert "3 created, 0 updated, 0 unchanged, 0 rejected" in run(
        DATA / "mapped.csv", *shlex.split(fix)
    )
    assert "3 unchanged" in run(DATA / "mapped.csv", *shlex.split(fix))


def test_a_news_api_response_with_nulls_and_cut_content():
    fields = FieldMap.from_arguments(
        [arg for flag, arg in zip(NEWS_API, NEWS_API[1:], strict=False) if flag == "--map"],
        ["source.id"],
    )
    storm, fares, crew = parsed(json_document, "newsapi.json", fields=fields, records="articles")
    assert (
        storm.import_ref == storm.source_url == "https://coastpost.example/2025/storm-closes-road"
    )
    assert (storm.headline, storm.byline, storm.source_name) == (
        "Storm closes the coast road", "Jo Marsh", "Coast Post"
    )  # fmt: skip
    assert storm.standfirst == "Police shut the road at noon as waves topped the wall."
    assert storm.body.endswith("Drivers were sent inland…</p>")  # no "[+1834 chars]"
    assert storm.lead_image.url == "https://coastpost.example/img/storm.jpg"
    assert storm.published_at == datetime(2025, 1, 14, 12, 5, tzinfo=UTC)
    # null is missing: no byline, no standfirst, no image
    assert (fares.byline, fares.standfirst, fares.lead_image.url) == ("", "", "")
    assert fares.body == "<p>The operator said fares would not rise this year. …</p>"
    assert (crew.field, crew.reason) == ("body", "missing body")
    assert crew.raw["content"] is None


@pytest.mark.django_db
def test_importing_a_news_api_response():
    with pytest.raises(CommandError, match="1 record\\(s\\) rejected"):
        run(DATA / "newsapi.json", *NEWS_API, "--status", "published")
    storm = Article.objects.get(source_url="https://coastpost.example/2025/storm-closes-road")
    assert storm.is_published() and storm.source_name == "Coast Post"
    assert Article.objects.count() == 2


@pytest.mark.django_db
def test_a_news_api_response_without_mapping_says_what_would_read_it():
    with pytest.raises(CommandError) as error:
        run(DATA / "newsapi.json")
    assert "the document is one object: say where its records are, e.g. --records articles" in str(
        error.value
    )
    with pytest.raises(CommandError) as error:
        run(DATA / "newsapi.json", "--records", "articles")
    message = str(error.value)
    # `author` is one of our fields (a desk account's username): not unknown.
    assert "unknown key(s): source.id, source.name, title, description, url" in message
    fix = message.split("e.g. ")[1].removesuffix(". Nothing was written.")
    assert fix == (
        "--ignore source.id --map source.name=source_name "
        "--map title=headline --map description=standfirst --map url=source_url "
        "--map urlToImage=lead_image_url --map publishedAt=published_at --map content=body"
    )
    with pytest.raises(CommandError, match="1 record\\(s\\) rejected"):
        run(DATA / "newsapi.json", "--records", "articles", *shlex.split(fix))
    assert Article.objects.count() == 2


def test_records_path_errors_name_the_path(tmp_path):
    path = tmp_path / "doc.json"
    path.write_text(json.dumps({"data": {"items": [{"headline": "A", "body": ""}]}}))
    with path.open("rb") as fp:
        (item,) = json_document.parse(fp, records="data.items")
    assert item.headline == "A"
    for records, message in [("data.rows", "has no 'rows' there"), ("data", "not a list")]:
        with path.open("rb") as fp, pytest.raises(FormatError, match=message):
            json_document.check(fp, records=records)
    with path.open("rb") as fp, pytest.raises(FormatError, match="--records data.items"):
        json_document.check(fp)


def test_a_list_of_records_needs_no_records_path(tmp_path):
    path = tmp_path / "list.json"
    path.write_text(json.dumps([{"headline": "A", "body": "<p>x</p>"}, 7], indent=2))
    assert guess_format(path.read_bytes()) == "json"
    with path.open("rb") as fp:
        first, second = json_document.parse(fp)
    assert first.headline == "A" and second.reason == "not a JSON object"


@pytest.mark.django_db
def test_json_lines_from_elsewhere_through_the_command(tmp_path):
    path = tmp_path / "other.jsonl"
    path.write_text('{"id": "o:1", "title": "A", "text": "Plain", "mood": "calm"}\n')
    with pytest.raises(CommandError, match="1 record\\(s\\) rejected"):
        run(path, "--map", "title=headline", "--map", "text=body")  # mood is unknown
    out = run(path, "--map", "id=import_ref", "--map", "title=headline", "--map", "text=body",
              "--ignore", "mood")  # fmt: skip
    assert "1 created" in out
    assert Article.objects.get(import_ref="o:1").body == "<p>Plain</p>"


def test_json_lines_records_are_mapped_one_by_one(tmp_path):
    path = tmp_path / "other.jsonl"
    path.write_text(
        '{"title": "A", "text": "Plain &amp; simple", "mood": "calm"}\n'
        '{"title": "B", "headline": "B too", "text": ""}\n'
    )
    fields = FieldMap.from_arguments(["title=headline", "text=body"], ["mood"])
    with path.open("rb") as fp:
        first, second = jsonl.parse(fp, fields=fields)
    assert (first.headline, first.body) == ("A", "<p>Plain &amp; simple</p>")
    assert (second.field, second.reason) == ("headline", "both under our name and mapped")


@pytest.mark.django_db
def test_options_a_format_does_not_read_are_refused():
    with pytest.raises(CommandError, match="--records applies to json files, not csv"):
        run(DATA / "articles.csv", "--records", "articles")
    with pytest.raises(CommandError, match="--map/--ignore applies to jsonl, csv, json files"):
        run(DATA / "feed_rss2.xml", "--map", "title=headline")
    with pytest.raises(CommandError, match="--map title=heading: heading is none of our fields"):
        run(DATA / "mapped.csv", "--map", "title=heading")


@pytest.mark.django_db
def test_json_nested_too_deeply_is_refused_not_a_traceback(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(CommandError, match="nested too deeply. Nothing was written"):
        run(deep)
    lines = tmp_path / "deep.jsonl"
    lines.write_text('{"headline": "A", "body": ""}\n' + "[" * 100_000 + "\n")
    with pytest.raises(CommandError, match="1 record\\(s\\) rejected"):
        run(lines)
