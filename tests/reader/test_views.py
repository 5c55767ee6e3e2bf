from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_front_page_lists_published_newest_first(client, make_article, hidden):
    older = make_article(headline="Older story", standfirst="The dek of the older story")
    newer = make_article(headline="Newer story", tags=["politics"])
    response = client.get(reverse("articles:index"))
    assert response.status_code == 200
    assert list(response.context["article_list"]) == [newer, older]
    html = response.content.decode()
    assert "The dek of the older story" in html
    assert 'href="/tags/politics/"' in html
    for article in hidden:
        assert article.headline not in html


def test_front_page_paginates_and_rejects_bad_pages(client, make_article):
    for _ in range(21):
        make_article()
    assert len(client.get("/?page=2").context["article_list"]) == 1
    assert client.get("/?page=3").status_code == 404
    assert client.get("/?page=0").status_code == 404
    assert client.get("/?page=abc").status_code == 404
    assert client.get("/?page=last").status_code == 200


def test_article_page_has_the_reference_shape(client, make_article):
    previous = make_article(headline="The story before")
    article = make_article(
        headline="Bridge reopens after repairs",
        standfirst="Commuters get their route back.",
        byline="Ada Reporter",
        summary="The bridge is open again.",
        body="<p>First paragraph.</p><p>Second paragraph.</p>",
        source_name="City Desk",
        source_url="https://example.org/bridge",
        tags=["transport"],
    )
    following = make_article(headline="The story after")
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.count("<h1") == 1
    html = html[html.index("<main") :]
    order = [
        "<h1>Bridge reopens after repairs</h1>",
        "Commuters get their route back.",
        "Ada Reporter",
        "<time datetime=",
        "<summary>No time to read? Get a summary</summary>",
        "The bridge is open again.",
        "<p>First paragraph.</p><p>Second paragraph.</p>",
        'Source: <a href="https://example.org/bridge"',
        'href="/tags/transport/"',
        "Previous Article",
        previous.headline,
        "Next Article",
        following.headline,
    ]
    positions = [html.index(piece) for piece in order]
    assert positions == sorted(positions)


def test_time_datetime_uses_iso_format(client, make_article):
    """Whole seconds: HTML allows at most three digits of a fraction, not microseconds."""
    article = make_article()
    html = client.get(article.get_absolute_url()).content.decode()
    local = article.published_at.astimezone(timezone.get_current_timezone())
    assert f'datetime="{local:%Y-%m-%dT%H:%M:%S%z}"' in html


def test_summary_control_only_when_there_is_a_summary(client, make_article):
    with_summary = make_article(summary="A short summary.")
    without = make_article(body="")
    assert "Get a summary" in client.get(with_summary.get_absolute_url()).content.decode()
    assert without.summary == ""
    assert "Get a summary" not in client.get(without.get_absolute_url()).content.decode()


def test_source_line_without_url_is_plain_text(client, make_article):
    article = make_article(source_name="Wire service")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Source: Wire service" in html


def test_edges_have_no_neighbour_links(client, make_article):
    only = make_article()
    html = client.get(only.get_absolute_url()).content.decode()
    assert "Previous Article" not in html
    assert "Next Article" not in html


def test_unpublished_detail_is_404_for_readers(client, hidden):
    for article in hidden:
        assert client.get(article.get_absolute_url()).status_code == 404


def test_neighbour_links_skip_unpublished(client, make_article, hidden):
    older = make_article(published_at=timezone.now() - timedelta(days=400))
    newer = make_article()
    html = client.get(older.get_absolute_url()).content.decode()
    assert newer.headline in html
    for article in hidden:
        assert article.headline not in html


