"""Sanitization proof: hostile HTML from every way in never reaches a page able to run.

Every payload of the shared XSS corpus goes in as an article body through the model
(`Article.save()`), the admin's article form and each import format, and the
article's rendered page is then parsed: no script-capable element, event handler,
`style` attribute or javascript:/vbscript:/data: URL may survive. Text fields
(headline, standfirst, summary, byline) are escaped, never interpreted.
"""

import csv
import json
import re
from io import StringIO
from xml.sax.saxutils import escape

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.desk_client import ADD_URL, form_data
from tests.xss import (
    NO_CORPUS,
    XSS_CORPUS,
    all_payloads,
    dompurify_payloads,
    script_capable_markup,
)

pytestmark = pytest.mark.django_db
needs_corpus = pytest.mark.skipif(XSS_CORPUS is None, reason=NO_CORPUS)

XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
HOSTILE_TEXT = '"><script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)>'


def unsafe_pages(client, articles) -> dict[str, list[str]]:
    """Render each article whose stored text differs, and report script-capable markup.

    A page is its template plus the article's stored fields, so articles whose
    fields are identical render the same markup: each distinct one is rendered once.
    """
    found, seen = {}, set()
    for article in articles:
        key = (article.headline, article.standfirst, article.summary, article.byline, article.body)
        if key in seen:
            continue
        seen.add(key)
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200, article.slug
        if findings := script_capable_markup(response.content.decode()):
            found[article.body[:80] or article.slug] = findings
    return found


def test_checker_finds_what_the_sanitizer_must_remove():
    """The page checker is not vacuous: raw payloads trip it."""
    assert script_capable_markup('<a href=" jav&#x09;ascript:alert(1)">x</a>')
    assert script_capable_markup("<p style=\"background:url('javascript:x')\">x</p>")
    assert script_capable_markup("<svg><animate onbegin=alert(1)>")
    assert script_capable_markup("<img src=x onerror=alert(1)>")
    assert script_capable_markup('<script type="application/ld+json">{}</script><script>')
    assert not script_capable_markup('<p><a href="https://example.org/">fine</a></p>')


@needs_corpus
def test_checker_flags_most_raw_dompurify_payloads():
    flagged = [p for p in dompurify_payloads() if script_capable_markup(p)]
    assert len(flagged) > len(dompurify_payloads()) // 2


@pytest.mark.parametrize(
    "body",
    [
        '<a href="\u2028javascript:alert(1)">x</a>',
        '<a href="&#xA0;javascript:alert(1)">x</a>',
        '<a href="\x01java\x03script:alert(1)">x</a>',
        '<img src=" &#x200B;data:image/svg+xml,<svg onload=alert(1)>">',
        '<blockquote cite="vbscript:msgbox(1)">x</blockquote>',
    ],
)
def test_urls_disguised_with_invisible_characters_are_dropped(make_article, body):
    article = make_article(body=body)
    assert "script:" not in article.body and "data:" not in article.body
    assert script_capable_markup(article.body) == []


def test_ordinary_links_survive(make_article):
    body = '<a href="https://example.org/a:b">web</a> <a href="mailto:desk@example.org">mail</a>'
    article = make_article(body=body)
    assert 'href="https://example.org/a:b"' in article.body
    assert 'href="mailto:desk@example.org"' in article.body


@needs_corpus
def test_corpus_through_the_model_renders_safe_pages(client, make_article):
    articles = [make_article(headline="Corpus payload", body=p) for p in all_payloads()]
    assert unsafe_pages(client, articles) == {}


@needs_corpus
def test_corpus_through_the_admin_form_renders_safe_pages(admin_client):
    """Editors are not trusted with script: the desk's body goes through the same sanitizer."""
    payloads = dompurify_payloads()
    for number, payload in enumerate(payloads):
        data = form_data(headline=f"Admin payload {number}", slug=f"admin-payload-{number}")
        # A lead paragraph, because a payload that is all script leaves an empty body,
        # which the desk refuses to publish.
        body = f"<p>Lead.</p>{payload}"
        response = admin_client.post(ADD_URL, {**data, "body": body, "_publish_now": "1"})
        assert response.status_code == 302, payload
    articles = Article.objects.published().filter(slug__startswith="admin-payload-")
    assert articles.count() == len(payloads)
    assert all(article.body.startswith("<p>Lead.</p>") for article in articles)
    assert unsafe_pages(admin_client, articles) == {}


# Import formats -------------------------------------------------------------------


def jsonl_file(payloads, fmt):
    return "".join(
        json.dumps(
            {"import_ref": f"{fmt}-xss-{n}", "headline": "Imported payload", "body": payload}
        )
        + "\n"
        for n, payload in enumerate(payloads)
    )


