from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles import search as search_module
from articles.models import Article, Tag
from articles.search import MAX_QUERY_LENGTH, ParsedQuery, refresh_search_index, render_marks
from editorial.backfill import batches_by_id, fill_summaries
from editorial.tags import merge_tags
from ingest.importers.records import ImportedArticle
from ingest.importers.saving import save_articles

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL full-text search only; runs in the PostgreSQL CI pass",
)
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the SQLite fallback only; PostgreSQL uses full-text search",
)


def search(client, q, **params):
    response = client.get(reverse("articles:search"), {"q": q, **params})
    assert response.status_code == 200
    return response


def found(client, q):
    return list(search(client, q).context["article_list"])


def deep_match_snippet(client, make_article):
    """The result snippet for a word that stands 200 words into a body."""
    filler = " ".join(f"word{n}" for n in range(200))
    make_article(body=f"<p>{filler} the glassblower opened a workshop.</p>")
    html = search(client, "glassblower").content.decode()
    snippet = html[html.index('<p class="snippet">') :]
    return snippet[: snippet.index("</p>")]


@pytest.fixture
def hidden(make_article):
    return [
        make_article(headline="Secret flood draft", status=Article.Status.DRAFT),
        make_article(
            headline="Embargoed flood story", published_at=timezone.now() + timedelta(days=1)
        ),
    ]


# Query parsing and rendering (no database) --------------------------------------


def test_parse_reads_words_phrases_and_exclusions():
    query = ParsedQuery.parse('  flood  "harbour   wall" -river -"old town" ')
    assert query.text == 'flood "harbour wall" -river -"old town"'
    assert query.terms == ["flood", "harbour wall"]
    assert query.excluded == ["river", "old town"]
    assert query


def test_parse_strips_nul_and_truncates():
    query = ParsedQuery.parse("flo\x00od " + "x" * 500)
    assert "\x00" not in query.text
    assert query.text.startswith("flood ")
    assert len(query.text) <= MAX_QUERY_LENGTH
    assert query.truncated


def test_parse_without_positive_terms_is_not_a_search():
    assert not ParsedQuery.parse("")
    assert not ParsedQuery.parse("-river")
    assert not ParsedQuery.parse('" - ! ; "')


def test_render_marks_escapes_text_and_balances_marks():
    html = render_marks("a <b>&\ue000flood\ue001 \ue001x \ue000open")
    assert html == "a &lt;b&gt;&amp;<mark>flood</mark> x <mark>open</mark>"


# The page ---------------------------------------------------------------------


def test_empty_query_gets_help_and_no_results(client, make_article, django_assert_num_queries):
    make_article(headline="Flood defences")
    search(client, "")  # the header's sections, cached from then on
    with django_assert_num_queries(0):
        response = search(client, "")
    html = response.content.decode()
    assert "exact phrase" in html
    assert 'role="status"' not in html
    assert 'class="card result"' not in html


def test_only_exclusions_get_help(client, make_article):
    make_article(headline="Flood defences")
    html = search(client, "-river").content.decode()
    assert "Add a word to look for" in html
    assert 'class="card result"' not in html


def test_finds_each_field(client, make_article):
    by_headline = make_article(headline="Lighthouse keeper retires")
    by_standfirst = make_article(standfirst="The ferry timetable changes")
    by_summary = make_article(summary="Orchard growers expect bumper harvest.")
    by_tag = make_article(tags=["Archaeology"])
    by_body = make_article(body="<p>The glassblower opened a workshop.</p>")
    assert found(client, "lighthouse") == [by_headline]
    assert found(client, "ferry") == [by_standfirst]
    assert found(client, "orchard") == [by_summary]
    assert found(client, "archaeology") == [by_tag]
    assert found(client, "glassblower") == [by_body]


def test_headline_match_ranks_above_body_match(client, make_article):
    in_headline = make_article(headline="Lighthouse repairs begin")
    in_body = make_article(body="<p>Repairs to the lighthouse start soon.</p>")
    assert in_body.published_at > in_headline.published_at  # newest does not win
    assert found(client, "lighthouse") == [in_headline, in_body]


