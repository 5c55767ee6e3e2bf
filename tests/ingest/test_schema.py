"""Export and import are one schema: every field an article has survives a round trip."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Article, ArticleRedirect, OldAddress, Tag
from articles.models.correction import Correction
from ingest.importers import jsonl
from ingest.importers.records import ImportedArticle
from ingest.importers.schema import DERIVED_FIELDS, FIELDS, record
from tests.image_factory import gps_exif, image_bytes, upload

pytestmark = pytest.mark.django_db


def test_every_article_field_is_in_the_schema_or_derived():
    """A new field on Article (or table of rows of its own) must be exported and
    imported (ingest/importers/schema.py), or listed there as derived with the reason."""
    fields = [f.name for f in Article._meta.concrete_fields + Article._meta.many_to_many]
    fields += [relation.name for relation in Article._meta.related_objects]
    missing = [name for name in fields if name not in FIELDS and name not in DERIVED_FIELDS]
    assert missing == [], f"add to ingest.importers.schema.FIELDS (or DERIVED_FIELDS): {missing}"
    assert not set(FIELDS) & set(DERIVED_FIELDS)
    assert set(FIELDS) | set(DERIVED_FIELDS) <= {*fields, "import_ref"}


def test_export_writes_and_import_reads_every_schema_key(make_article):
    article = make_article()
    article.author_username = ""
    exported = record(article)
    assert list(exported) == list(FIELDS)
    parsed = jsonl.from_fields(1, exported)
    assert isinstance(parsed, ImportedArticle), parsed


def export(*args) -> None:
    call_command("export_articles", *map(str, args), stdout=StringIO(), stderr=StringIO())


def run_import(*args) -> str:
    out = StringIO()
    call_command("import_articles", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


def differences(before: dict, after: dict) -> list:
    """(slug, field, before, after) for every field that differs."""
    return [
        (slug, name, row.get(name), after.get(slug, {}).get(name))
        for slug, row in before.items()
        for name in row
        if row.get(name) != after.get(slug, {}).get(name)
    ] + sorted(after.keys() - before.keys())


def snapshot() -> dict[str, dict]:
    """Every field of every article (the id aside), tags by name, keyed by slug."""
    rows = {}
    for article in Article.objects.select_related("author"):
        row = {f.attname: getattr(article, f.attname) for f in Article._meta.concrete_fields}
        # This database's own: the key, the count of saves, the import that wrote it,
        # the time of its last write.
        del row["id"], row["version"], row["import_run_id"], row["changed_at"]
        row["author_id"] = article.author.username if article.author else None
        row["lead_image"] = article.lead_image.name
        row["tags"] = sorted(article.tags.values_list("name", flat=True))
        row["corrections"] = sorted(
            article.corrections.values_list("kind", "note", "published_at", "created_by__username")
        )
        row["redirects"] = sorted(article.redirects.values_list("old_slug", flat=True))
        row["old_addresses"] = sorted(article.old_addresses.values_list("address", flat=True))
        rows[article.slug] = row
    return rows


@pytest.fixture
def newsroom(make_article, make_tag, make_user):
    """Articles using every field: images uploaded and external, an author, all states."""
    reporter = make_user("rita")
    now = timezone.now()
    pictured = make_article(
        headline="Harbour wall gives way",
        standfirst="The storm took the old wall.",
        summary="An editor's summary.",
        tags=["Weather", "Harbour"],
        byline="Rita Moss",
        source_name="The Gazette",
        source_url="https://gazette.example/wall",
        lead_image=upload(image_bytes(exif=gps_exif())),
        lead_image_alt="Waves over the harbour wall",
        lead_image_caption="The wall at dawn",
        lead_image_credit="Photo: Rita Moss",
        author=reporter,
    )
    make_article(
        headline="Ferry times change",
        lead_image_url="https://images.example/ferry.jpg",
        lead_image_alt="The ferry",
        tags=["Transport"],
    )
    make_article(headline="Draft on the budget", status="draft", body="")
    make_article(headline="Embargoed report", published_at=now + timedelta(days=2))
    elsewhere = make_article(
        headline="From the wire", canonical_url="https://wire.example/2024/05/from-the-wire/"
    )
    Article.objects.filter(pk=elsewhere.pk).update(import_ref="wxr:wire.example:9")
    OldAddress.objects.create(address="/2024/05/from-the-wire", article=elsewhere)
    OldAddress.objects.create(address="/?p=9", article=elsewhere)
    Correction.objects.create(
        article=pictured,
        kind=Correction.Kind.CORRECTION,
        note="The wall is 200 years old, not 300.",
        published_at=now - timedelta(hours=2),
        created_by=reporter,
    )
    ArticleRedirect.objects.create(old_slug="harbour-wall-falls", article=pictured)
    Article.objects.filter(pk=pictured.pk).update(
        created_at=now - timedelta(days=400), modified_at=now - timedelta(hours=2)
    )
    make_tag("Unused")
    return pictured


def test_round_trip_into_an_empty_database_keeps_every_field(newsroom, tmp_path, settings):
    assert newsroom.lead_image_renditions["webp"]
    first, media = tmp_path / "first.jsonl", tmp_path / "media-export"
    export("--output", first, "--media-dir", media)
    before = snapshot()

    Article.objects.all().delete()
    Tag.objects.all().delete()
    settings.MEDIA_ROOT = tmp_path / "new-site-media"  # a new site's storage is empty too
    out = run_import(first, "--media-dir", media)
    assert "5 created, 0 updated, 0 unchanged, 0 rejected" in out
    assert differences(before, snapshot()) == []
    stored = Article.objects.get(slug=newsroom.slug)
    assert (tmp_path / "new-site-media" / stored.lead_image.name).is_file()
    assert stored.lead_picture is not None

    second = tmp_path / "second.jsonl"
    export("--output", second)
    assert second.read_text() == first.read_text()
    assert "0 created, 0 updated, 5 unchanged, 0 rejected" in run_import(second)
    assert differences(before, snapshot()) == []


def test_import_into_the_same_site_needs_no_media_dir(newsroom, tmp_path):
    exported = tmp_path / "all.jsonl"
    export("--output", exported)
    assert "0 created, 0 updated, 5 unchanged, 0 rejected" in run_import(exported)


def test_without_the_files_an_uploaded_image_is_kept_by_url(newsroom, tmp_path, settings):
    exported = tmp_path / "all.jsonl"
    export("--output", exported)
    url = json.loads(exported.read_text().splitlines()[0])["lead_image"]
    assert url.startswith(settings.SITE_URL + "/media/lead-images/")
    Article.objects.all().delete()
    settings.MEDIA_ROOT = tmp_path / "elsewhere"
    run_import(exported)
    article = Article.objects.get(slug=newsroom.slug)
    assert not article.lead_image
    assert article.lead_image_url == url
    assert article.lead_image_alt == "Waves over the harbour wall"


def test_a_file_beside_the_export_that_is_no_image_is_rejected(newsroom, tmp_path, settings):
    exported, media = tmp_path / "all.jsonl", tmp_path / "export-media"
    export("--output", exported, "--media-dir", media)
    for path in media.rglob("*.jpg"):
        path.write_text("<svg onload=alert(1)>")
    Article.objects.all().delete()
    settings.MEDIA_ROOT = tmp_path / "elsewhere"
    with pytest.raises(CommandError, match="1 record"):
        run_import(exported, "--media-dir", media)
    assert Article.objects.count() == 4


def test_media_dir_may_be_the_storage_directory_itself(newsroom, tmp_path, settings):
    export("--output", tmp_path / "all.jsonl", "--media-dir", settings.MEDIA_ROOT)
    with newsroom.lead_image.open("rb") as fp:
        assert fp.read(3) == b"\xff\xd8\xff"


def test_dry_run_stores_no_image(newsroom, tmp_path, settings):
    exported, media = tmp_path / "all.jsonl", tmp_path / "export-media"
    export("--output", exported, "--media-dir", media)
    Article.objects.all().delete()
    settings.MEDIA_ROOT = tmp_path / "elsewhere"
    assert "would have 5 created" in run_import(exported, "--media-dir", media, "--dry-run")
    assert not (tmp_path / "elsewhere").exists()
    assert Article.objects.count() == 0


def test_corrections_that_cannot_be_read_reject_the_record():
    bad = {"headline": "A", "body": "", "corrections": [{"kind": "typo", "note": "x"}]}
    rejection = jsonl.from_fields(1, bad)
    assert (rejection.field, rejection.reason) == (
        "corrections",
        "kind must be one of clarification, correction",
    )


def test_an_import_adds_corrections_and_never_removes_one(newsroom, tmp_path):
    exported = tmp_path / "all.jsonl"
    export("--output", exported)
    rows = [json.loads(line) for line in exported.read_text().splitlines()]
    rows[0]["corrections"] = [
        {"kind": "clarification", "note": "The wall belongs to the port.",
         "published_at": "2026-01-02T10:00:00+00:00", "created_by": ""}
    ]  # fmt: skip
    exported.write_text("".join(json.dumps(row) + "\n" for row in rows))
    assert "0 created, 1 updated, 4 unchanged" in run_import(exported)
    notes = newsroom.corrections.order_by("published_at").values_list("kind", flat=True)
    assert list(notes) == ["clarification", "correction"]