def json_file(payloads, fmt):
    records = [
        {"import_ref": f"{fmt}-xss-{n}", "headline": "Imported payload", "body": payload}
        for n, payload in enumerate(payloads)
    ]
    return json.dumps(records, indent=1)


def json_feed_file(payloads, fmt):
    items = [
        {"id": f"{fmt}-xss-{n}", "title": "Imported payload", "content_html": payload}
        for n, payload in enumerate(payloads)
    ]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": items})


def ghost_file(payloads, fmt):
    posts = [
        {"id": f"{fmt}-xss-{n}", "title": "Imported payload", "slug": f"ghost-payload-{n}",
         "html": payload, "type": "post", "status": "published", "visibility": "public",
         "published_at": "2023-01-02T10:00:00.000Z"}
        for n, payload in enumerate(payloads)
    ]  # fmt: skip
    return json.dumps({"db": [{"meta": {"version": "5.0.0"}, "data": {"posts": posts}}]})


def csv_file(payloads, fmt):
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow(["import_ref", "headline", "body"])
    for n, payload in enumerate(payloads):
        writer.writerow([f"{fmt}-xss-{n}", "Imported payload", payload])
    return out.getvalue()


def rss_file(payloads, fmt):
    items = "".join(
        f"<item><guid>{fmt}-xss-{n}</guid><title>Imported payload</title>"
        f"<pubDate>Mon, 02 Jan 2023 10:00:00 +0000</pubDate>"
        f"<description>{escape(xml_text(payload))}</description></item>"
        for n, payload in enumerate(payloads)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{items}</channel></rss>'
    )


def atom_file(payloads, fmt):
    entries = "".join(
        f"<entry><id>{fmt}-xss-{n}</id><title>Imported payload</title>"
        f"<updated>2023-01-02T10:00:00Z</updated>"
        f'<content type="html">{escape(xml_text(payload))}</content></entry>'
        for n, payload in enumerate(payloads)
    )
    return (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>x</title><id>urn:x</id><updated>2023-01-02T10:00:00Z</updated>{entries}</feed>"
    )


def xml_text(text):
    """XML 1.0 cannot carry most control characters: a real feed would not have them."""
    return XML_ILLEGAL.sub("", text)


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def wxr_file(payloads, fmt):
    items = "".join(
        f"<item><title>Imported payload</title><wp:post_id>{n + 1}</wp:post_id>"
        "<wp:post_type>post</wp:post_type><wp:status>publish</wp:status>"
        "<wp:post_date_gmt>2023-01-02 10:00:00</wp:post_date_gmt>"
        f"<content:encoded>{cdata(xml_text(payload))}</content:encoded></item>"
        for n, payload in enumerate(payloads)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>x</title>'
        "<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://old.example.org</wp:base_site_url>"
        f"<link>https://old.example.org</link>{items}</channel></rss>"
    )


FORMAT_FILES = {
    "jsonl": jsonl_file,
    "json": json_file,
    "csv": csv_file,
    "rss": rss_file,
    "atom": atom_file,
    "jsonfeed": json_feed_file,
    "wxr": wxr_file,
    "ghost": ghost_file,
}


@needs_corpus
def test_corpus_through_every_import_format_renders_safe_pages(client, tmp_path):
    payloads = all_payloads()
    earlier = set()  # the articles of the formats before
    for fmt, build in FORMAT_FILES.items():
        path = tmp_path / f"payloads.{fmt}"
        path.write_text(build(payloads, fmt), encoding="utf-8")
        out = StringIO()
        call_command(
            "import_articles", str(path), "--format", fmt, "--status", "published", stdout=out
        )
        # Every payload became its own article (a body may be empty: all of it was hostile).
        assert Article.objects.published().count() == len(payloads) * (
            list(FORMAT_FILES).index(fmt) + 1
        ), (fmt, out.getvalue())
        # ...and kept what was safe: most payloads leave markup or text behind.
        imported = Article.objects.exclude(pk__in=earlier)
        assert imported.exclude(body="").count() > len(payloads) // 2, fmt
        earlier |= set(imported.values_list("pk", flat=True))
    assert unsafe_pages(client, Article.objects.published()) == {}


# Text fields -----------------------------------------------------------------------


@pytest.mark.parametrize("field", ["headline", "standfirst", "summary", "byline"])
def test_text_fields_are_escaped_on_the_article_page(client, make_article, field):
    article = make_article(**{field: HOSTILE_TEXT}, tags=["politics"])
    make_article()  # a neighbour, whose link shows this headline
    pages = [article.get_absolute_url(), "/", "/tags/politics/"]
    if field == "headline":
        neighbour = Article.objects.exclude(pk=article.pk).get()
        pages.append(neighbour.get_absolute_url())
    for url in pages:
        html = client.get(url).content.decode()
        assert script_capable_markup(html) == [], url
    html = client.get(article.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, not dropped