def test_quoted_phrase_must_appear_together(client, make_article):
    together = make_article(body="<p>Work on the harbour wall starts.</p>")
    make_article(body="<p>The wall near the harbour is old.</p>")
    assert found(client, '"harbour wall"') == [together]
    assert len(found(client, "harbour wall")) == 2


def test_exclusions_leave_articles_out(client, make_article):
    kept = make_article(body="<p>Flood warnings for the coast.</p>")
    make_article(body="<p>Flood warnings for the river valley.</p>")
    assert found(client, "flood -river") == [kept]
    assert found(client, 'flood -"river valley"') == [kept]


def test_all_words_must_match(client, make_article):
    both = make_article(body="<p>Flood defences on the coast.</p>")
    make_article(body="<p>Flood warnings inland.</p>")
    assert found(client, "flood coast") == [both]


def test_drafts_and_scheduled_never_found(client, make_article, hidden):
    public = make_article(headline="Public flood story")
    response = search(client, "flood")
    assert list(response.context["article_list"]) == [public]
    for article in hidden:
        assert article.headline not in response.content.decode()


def test_snippet_marks_matches_and_escapes_the_text(client, make_article):
    # The plain text holds what the HTML escaped: "&", "<" and a literal "<script>".
    make_article(
        headline="Coastal news",
        body="<p>Fish &amp; chips &lt; 5 pounds &lt;script&gt;alert(1)&lt;/script&gt; flood.</p>",
    )
    html = search(client, "flood").content.decode()
    snippet = html[html.index('<p class="snippet">') :]
    snippet = snippet[: snippet.index("</p>")]
    assert "<mark>flood</mark>" in snippet
    assert "Fish &amp; chips &lt; 5 pounds" in snippet
    assert "alert(1)" in snippet
    assert "<script" not in snippet


@pytest.mark.parametrize(
    "q",
    [
        "\x00",
        "flood\x00",
        '"',
        '"""',
        "\\",
        "'; DROP TABLE articles_article; --",
        "flood & | ! :* <-> ()",
        "-",
        "--flood",
        "or",
        "OR OR -",
        "ÿ 日本語 🌊 ﷽",
        "%_%",
        "<script>alert(1)</script>",
        "\ue000flood\ue001",
    ],
)
def test_hostile_queries_get_a_page(client, make_article, q):
    make_article(headline="Flood defences")
    response = search(client, q)
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_absurdly_long_query_is_shortened_with_a_notice(client, make_article):
    article = make_article(headline="Flood defences")
    response = search(client, "flood " + "a" * 5000)
    assert "only its first 200 characters were used" in response.content.decode()
    assert response.context["query"].text == ("flood " + "a" * 5000)[:200]
    assert list(response.context["article_list"]) in ([], [article])


def test_results_paginate_and_keep_the_query(client, make_article):
    for _ in range(21):
        make_article(headline="Flood update")
    first = search(client, "flood")
    assert len(first.context["article_list"]) == 20
    assert 'href="?q=flood&amp;page=2"' in first.content.decode()
    assert len(search(client, "flood", page=2).context["article_list"]) == 1
    assert client.get(reverse("articles:search"), {"q": "flood", "page": 3}).status_code == 404


@pytest.mark.parametrize("headline", ["Search", "Feed"])
def test_articles_never_take_the_sites_own_addresses(client, make_article, headline):
    article = make_article(headline=headline)
    assert article.slug == f"{headline.lower()}-article"
    assert client.get(article.get_absolute_url()).context["article"] == article


def test_search_page_is_not_indexed(client, db):
    html = search(client, "flood").content.decode()
    assert '<meta name="robots" content="noindex, follow">' in html


