"""The page head's meta tags, tag links, lead pictures and static addresses, now built in
Python, give the markup the templates they replaced gave (the templates are kept here as
the oracle)."""

from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.templatetags.static import static
from django.test import RequestFactory
from django.utils import timezone

from articles.images import Picture, SocialImage
from articles.models import Tag
from reader.context_processors import site
from reader.markup.pictures import lead_picture
from reader.markup.seo import page_meta
from reader.markup.tag_links import tag_links

HOSTILE = "\"><script>alert(1)</script> & 'quotes'"

# templates/includes/_page_meta.html as it was, whitespace aside.
PAGE_META_TEMPLATE = """<meta name="description" content="{{ description }}">
  <link rel="canonical" href="{{ canonical }}">
  <meta property="og:site_name" content="{{ SITE_NAME }}">
  <meta property="og:type" content="{{ kind }}">
  <meta property="og:title" content="{{ title }}">
  <meta property="og:description" content="{{ description }}">
  <meta property="og:url" content="{{ canonical }}">
{% if image %}  <meta property="og:image" content="{{ image.url }}">
{% if image.width %}  <meta property="og:image:width" content="{{ image.width }}">
  <meta property="og:image:height" content="{{ image.height }}">
{% endif %}  <meta property="og:image:type" content="{{ image.mime_type }}">
  <meta property="og:image:alt" content="{{ image.alt }}">
  <meta name="twitter:card" content="summary_large_image">
  <meta name="twitter:image" content="{{ image.url }}">
  <meta name="twitter:image:alt" content="{{ image.alt }}">
{% else %}  <meta name="twitter:card" content="summary">
{% endif %}
  <meta name="twitter:title" content="{{ title }}">
  <meta name="twitter:description" content="{{ description }}">
"""

# reader/templates/articles/_tag_list.html as it was.
TAG_LIST_TEMPLATE = (
    '{% if tags %}<ul class="tags" aria-label="Tags">{% for tag in tags %}<li><a href="'
    '{{ tag.get_absolute_url }}">{{ tag.name }}</a></li>{% endfor %}</ul>{% endif %}'
)

# reader/templates/articles/_picture.html as it was.
PICTURE_TEMPLATE = (
    "{% with picture=article.lead_picture %}{% if picture %}<picture><source"
    ' type="image/webp" srcset="{{ picture.webp_srcset }}" sizes="{{ sizes }}"><img'
    ' src="{% if small %}{{ picture.small_src }}{% else %}{{ picture.src }}{% endif'
    ' %}" srcset="{{ picture.fallback_srcset }}" sizes="{{ sizes }}" width="{% if'
    ' small %}{{ picture.small_width }}{% else %}{{ picture.width }}{% endif %}"'
    ' height="{% if small %}{{ picture.small_height }}{% else %}{{ picture.height }}'
    '{% endif %}" alt="{{ article.lead_image_alt }}"{% if lazy %} loading="lazy"{%'
    ' else %} fetchpriority="high"{% endif %} decoding="async"></picture>{% elif'
    ' article.lead_image_url and not small %}<img src="{{ article.lead_image_url }}"'
    ' alt="{{ article.lead_image_alt }}"{% if lazy %} loading="lazy"{% endif %}'
    ' referrerpolicy="no-referrer">{% endif %}{% endwith %}'
)


def without_blank_lines(html: str) -> str:
    return "\n".join(line for line in html.splitlines() if line.strip())


def old_page_meta(context, title, description, kind, image, settings):
    return Template(PAGE_META_TEMPLATE).render(
        Context(
            {
                "title": title or settings.SITE_NAME,
                "description": " ".join(description.split())
                or f"The latest news from {settings.SITE_NAME}.",
                "kind": kind,
                "canonical": settings.SITE_URL + context["request"].path,
                "SITE_NAME": settings.SITE_NAME,
                "image": image,
            }
        )
    )


IMAGES = {
    "none": None,
    "sized": SocialImage(
        "https://cdn.example.org/a.jpg?x=1&y=2", "A bridge", 1200, 630, "image/jpeg"
    ),
    "external": SocialImage("https://example.com/p.png", HOSTILE),
}


@pytest.mark.parametrize("image", IMAGES.values(), ids=IMAGES.keys())
@pytest.mark.parametrize(
    "title,description,kind",
    [
        ("Bridge reopens", "Commuters get\n their route back.", "article"),
        (HOSTILE, HOSTILE, "article"),
        ("", "", "website"),
    ],
)
def test_page_meta_matches_the_old_template(settings, title, description, kind, image):
    settings.SITE_NAME = 'News & "Views"'
    settings.SITE_URL = "https://news.example.org"
    context = {"request": RequestFactory().get("/articles/a<b>/")}
    new = page_meta(context, title, description, kind, image)
    old = old_page_meta(context, title, description, kind, image, settings)
    assert without_blank_lines(new) == without_blank_lines(old)
    assert "<script>" not in new


@pytest.mark.django_db
def test_tag_links_match_the_old_template():
    tags = [Tag(name=HOSTILE, slug="hostile"), Tag(name="Local & <b>", slug="local")]
    for given in (tags, [], None):
        old = Template(TAG_LIST_TEMPLATE).render(Context({"tags": given}))
        assert tag_links(given) == old
    assert "<b>" not in tag_links(tags)


def test_site_assets_and_year(settings):
    context = site(RequestFactory().get("/"))
    assert context["SITE_ASSETS"] == {
        "favicon": static("favicon.svg"),
        "css": static("css/site.css"),
    }
    assert context["YEAR"] == str(timezone.localdate().year)


@pytest.mark.django_db
def test_header_search_box_keeps_the_query_only_on_the_search_page(client, make_article):
    article = make_article()
    html = client.get("/search/", {"q": 'bridge "<b>'}).content.decode()
    assert 'id="site-search-q" type="search" name="q" value="bridge &quot;&lt;b&gt;"' in html
    for url in ("/", article.get_absolute_url()):
        html = client.get(url).content.decode()
        assert 'id="site-search-q" type="search" name="q" value=""' in html


PICTURE = Picture(
    webp_srcset="/media/a-400.webp 400w, /media/a-800.webp 800w",
    fallback_srcset="/media/a-400.jpg 400w, /media/a-800.jpg?x=1&y=2 800w",
    fallback_type="image/jpeg",
    src="/media/a-800.jpg?x=1&y=2",
    width=800,
    height=450,
    small_src="/media/a-400.jpg",
    small_width=400,
    small_height=225,
)


@pytest.mark.parametrize("lazy", [False, True])
@pytest.mark.parametrize("small", [False, True])
@pytest.mark.parametrize(
    "picture,url",
    [(PICTURE, ""), (None, 'https://example.com/a.jpg?a=1&b="2"'), (None, "")],
    ids=["renditions", "imported", "none"],
)
def test_lead_picture_matches_the_old_template(picture, url, small, lazy):
    article = SimpleNamespace(lead_picture=picture, lead_image_url=url, lead_image_alt=HOSTILE)
    sizes = '(max-width: 42rem) 100vw, "40rem"'
    old = Template(PICTURE_TEMPLATE).render(
        Context({"article": article, "sizes": sizes, "small": small, "lazy": lazy})
    )
    assert lead_picture(article, sizes, small=small, lazy=lazy) == old
