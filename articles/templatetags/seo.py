"""Metadata for search engines and social cards: canonical URL, OpenGraph, JSON-LD."""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

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


@register.inclusion_tag("includes/_page_meta.html", takes_context=True)
def page_meta(context, title="", description="", kind="website", image=None):
    """Meta description, canonical link, OpenGraph and Twitter card tags for one page.

    `image` is an `articles.images.SocialImage` (absolute URL, size, alt) or None.
    """
    description = " ".join((description or "").split()) or (
        f"The latest news from {settings.SITE_NAME}."
    )
    return {
        "title": title or settings.SITE_NAME,
        "description": description,
        "kind": kind,
        "canonical": canonical_url(context),
        "SITE_NAME": settings.SITE_NAME,
        "image": image,
    }


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    """A schema.org NewsArticle for `article`, in a script element content cannot leave."""
    url = canonical_url(context)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": article.published_at.isoformat(),
        "dateModified": max(article.updated_at, article.published_at).isoformat(),
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": settings.SITE_URL,
        },
        "keywords": [tag.name for tag in article.tag_list],
    }
    if description := article.standfirst or article.summary:
        data["description"] = description
    if article.byline:
        data["author"] = [{"@type": "Person", "name": article.byline}]
    else:
        data["author"] = data["publisher"]
    if article.source_url:
        data["isBasedOn"] = article.source_url
    if image := json_ld_image(article):
        data["image"] = image
    text = json.dumps(data, cls=DjangoJSONEncoder).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


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
