"""The editors' desk through the admin client: writing, validation, slugs, the
change list and tags. Role rules are in test_roles.py, previews in test_preview.py."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleRedirect, Tag, TagRedirect
from articles.models.author import Author
from tests.desk_client import (
    ADD_URL,
    CHANGELIST_URL,
    TAG_CHANGELIST_URL,
    action_data,
    change_url,
    form_data,
    schedule_fields,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


def reload(obj):
    obj.refresh_from_db()
    return obj


# Writing: the editor and the one sanitizer ----------------------------------------


def test_body_uses_the_prose_editor_from_our_own_static_files(desk):
    response = desk.get(ADD_URL)
    html = response.content.decode()
    assert "data-django-prose-editor-configurable" in html
    # The package's one inline script, its import map, carries the request's CSP nonce.
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<script type="importmap" nonce="{nonce}">' in html
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert any("django_prose_editor/configurable.js" in src for src in sources)
    assert not [src for src in sources if src.startswith(("http:", "https:", "//"))]


HOSTILE_BODIES = {
    "script": ("<p>Hi</p><script>alert(1)</script>", ["<script", "alert(1)"]),
    "event handler": ('<p>Hi</p><img src="https://e.org/x.png" onerror="alert(1)">', ["onerror"]),
    "javascript url": ('<p><a href="javascript:alert(1)">x</a></p>', ["javascript:"]),
    "data url": ('<p><a href="data:text/html;base64,PHNjcmlwdD4=">x</a></p>', ["data:"]),
    "style": ('<p style="position:fixed">Hi</p><style>p{}</style>', ["style"]),
    "svg": ("<p>Hi</p><svg onload=alert(1)><circle r=9 /></svg>", ["<svg", "onload", "circle"]),
    "unknown tag": ("<p>Hi</p><iframe src=https://e.org></iframe><marquee>m</marquee>",
                    ["iframe", "marquee"]),
}  # fmt: skip


@pytest.mark.parametrize("name", HOSTILE_BODIES)
def test_hostile_body_is_cleaned_when_added_through_the_admin(desk, name):
    body, forbidden = HOSTILE_BODIES[name]
    response = desk.post(ADD_URL, form_data(body=body))
    assert response.status_code == 302
    stored = Article.objects.get().body
    for fragment in forbidden:
        assert fragment not in stored
    assert stored.startswith("<p>")


def test_hostile_body_is_cleaned_when_changed_through_the_admin(desk, make_article):
    article = make_article()
    body = '<p><a href="https://example.org" onclick="x()">ok</a></p><script>bad()</script>'
    desk.post(change_url(article), form_data(article, body=body))
    assert reload(article).body == (
        '<p><a href="https://example.org" rel="noopener noreferrer">ok</a></p>'
    )


def test_editor_formatting_survives(desk):
    body = (
        "<h2>Heading</h2><p><strong>Bold</strong> and <em>italic</em> with a "
        '<a href="https://example.org/">link</a>.</p><ul><li>one</li></ul>'
        "<ol><li>two</li></ol><blockquote><p>Quote</p></blockquote>"
    )
    desk.post(ADD_URL, form_data(body=body))
    stored = Article.objects.get().body
    for piece in ("<h2>", "<strong>", "<em>", "<ul>", "<ol>", "<blockquote>"):
        assert piece in stored
    assert 'rel="noopener noreferrer"' in stored


# Validation ------------------------------------------------------------------------


def test_headline_and_slug_are_required(desk):
    response = desk.post(ADD_URL, form_data(headline="", slug=""))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "headline" in errors
    assert "slug" in errors


def test_summary_longer_than_400_is_a_form_error(desk):
    response = desk.post(ADD_URL, form_data(summary="x" * 401))
    assert response.status_code == 200
    assert "at most 400 characters" in str(response.context["adminform"].form.errors["summary"])
    assert not Article.objects.exists()
    assert 'maxlength="400"' in desk.get(ADD_URL).content.decode()


def test_standfirst_is_short(desk):
    response = desk.post(ADD_URL, form_data(standfirst="x" * 301))
    assert "standfirst" in response.context["adminform"].form.errors


@pytest.mark.parametrize("body", ["", "<p></p>", "<p> </p><script>x()</script>"])
def test_published_article_needs_a_body(desk, body):
    response = desk.post(ADD_URL, {**form_data(body=body), "_publish_now": "1"})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["body"] == ["A published article needs a body."]
    assert not Article.objects.exists()
    # A posted status is no control: the form has none, and the article stays a draft.
    response = desk.post(ADD_URL, form_data(body=body, status="published"))
    assert Article.objects.get().status == Article.Status.DRAFT


def test_a_draft_may_have_no_body(desk):
    assert desk.post(ADD_URL, form_data(body="")).status_code == 302


def test_slug_is_prefilled_from_the_headline(desk):
    html = desk.get(ADD_URL).content.decode()
    assert "data-prepopulated-fields" in html
    assert "#id_headline" in html


def test_slug_must_be_unique(desk, make_article):
    make_article(slug="taken")
    response = desk.post(ADD_URL, form_data(slug="taken"))
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors


@pytest.mark.parametrize("slug", ["feed", "search", "admin"])
def test_slug_of_a_site_address_is_a_form_error(desk, slug):
    response = desk.post(ADD_URL, form_data(slug=slug))
    assert response.status_code == 200
    assert "own addresses" in response.context["adminform"].form.errors["slug"][0]
    assert not Article.objects.filter(slug=slug).exists()


def test_headline_of_a_site_address_gets_a_free_slug(make_article):
    assert make_article(headline="Search").slug == "search-article"


# Slug changes keep old addresses -------------------------------------------------------


def test_changing_a_published_slug_redirects_the_old_url(client, desk, make_article):
    article = make_article(slug="first-name")
    desk.post(change_url(article), form_data(article, slug="second-name"))
    desk.post(change_url(article), form_data(reload(article), slug="third-name"))
    client.logout()
    for old in ("/first-name/", "/second-name/"):
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == "/third-name/"
    assert client.get("/third-name/").status_code == 200


def test_changing_a_draft_slug_records_no_redirect(desk, make_article):
    article = make_article(slug="draft-name", status="draft")
    desk.post(change_url(article), form_data(article, slug="new-draft-name"))
    assert not ArticleRedirect.objects.exists()


def test_redirect_never_leads_readers_to_an_unpublished_article(client, make_article):
    article = make_article(slug="was-public")
    article.slug = "now-elsewhere"
    article.save()
    article.status = Article.Status.DRAFT
    article.save()
    assert client.get("/was-public/").status_code == 404


def test_taking_an_old_slug_back_removes_its_redirect(client, make_article):
    article = make_article(slug="alpha")
    article.slug = "beta"
    article.save()
    article.slug = "alpha"
    article.save()
    assert list(ArticleRedirect.objects.values_list("old_slug", flat=True)) == ["beta"]
    assert client.get("/alpha/").status_code == 200
    assert client.get("/beta/")["Location"] == "/alpha/"


# Publishing time zone ----------------------------------------------------------------


def test_schedule_time_is_entered_in_the_newsrooms_zone(desk, make_article, settings):
    assert settings.TIME_ZONE == "Europe/London"
    article = make_article(status="draft")
    year = timezone.now().year + 1
    data = {
        **form_data(article),
        "schedule_for_0": f"01/07/{year}",  # British Summer Time: UTC+1
        "schedule_for_1": "09:00:00",
        "_schedule": "1",
    }
    assert desk.post(change_url(article), data).status_code == 302
    assert reload(article).published_at == datetime(year, 7, 1, 8, 0, tzinfo=UTC)
    page = desk.get(change_url(article)).content.decode()
    assert 'name="schedule_for_1" value="09:00:00"' in page
    assert f"Scheduled for 1 July {year}, 09:00 BST" in page


def test_schedule_needs_a_future_time(desk, make_article):
    article = make_article(status="draft")
    past = timezone.localtime(timezone.now() - timedelta(hours=2))
    data = {
        **form_data(article),
        **schedule_fields(past),
        "_schedule": "1",
    }
    response = desk.post(change_url(article), data)
    assert response.status_code == 200
    assert "To schedule, enter a time in the future." in response.content.decode()
    assert reload(article).status == "draft"


def test_change_form_shows_state_and_publishing_buttons(desk, make_article):
    draft = make_article(status="draft")
    html = desk.get(change_url(draft)).content.decode()
    assert "Status: <strong>Draft — not public, never published</strong>" in html
    for button in ('name="_publish_now"', 'name="_schedule"', 'name="_save_draft"'):
        assert button in html
    # One set of controls: no status drop-down, no publication time to type over.
    assert 'name="status"' not in html and 'name="published_at_0"' not in html
    live = make_article()
    html = desk.get(change_url(live)).content.decode()
    assert 'name="_unpublish"' in html and 'name="_save"' in html
    assert 'name="change_kind"' in html


# The change list ---------------------------------------------------------------------


@pytest.fixture
def three_states(make_article):
    return {
        "draft": make_article(headline="Plan in draft", status="draft", tags=["council"]),
        "scheduled": make_article(
            headline="Budget at noon",
            published_at=timezone.now() + timedelta(days=1),
            tags=["budget"],
        ),
        "published": make_article(headline="Bridge reopens", byline="Ada", tags=["transport"]),
    }


def rows(response):
    return list(response.context["cl"].result_list)


def test_change_list_tags_column_shows_the_tags(desk, make_article):
    make_article(tags=["Local Politics", "New York"])
    html = desk.get(CHANGELIST_URL).content.decode()
    assert '<td class="field-shown_tags">Local Politics, New York</td>' in html
    assert "Local Politics New York" not in html  # the search copy, not for editors


def test_change_list_shows_status_distinctly(desk, three_states):
    html = desk.get(CHANGELIST_URL).content.decode()
    for label in ('class="field-state">Draft<', ">Scheduled<", ">Published<"):
        assert label in html
    assert "transport" in html
    assert "Ada" in html


@pytest.mark.parametrize("state", ["draft", "scheduled", "published"])
def test_change_list_filters_by_status(desk, three_states, state):
    response = desk.get(CHANGELIST_URL, {"state": state})
    assert rows(response) == [three_states[state]]


def test_change_list_filters_by_tag_and_date(desk, three_states):
    assert rows(desk.get(CHANGELIST_URL, {"tag": "budget"})) == [three_states["scheduled"]]
    assert rows(desk.get(CHANGELIST_URL, {"tag": "transport"})) == [three_states["published"]]
    year = three_states["published"].published_at.year
    assert three_states["published"] in rows(desk.get(CHANGELIST_URL, {"published_at__year": year}))


def test_change_list_searches_headline_standfirst_and_body(desk, make_article):
    by_headline = make_article(headline="Lighthouse keeper retires")
    by_standfirst = make_article(standfirst="A lighthouse goes dark")
    by_body = make_article(body="<p>The old <em>lighthouse</em> is shut.</p>")
    make_article(headline="Unrelated")
    found = rows(desk.get(CHANGELIST_URL, {"q": "lighthouse"}))
    assert set(found) == {by_headline, by_standfirst, by_body}


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL full-text search only; runs in the PostgreSQL CI pass",
)
def test_change_list_search_uses_full_text_on_postgresql(desk, make_article):
    keeper = make_article(headline="Lighthouse keeper retires")
    draft = make_article(body="<p>Lighthouses lit again.</p>", status=Article.Status.DRAFT)
    make_article(headline="Unrelated")
    # Web-style syntax and stemming come from the stored vector, not a LIKE.
    assert rows(desk.get(CHANGELIST_URL, {"q": "lighthouse -keeper"})) == [draft]
    assert set(rows(desk.get(CHANGELIST_URL, {"q": "lighthouse"}))) == {keeper, draft}


def bylined(make_article, headline, *authors, **fields):
    article = make_article(headline=headline, **fields)
    for position, author in enumerate(authors):
        article.bylines.create(author=author, position=position)
    return article


def test_change_list_finds_stories_by_the_names_in_their_byline(desk, make_article, make_user):
    ann = Author.objects.create(name="Ann Reed", slug="ann-reed")
    by_profile = bylined(make_article, "Ferry fares rise", ann)
    by_free_text = make_article(headline="Wire: storm warning", byline="Coast Wire")
    by_staff = make_article(
        headline="Desk note", author=make_user("cal", "Editors", first_name="Cal")
    )
    make_article(headline="Unrelated")
    assert rows(desk.get(CHANGELIST_URL, {"q": "Ann Reed"})) == [by_profile]
    assert rows(desk.get(CHANGELIST_URL, {"q": "coast wire"})) == [by_free_text]
    assert rows(desk.get(CHANGELIST_URL, {"q": "Cal"})) == [by_staff]


def test_change_list_filters_by_author_profile_section_and_pending_change(
    desk, make_article, make_tag, editor
):
    from editorial import pending

    ann = Author.objects.create(name="Ann Reed", slug="ann-reed")
    make_tag("Politics", is_section=True)
    ferry = bylined(make_article, "Ferry fares rise", ann, tags=["Transport"])
    vote = make_article(headline="Vote delayed", tags=["Politics"])
    pending.save_pending(vote, by=editor, fields={"headline": "Vote delayed a week"})

    assert rows(desk.get(CHANGELIST_URL, {"author": ann.pk})) == [ferry]
    assert rows(desk.get(CHANGELIST_URL, {"section": "politics"})) == [vote]
    response = desk.get(CHANGELIST_URL, {"pending": "1"})
    assert rows(response) == [vote]
    html = response.content.decode()
    assert "Carries a pending change" in html
    assert '<td class="field-pending_flag"><img src="/static/admin/img/icon-yes.svg"' in html
    html = desk.get(CHANGELIST_URL).content.decode()
    assert '<td class="field-shown_byline">Ann Reed</td>' in html


@pytest.mark.parametrize("count", [5, 30])
def test_change_list_query_count_is_fixed(
    desk, make_article, make_user, django_assert_num_queries, count
):
    author = make_user("ann", "Authors")
    for n in range(count):
        make_article(tags=[f"tag{n % 7}", "common"], author=author, byline="Ada")
    # session, user, the second factor the session passed, user and group permissions,
    # author, section and tag filter choices, count, page of articles (tags, authors and
    # the pending flag in each row), date hierarchy range and its dates
    with django_assert_num_queries(12):
        response = desk.get(CHANGELIST_URL)
    assert response.status_code == 200
    assert len(rows(response)) == count


# Tags ------------------------------------------------------------------------------


def test_article_form_tags_use_autocomplete_with_add_another(desk):
    html = desk.get(ADD_URL).content.decode()
    assert 'class="admin-autocomplete' in html
    assert 'id="add_id_tags"' in html


def test_tag_autocomplete_finds_tags(desk, make_tag):
    make_tag("Harbour")
    make_tag("Weather")
    response = desk.get(
        reverse("admin:autocomplete"),
        {"term": "harb", "app_label": "articles", "model_name": "article", "field_name": "tags"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Harbour"]


def test_new_tag_from_the_popup_then_on_the_article(desk):
    popup = desk.post(
        reverse("admin:articles_tag_add") + "?_to_field=id&_popup=1",
        {"name": "Harbours", "slug": "harbours", "description": "", "_popup": "1"},
    )
    tag = Tag.objects.get(slug="harbours")
    assert f"&quot;value&quot;: &quot;{tag.pk}&quot;" in popup.content.decode()
    desk.post(ADD_URL, form_data(tags=[tag.pk]))
    assert list(Article.objects.get().tags.all()) == [tag]


def test_tag_list_counts_articles_in_one_query(desk, make_article, django_assert_num_queries):
    for n in range(12):
        make_article(tags=["weather", f"tag{n}"])
    # session, user, second factor, user and group permissions, count, page of tags with counts
    with django_assert_num_queries(7):
        response = desk.get(TAG_CHANGELIST_URL)
    counts = {tag.slug: tag.article_count for tag in rows(response)}
    assert counts["weather"] == 12
    assert counts["tag3"] == 1


def test_renaming_a_tag_redirects_its_old_page(client, desk, make_article, make_tag):
    tag = make_tag("Floods", description="High water")
    make_article(tags=[tag])
    response = desk.post(
        reverse("admin:articles_tag_change", args=[tag.pk]),
        {"name": "Flooding", "slug": "flooding", "description": "High water"},
    )
    assert response.status_code == 302
    client.logout()
    old = client.get("/tags/floods/")
    assert old.status_code == 301
    assert old["Location"] == "/tags/flooding/"
    for feed in ("feed/", "feed/atom/", "feed.json"):
        moved = client.get(f"/tags/floods/{feed}")
        assert moved.status_code == 301
        assert moved["Location"] == f"/tags/flooding/{feed}"
    assert client.get("/tags/floods/?page=abc").status_code == 301
    assert client.get("/tags/flooding/?page=99").status_code == 404


def test_merging_tags_moves_articles_and_redirects(client, desk, make_article, make_tag):
    floods, flooding, weather = make_tag("Floods"), make_tag("Flooding"), make_tag("Weather")
    only_floods = make_article(tags=[floods])
    both = make_article(tags=[floods, flooding])
    unrelated = make_article(tags=[weather])
    TagRedirect.objects.create(old_slug="flood", tag=floods)  # an earlier rename

    choose = desk.post(TAG_CHANGELIST_URL, action_data("merge_tags", floods))
    assert choose.status_code == 200
    assert "Merge into" in choose.content.decode()
    assert floods not in choose.context["form"].fields["target"].queryset

    done = desk.post(
        TAG_CHANGELIST_URL,
        {**action_data("merge_tags", floods), "apply": "1", "target": flooding.pk},
    )
    assert done.status_code == 302
    assert not Tag.objects.filter(pk=floods.pk).exists()
    assert list(only_floods.tags.all()) == [flooding]
    assert list(both.tags.all()) == [flooding]
    assert list(unrelated.tags.all()) == [weather]
    client.logout()
    for old in ("/tags/floods/", "/tags/flood/"):
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == "/tags/flooding/"
