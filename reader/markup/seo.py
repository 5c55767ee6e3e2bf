"""Metadata for search engines and social cards: canonical URL, OpenGraph, JSON-LD."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from reader.markup import escape

# The escapes django.utils.html.json_script uses: no "<", ">" or "&" survive, so
# nothing in the data can close the script element or open a comment.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def canonical_url(context) -> str:
    """SITE_URL plus the page's path; a list page past the first keeps ?page=N."""
    url = settings.SITE_URL + context["request"].path
    page_obj = context.get("page_obj")
    if page_obj is not None and page_obj.number > 1:
        url += f"?page={page_obj.number}"
    return url


def page_meta(context, title="", description="", kind="website", image=None, canonical=""):
    """Meta description, canonical link, OpenGraph and Twitter card tags for one page.

    `image` is an `articles.images.SocialImage` (absolute URL, size, alt) or None.
    `canonical` is a story's own canonical URL when its original lives elsewhere
    (Article.canonical_url): search engines are sent there, while OpenGraph keeps
    this page's address, which is what readers share.
    Built as a string: every page renders it, and a nested template costs several
    times more. Every value is escaped as the template's autoescaping did.
    """
    description = " ".join((description or "").split()) or (
        f"The latest news from {settings.SITE_NAME}."
    )
    title = escape(title or settings.SITE_NAME)
    description = escape(description)
    here = escape(canonical_url(context))
    lines = [
        f'<meta name="description" content="{description}">',
        f'  <link rel="canonical" href="{escape(canonical) if canonical else here}">',
        f'  <meta property="og:site_name" content="{escape(settings.SITE_NAME)}">',
        f'  <meta property="og:type" content="{escape(kind)}">',
        f'  <meta property="og:title" content="{title}">',
        f'  <meta property="og:description" content="{description}">',
        f'  <meta property="og:url" content="{here}">',
        *image_meta(image),
        f'  <meta name="twitter:title" content="{title}">',
        f'  <meta name="twitter:description" content="{description}">',
    ]
    return mark_safe("\n".join(lines) + "\n")


def image_meta(image) -> list[str]:
    """The OpenGraph and Twitter lines for a social image, or the plain card without one."""
    if not image:
        return ['  <meta name="twitter:card" content="summary">']
    url, alt = escape(image.url), escape(image.alt)
    lines = [f'  <meta property="og:image" content="{url}">']
    if image.width:
        lines += [
            f'  <meta property="og:image:width" content="{escape(image.width)}">',
            f'  <meta property="og:image:height" content="{escape(image.height)}">',
        ]
    return lines + [
        f'  <meta property="og:image:type" content="{escape(image.mime_type)}">',
        f'  <meta property="og:image:alt" content="{alt}">',
        '  <meta name="twitter:card" content="summary_large_image">',
        f'  <meta name="twitter:image" content="{url}">',
        f'  <meta name="twitter:image:alt" content="{alt}">',
    ]


def article_json_ld(context, article):
    """A schema.org NewsArticle for `article`, in a script element content cannot leave."""
    url = canonical_url(context)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": settings.SITE_URL,
        },
        "keywords": [tag.name for tag in article.tag_list],
    }
    if article.shows_publication_date():  # a draft never published has no date
        data["datePublished"] = article.published_at.isoformat()
        data["dateModified"] = article.public_modified_at().isoformat()
    if corrections := [correction_comment(c) for c in article.correction_list]:
        data["correction"] = corrections[0] if len(corrections) == 1 else corrections
    if description := article.standfirst or article.summary:
        data["description"] = description
    if authors := article.author_list:
        data["author"] = [
            {
                "@type": "Person",
                "name": author.name,
                "url": settings.SITE_URL + author.get_absolute_url(),
            }
            for author in authors
        ]
    elif article.byline:
        data["author"] = [{"@type": "Person", "name": article.byline}]
    else:
        data["author"] = data["publisher"]
    if article.source_url:
        data["isBasedOn"] = article.source_url
    if image := json_ld_image(article):
        data["image"] = image
    text = json.dumps(data, cls=DjangoJSONEncoder).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def correction_comment(correction) -> dict:
    """A correction or clarification as schema.org's CorrectionComment (the Trust
    Project's term; schema.org has no clarification of its own, `name` says which)."""
    return {
        "@type": "CorrectionComment",
        "name": correction.get_kind_display(),
        "text": correction.note,
        "datePublished": correction.published_at.isoformat(),
    }


def json_ld_image(article) -> dict | None:
    """The lead image as a schema.org ImageObject (Google's article rich results want one)."""
    image = article.social_image
    if image is None:
        return None
    data = {"@type": "ImageObject", "url": image.url}
    if image.width:
        data["width"] = image.width
        data["height"] = image.height
    if article.lead_image_caption:
        data["caption"] = article.lead_image_caption
    if article.lead_image_credit:
        data["creditText"] = article.lead_image_credit
    return data