def test_staff_preview_unpublished_without_caching(client, hidden):
    editor = User.objects.create_user("editor", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    response = client.get(hidden[0].get_preview_url())
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    # The public address is the readers' page, whoever asks: no preview there.
    assert client.get(hidden[0].get_absolute_url()).status_code == 404


def test_readers_get_no_preview(client, hidden):
    assert client.get(hidden[0].get_preview_url()).status_code == 404


def test_tag_page_lists_only_that_tags_published_articles(client, make_article, hidden):
    tagged = make_article(tags=["politics"])
    make_article(tags=["sport"])
    response = client.get(reverse("articles:tag", kwargs={"slug": "politics"}))
    assert response.status_code == 200
    assert list(response.context["article_list"]) == [tagged]


def test_unknown_tag_is_404(client, db):
    response = client.get("/tags/no-such-tag/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_unknown_article_is_friendly_404(client, db):
    response = client.get("/no-such-story/")
    assert response.status_code == 404
    assert "Go to the front page" in response.content.decode()


def test_page_has_landmarks_and_skip_link(client, db):
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert 'href="#main"' in html
    for landmark in ("<header", "<main", "<footer"):
        assert landmark in html


@pytest.mark.parametrize("rows", [5, 25])
def test_front_page_query_count_is_fixed(client, make_article, django_assert_num_queries, rows):
    for _ in range(rows):
        make_article(tags=["politics", "local", "economy"])
    client.get("/")  # the header's sections, cached from then on (pagecache.sections)
    # count, page of articles with their tags, pins, the newest pictured story (no pin leads)
    with django_assert_num_queries(4):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("rows", [5, 25])
def test_tag_page_query_count_is_fixed(client, make_article, django_assert_num_queries, rows):
    for _ in range(rows):
        make_article(tags=["politics", "local", "economy"])
    client.get("/tags/politics/")  # the header's sections, cached from then on
    # tag, count, page of articles with their tags
    with django_assert_num_queries(3):
        assert client.get("/tags/politics/").status_code == 200


@pytest.mark.parametrize("rows", [5, 25])
def test_article_page_query_count_is_fixed(client, make_article, django_assert_num_queries, rows):
    articles = [make_article(tags=["politics", "local", "economy"]) for _ in range(rows)]
    url = articles[rows // 2].get_absolute_url()
    client.get(url)  # the header's sections, cached from then on
    # the article with its tags, authors and neighbours' links; its related stories
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/", "/tags/politics/"])
def test_list_pages_stop_at_a_bounded_depth(client, make_article, monkeypatch, url):
    """Front and tag pages never count or skip more than MAX_PAGES pages of rows."""
    from reader.pagination import BoundedPaginator

    monkeypatch.setattr(BoundedPaginator, "max_pages", 2)
    for _ in range(45):
        make_article(tags=["politics"])
    assert len(client.get(f"{url}?page=2").context["article_list"]) == 20
    assert client.get(f"{url}?page=3").status_code == 404
    assert client.get(f"{url}?page=last").context["page_obj"].number == 2
    assert "Page 1 of 2" in client.get(url).content.decode()


def test_tags_are_listed_by_name_wherever_they_show(client, make_article, make_tag):
    """Tags ride along with each article's row (as JSON): same names, links and order
    as the tags themselves, on the article, its card and its search result."""
    tags = [make_tag(name) for name in ("Zoning", "Economy", "Harbour")]  # not by name
    article = make_article(headline="Flood defences", tags=tags)
    expected = [f'href="/tags/{slug}/">{slug.title()}' for slug in ("economy", "harbour", "zoning")]
    for url in (article.get_absolute_url(), "/", "/tags/harbour/", "/search/?q=flood"):
        html = client.get(url).content.decode()
        tags = html[html.index('<ul class="tags"') :]
        positions = [tags.index(link) for link in expected]
        assert positions == sorted(positions), url


def test_an_untagged_article_lists_no_tags(client, make_article):
    article = make_article()
    assert '<ul class="tags"' not in client.get(article.get_absolute_url()).content.decode()
    assert '<ul class="tags"' not in client.get("/").content.decode()


def test_the_article_query_reads_the_clock_on_every_request(client, make_article, monkeypatch):
    """Readers' article query is compiled once per process (articles.compiled), but the
    visibility gate's "now" is bound per request: a scheduled story appears on time."""
    assert client.get(make_article().get_absolute_url()).status_code == 200  # compiled
    later = timezone.now() + timedelta(hours=1)
    scheduled = make_article(headline="Embargoed story", published_at=later)
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(hours=2))
    response = client.get(scheduled.get_absolute_url())
    assert response.status_code == 200
    assert "Embargoed story" in response.content.decode()


@pytest.mark.parametrize("month", [1, 7])  # GMT and BST in the default zone
def test_house_date_filters_match_the_date_filter(month):
    from django.template.defaultfilters import date

    from reader.markup.dates import machine_time, news_date

    # In a template both are handed the time in the current zone (expects_localtime).
    moment = timezone.localtime(datetime(2026, month, 5, 7, 4, 9, tzinfo=UTC))
    assert machine_time(moment) == date(moment, "Y-m-d\\TH:i:sO")
    assert news_date(moment) == date(moment, "j F Y")
    assert news_date(moment, "time") == date(moment, "j F Y, H:i")
    assert news_date(moment, "zone") == date(moment, "j F Y, H:i T")


@pytest.mark.parametrize("url", ["/", "/tags/politics/"])
def test_a_deep_page_lists_its_own_rows_with_their_tags(client, make_article, url):
    """Pages pick their rows by id first (IdsFirstPaginator): the right 20, newest
    first, each with its own tags."""
    articles = [make_article(tags=["politics", f"t{n % 3}"]) for n in range(45)]
    shown = client.get(f"{url}?page=2").context["article_list"]
    assert list(shown) == articles[::-1][20:40]
    for article in shown:
        assert [tag.slug for tag in article.tag_list] == sorted(
            tag.slug for tag in article.tags.all()
        )
