"""Ghost exports, Ghost 2 and Ghost 5 shapes (files written for these tests)."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Author, OldAddress
from ingest.importers import FormatError, ghost, guess_format
from ingest.importers.records import ImportedArticle, Skipped

from .helpers import DATA

SITE = "https://fencourier.example"


def parse(name, site_url=SITE):
    with (DATA / name).open("rb") as fp:
        items = list(ghost.parse(fp, site_url=site_url))
    posts = {
        i.import_ref.rsplit(":", 1)[1][-3:]: i for i in items if isinstance(i, ImportedArticle)
    }
    skipped = [(i.record, i.kind) for i in items if isinstance(i, Skipped)]
    return posts, skipped


def run(*args) -> str:
    out = StringIO()
    call_command("import_articles", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.parametrize("name", ["ghost2.json", "ghost5.json"])
def test_ghost_exports_are_guessed(name):
    assert guess_format((DATA / name).read_bytes()[:65536]) == "ghost"


def test_ghost_2_posts():
    posts, skipped = parse("ghost2.json")
    assert skipped == [(3, "page"), (4, "members-only post")]
    banks, eels, floods = posts["201"], posts["202"], posts["205"]
    assert banks.import_ref == "ghost:fencourier.example:5e7b1c2a9f1d3b0001a1b201"
    assert banks.headline == "Fen drainage board votes to raise the banks"
    assert banks.slug == "fen-drainage-board-votes"
    assert banks.standfirst.startswith("Eleven votes to two")
    # Links and images relative to the site point at the site.
    assert 'href="https://fencourier.example/tag/spring/"' in banks.body
    assert 'src="https://fencourier.example/content/images/2020/03/bank.jpg"' in banks.body
    assert banks.tags == ["Rivers", "Local government"]  # in order; #wide-layout is internal
    assert [a["slug"] for a in banks.authors] == ["hester", "tom"]  # posts_authors order
    assert (banks.status, banks.published_at) == (
        "published",
        datetime(2020, 3, 25, 8, 30, tzinfo=UTC),
    )
    assert banks.lead_image.url == "https://fencourier.example/content/images/2020/03/banks.jpg"
    assert banks.old_addresses == ["/fen-drainage-board-votes"]
    assert banks.canonical_url == ""

    assert (eels.status, eels.published_at) == ("draft", None)
    assert [a["slug"] for a in eels.authors] == ["tom"]  # Ghost 2's author_id
    assert eels.canonical_url == "https://wire.example/eels/2020"
    assert eels.lead_image is None
    # Scheduled in Ghost: published here too, at its future time, so not public yet.
    assert (floods.status, floods.published_at.year) == ("published", 2031)


def test_ghost_5_posts():
    posts, skipped = parse("ghost5.json")
    assert skipped == [(3, "members-only post"), (4, "email-only post"), (5, "page")]
    birds, sluice, untitled = posts["401"], posts["402"], posts["406"]
    assert 'src="https://fencourier.example/content/images/2024/12/wigeon.jpg"' in birds.body
    assert 'href="https://fencourier.example/winter-visitors/"' in birds.body
    assert birds.lead_image.url == "https://fencourier.example/content/images/2024/12/washes.jpg"
    assert birds.lead_image.alt == "Wigeon lifting off the flooded washes"  # from posts_meta
    assert birds.lead_image.caption == "Photo: the Courier & friends"  # Ghost's HTML, as text
    assert birds.tags == ["Wildlife", "Rivers"]
    assert birds.authors == [
        {"name": "Priya Soham", "slug": "priya", "bio": "Wildlife and the washes.", "website": ""},
        {
            "name": "Hester Fenn",
            "slug": "hester",
            "bio": "Covers the rivers and the drainage boards.",
            "website": "https://hesterfenn.example",
        },
    ]
    assert sluice.canonical_url == "https://fencourier.example/archive/sluice-gates/"
    assert untitled.untitled and untitled.headline == "A note on the new ferry timetable."
    assert posts["407"].status == "published" and posts["407"].published_at.year == 2031


def test_a_site_in_a_folder_names_its_articles_and_addresses_with_it():
    posts, _ = parse("ghost5.json", site_url="https://fens.example/courier/")
    birds = posts["401"]
    assert birds.import_ref == "ghost:fens.example/courier:6750a1b2c3d4e5f601020401"
    assert birds.old_addresses == ["/courier/ouse-washes-bird-count"]
    assert birds.lead_image.url == "https://fens.example/courier/content/images/2024/12/washes.jpg"


def test_without_a_site_url_this_sites_address_names_them(settings):
    settings.SITE_URL = "https://news.example"
    posts, _ = parse("ghost5.json", site_url="")
    assert posts["401"].import_ref.startswith("ghost:news.example:")


def test_a_bad_site_url_or_a_document_that_is_no_ghost_export_is_refused(tmp_path):
    with (DATA / "ghost5.json").open("rb") as fp, pytest.raises(FormatError, match="--site-url"):
        ghost.check(fp, site_url="fencourier.example")
    other = tmp_path / "other.json"
    other.write_text('{"db": [{"meta": {}, "data": {"tags": []}}]}')
    with other.open("rb") as fp, pytest.raises(FormatError, match="not a Ghost export"):
        ghost.check(fp)


@pytest.mark.django_db
def test_importing_a_ghost_5_export(client):
    out = run(DATA / "ghost5.json", "--site-url", SITE)
    assert "4 created, 0 updated, 0 unchanged, 0 rejected" in out
    assert "not imported: 1 email-only post, 1 members-only post, 1 page" in out
    birds = Article.objects.get(slug="ouse-washes-bird-count")
    assert "<script>" not in birds.body  # sanitized like anything stored
    assert birds.standfirst == "More wigeon than in any winter since counting began."
    assert [a.name for a in birds.author_list] == ["Priya Soham", "Hester Fenn"]
    hester = Author.objects.get(slug="hester")
    assert (hester.bio, hester.website) == (
        "Covers the rivers and the drainage boards.",
        "https://hesterfenn.example",
    )
    assert sorted(birds.tags.values_list("name", flat=True)) == ["Rivers", "Wildlife"]
    assert client.get(birds.get_absolute_url()).status_code == 200
    sluice = Article.objects.get(slug="sluice-gate-repairs")
    assert sluice.canonical_url == "https://fencourier.example/archive/sluice-gates/"
    html = client.get(sluice.get_absolute_url()).content.decode()
    assert '<link rel="canonical" href="https://fencourier.example/archive/sluice-gates/">' in html
    market = Article.objects.get(slug="christmas-market-returns")
    assert client.get(market.get_absolute_url()).status_code == 404  # scheduled
    assert not Article.objects.filter(slug__in=["contact", "subscribers-letter-accounts"]).exists()
    # Each keeps its Ghost address, which is its address here too: no row needed.
    assert not OldAddress.objects.exists()
    assert "0 created, 0 updated, 4 unchanged" in run(DATA / "ghost5.json", "--site-url", SITE)


@pytest.mark.django_db
def test_ghost_addresses_taken_here_stay_with_their_page(client, make_article):
    live = make_article(slug="ouse-washes-bird-count")
    run(DATA / "ghost5.json", "--format", "ghost", "--site-url", SITE)
    imported = Article.objects.get(import_ref__endswith=":6750a1b2c3d4e5f601020401")
    assert imported.slug == "ouse-washes-bird-count-2"
    assert client.get("/ouse-washes-bird-count/").context["article"] == live


@pytest.mark.django_db
def test_a_site_in_a_folder_keeps_its_addresses(client):
    run(DATA / "ghost2.json", "--site-url", "https://fens.example/courier")
    article = Article.objects.get(slug="fen-drainage-board-votes")
    response = client.get("/courier/fen-drainage-board-votes/")
    assert (response.status_code, response["Location"]) == (301, article.get_absolute_url())


@pytest.mark.django_db
def test_ghost_options_are_checked():
    with pytest.raises(CommandError, match="not an http\\(s\\) address"):
        run(DATA / "ghost2.json", "--site-url", "ftp://fens.example")
    with pytest.raises(CommandError, match="--site-url applies to ghost files, not csv"):
        run(DATA / "articles.csv", "--site-url", SITE)
    assert not Article.objects.exists()