def test_every_page_has_a_labelled_search_box(client, make_article, make_tag):
    article = make_article(tags=["local"])
    for url in ["/", "/tags/local/", article.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert 'role="search"' in html
        assert 'action="/search/"' in html
        assert '<label for="site-search-q">' in html
        assert 'id="site-search-q" type="search" name="q"' in html


@pytest.mark.parametrize("rows", [5, 25])
def test_search_query_count_is_fixed(client, make_article, django_assert_num_queries, rows):
    for _ in range(rows):
        make_article(headline="Flood update", tags=["politics", "local", "economy"])
    search(client, "")  # the header's sections, cached from then on
    # PostgreSQL: the newest matches' ids; both: count, page of articles with their tags
    with django_assert_num_queries(3 if connection.vendor == "postgresql" else 2):
        search(client, "flood")


# Keeping tag names searchable --------------------------------------------------


def test_tag_changes_reach_search(client, make_article, make_tag):
    article = make_article()
    article.tags.set([make_tag("Archaeology")])
    assert found(client, "archaeology") == [article]
    article.tags.remove(Tag.objects.get(slug="archaeology"))
    assert found(client, "archaeology") == []
    make_tag("Botany").articles.add(article)
    assert found(client, "botany") == [article]
    article.tags.clear()
    assert found(client, "botany") == []


def test_renamed_and_deleted_tags_reach_search(client, make_article, make_tag):
    article = make_article(tags=["Archaeology"])
    tag = Tag.objects.get(slug="archaeology")
    tag.name = "Palaeontology"
    tag.save()
    assert found(client, "archaeology") == []
    assert found(client, "palaeontology") == [article]
    tag.delete()
    assert found(client, "palaeontology") == []
    article.refresh_from_db()
    assert article.tag_names == ""


def test_merged_tags_reach_search(client, make_article, make_tag):
    article = make_article(tags=["Archaeology"])
    both = make_article(tags=["Archaeology", "History"])
    merge_tags(Tag.objects.get(slug="archaeology"), Tag.objects.get(slug="history"))
    assert found(client, "archaeology") == []
    assert found(client, "history") == [both, article]


def test_clearing_a_tag_from_its_side_reaches_search(client, make_article, make_tag):
    article = make_article(tags=["Botany"])
    assert found(client, "botany") == [article]
    Tag.objects.get(slug="botany").articles.clear()
    assert found(client, "botany") == []


def test_refresh_search_index_after_bulk_tag_links(client, make_article, make_tag):
    article = make_article()
    tag = make_tag("Archaeology")
    Article.tags.through.objects.bulk_create([Article.tags.through(article=article, tag=tag)])
    assert found(client, "archaeology") == []  # bulk writes skip the signals
    assert refresh_search_index([article.pk]) == 1
    assert found(client, "archaeology") == [article]
    assert refresh_search_index() == 0


def test_imported_tags_reach_search(client):
    def item(tags):
        return ImportedArticle(
            record=1, import_ref="t:1", headline="Imported", body="<p>Text.</p>", tags=tags,
            status=Article.Status.PUBLISHED, published_at=timezone.now() - timedelta(hours=1),
        )  # fmt: skip

    def imported(tags):  # as import_articles does: store, then the summary backfill
        result = save_articles([item(tags)])
        fill_summaries(batches_by_id(result.unsummarized), workers=1)

    imported(["Archaeology"])
    [article] = Article.objects.all()
    assert article.tag_names == "Archaeology"
    assert found(client, "archaeology") == [article]
    imported(["Botany"])
    assert found(client, "archaeology") == []
    assert found(client, "botany") == [article]


def test_body_edits_reach_search(client, make_article):
    article = make_article(body="<p>Glassblowers gather.</p>")
    article.body = "<p>Woodturners gather.</p>"
    article.save()
    assert found(client, "woodturners") == [article]
    assert found(client, "glassblowers") == []


# PostgreSQL full-text search --------------------------------------------------


@on_postgresql
def test_weights_rank_headline_then_standfirst_then_tags_then_body(client, make_article):
    # Editors' summaries, so no generated summary repeats the body's words.
    body = make_article(body="<p>A word about lighthouses.</p>", summary="Nothing to see.")
    tag = make_article(tags=["Lighthouse"])
    standfirst = make_article(standfirst="Lighthouse keepers meet.")
    headline = make_article(headline="Lighthouse sold")
    assert found(client, "lighthouse") == [headline, standfirst, tag, body]


@on_postgresql
def test_words_match_by_stem(client, make_article):
    article = make_article(body="<p>The river flooded twice.</p>")
    assert found(client, "flooding") == [article]


@on_postgresql
def test_websearch_or(client, make_article):
    a = make_article(body="<p>Lighthouse news.</p>")
    b = make_article(body="<p>Harbour news.</p>")
    assert set(found(client, "lighthouse or harbour")) == {a, b}


@on_postgresql
def test_snippet_comes_from_ts_headline_around_the_match(client, make_article):
    snippet = deep_match_snippet(client, make_article)
    assert "<mark>glassblower</mark>" in snippet
    assert "word0 " not in snippet


@on_postgresql
def test_import_leaves_the_vector_to_the_summary_backfill_which_computes_it_once(client):
    def item(n, **fields):
        fields = {"body": "<p>Otters return.</p>", **fields}
        return ImportedArticle(
            record=n, import_ref=f"t:{n}", headline=f"Story {n}",
            status=Article.Status.PUBLISHED, published_at=timezone.now() - timedelta(hours=1),
            **fields,
        )  # fmt: skip

    def vectors():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT import_ref, search_vector IS NULL FROM articles_article ORDER BY id"
            )
            return cursor.fetchall()

    result = save_articles([item(1), item(2, summary="Otters, by the desk."), item(3, body="")])
    # Pending summaries, pending vectors; a summary from the source is indexed at once.
    assert vectors() == [("t:1", True), ("t:2", False), ("t:3", True)]
    assert found(client, "otters") == [Article.objects.get(import_ref="t:2")]
    fill_summaries(batches_by_id(result.unsummarized), workers=1)
    # Story 3 has no sentence to summarize, yet gets its vector too.
    assert vectors() == [("t:1", False), ("t:2", False), ("t:3", False)]
    assert len(found(client, "otters")) == 2 and len(found(client, "story")) == 3


