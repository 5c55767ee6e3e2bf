"""When summaries are generated, kept or rebuilt, and where readers see them."""

import pytest

from articles.content import process
from articles.models import Article

pytestmark = pytest.mark.django_db

BODY = (
    "<p>The council voted on Tuesday to rebuild the harbour wall.</p>"
    "<p>Work on the harbour wall starts in spring.</p>"
)
NEW_BODY = (
    "<p>The ferry company cancelled every crossing on Friday.</p>"
    "<p>Ferry passengers were offered refunds.</p>"
)


def test_empty_summary_is_generated_on_save(make_article):
    article = make_article(body=BODY, summary="")
    assert article.summary_generated
    assert article.summary
    assert article.summary.split(". ")[0].rstrip(".") + "." in article.body_text


def test_editor_summary_is_kept_and_never_overwritten(make_article):
    article = make_article(body=BODY, summary="The wall is going to be rebuilt.")
    assert not article.summary_generated
    article.body = NEW_BODY
    article.save()
    article.refresh_from_db()
    assert article.summary == "The wall is going to be rebuilt."
    assert not article.summary_generated


def test_generated_summary_is_rebuilt_when_the_body_changes(make_article):
    article = make_article(body=BODY, summary="")
    before = article.summary
    article.body = NEW_BODY
    article.save()
    article.refresh_from_db()
    assert article.summary != before
    assert "ferry" in article.summary.lower()
    assert article.summary_generated


def test_clearing_an_editor_summary_makes_it_generated_again(make_article):
    article = make_article(body=BODY, summary="An editor wrote this.")
    article.summary = ""
    article.save()
    assert article.summary_generated
    assert "harbour wall" in article.summary


def test_import_path_processes_before_bulk_create(db):
    """Bulk paths skip save(): they call process() per record, as importers do."""
    articles = [
        Article(headline="Harbour wall", slug="harbour-wall", body=BODY),
        Article(headline="Ferry", slug="ferry", body=NEW_BODY, summary="Editor's own words."),
    ]
    for article in articles:
        process(article)
    Article.objects.bulk_create(articles)
    stored = {a.slug: a for a in Article.objects.all()}
    assert stored["harbour-wall"].summary_generated
    assert "harbour wall" in stored["harbour-wall"].summary
    assert stored["ferry"].summary == "Editor's own words."
    assert not stored["ferry"].summary_generated


def test_body_without_sentences_leaves_no_summary(make_article):
    article = make_article(body="", summary="")
    assert article.summary == ""
    assert not article.summary_generated


@pytest.mark.parametrize("editor_summary", ["", "The wall will be rebuilt, an editor says."])
def test_article_page_shows_the_control_for_both_kinds(client, make_article, editor_summary):
    article = make_article(body=BODY, summary=editor_summary)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "No time to read? Get a summary" in html
    summary_html = html[html.index('<div class="summary-text">') :]
    assert article.summary in summary_html[: summary_html.index("</div>")]


def test_meta_description_is_the_standfirst_else_the_summary(client, make_article):
    with_standfirst = make_article(body=BODY, standfirst="A dek that sells the story.")
    without = make_article(body=BODY)
    html = client.get(with_standfirst.get_absolute_url()).content.decode()
    assert '<meta name="description" content="A dek that sells the story.">' in html
    html = client.get(without.get_absolute_url()).content.decode()
    assert f'<meta name="description" content="{without.summary}">' in html
    assert f'<meta property="og:description" content="{without.summary}">' in html