@on_postgresql
def test_only_the_newest_matches_are_ranked(client, make_article, monkeypatch):
    monkeypatch.setattr(search_module, "CANDIDATES", 3)
    now = timezone.now()
    oldest = make_article(headline="Lighthouse", published_at=now - timedelta(days=9))
    newer = [
        make_article(
            body=f"<p>Story {n} mentions a lighthouse.</p>",
            summary="Nothing to see.",
            published_at=now - timedelta(days=n),
        )
        for n in range(1, 5)
    ]
    make_article(headline="Lighthouse draft", status=Article.Status.DRAFT)
    # The best match by rank (its headline) is older than the three newest matches.
    assert found(client, "lighthouse") == newer[:3]
    assert oldest not in found(client, "lighthouse")
    monkeypatch.setattr(search_module, "CANDIDATES", 10)
    assert found(client, "lighthouse")[0] == oldest  # ranked first once it is a candidate


@on_postgresql
def test_stored_vector_has_a_gin_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'articles_article'"
            " AND indexname = 'article_search_vector_gin'"
        )
        [(definition,)] = cursor.fetchall()
    assert "USING gin (search_vector)" in definition


@on_postgresql
def test_bulk_inserts_fill_the_stored_vector(make_article):
    Article.objects.bulk_create([Article(headline="Bulk lighthouse", slug="bulk-lighthouse")])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector::text FROM articles_article WHERE slug = 'bulk-lighthouse'"
        )
        [(vector,)] = cursor.fetchall()
    assert "'lighthous':2A" in vector


# SQLite fallback --------------------------------------------------------------


@on_sqlite
def test_fallback_matches_parts_of_words(client, make_article):
    article = make_article(body="<p>Harbourside traders.</p>")
    assert found(client, "harbour") == [article]


@on_sqlite
def test_fallback_snippet_shows_the_text_around_the_first_match(client, make_article):
    snippet = deep_match_snippet(client, make_article)
    assert "<mark>glassblower</mark>" in snippet
    assert snippet.startswith('<p class="snippet">… ')
    assert "word0 " not in snippet
