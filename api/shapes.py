"""What the API says about a story, a tag, an author: plain dicts, ready for JSON.

Built from the rows api.queries reads (their links ride along as JSON), with no
query of their own. Addresses are absolute, on SITE_URL, as in feeds and sitemaps:
an answer is the same whichever host served it. Times are UTC, ISO 8601.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.encoding import filepath_to_uri

from articles.addresses import slug_addresses
from articles.images import absolute_url
from articles.models.author import byline_text
from articles.models.links import parse_stored_time


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def site(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def updated_at(article) -> datetime:
    """What the page's "Updated" line says: the last update or correction readers
    were told of, else the publication."""
    modified = article.modified_at
    return modified if modified and modified > article.published_at else article.published_at


class Shaper:
    """Shapes one answer. A list links a hundred addresses, so each view's address
    around the slug is looked up once per answer (articles.addresses.slug_addresses)."""

    def __init__(self):
        self.site = settings.SITE_URL
        self.story_page = slug_addresses("articles:detail")
        self.api_story = slug_addresses("api:story")
        self.tag_page = slug_addresses("articles:tag")
        self.author_page = slug_addresses("articles:author")

    def story_urls(self, slug: str) -> dict:
        return {
            "url": self.site + self.story_page(slug),
            "api_url": self.site + self.api_story(slug),
        }

    def tag_link(self, link: dict) -> dict:
        url = self.site + self.tag_page(link["slug"])
        return {"id": link["id"], "name": link["name"], "slug": link["slug"], "url": url}

    def author_link(self, link: dict) -> dict:
        url = self.site + self.author_page(link["slug"])
        return {"id": link["id"], "name": link["name"], "slug": link["slug"], "url": url}

    def section_of(self, tag_links: list[dict]) -> dict | None:
        """The article's section: the first, in the editors' order, of its tags that is one."""
        sections = [link for link in tag_links if link["is_section"]]
        if not sections:
            return None
        return self.tag_link(min(sections, key=lambda link: (link["section_order"], link["name"])))

    def list_item(self, article) -> dict:
        tags = sorted(article.tag_links or (), key=lambda link: link["name"])
        authors = sorted(article.author_links or (), key=lambda link: link["position"])
        return {
            "id": article.pk,
            **self.story_urls(article.slug),
            "slug": article.slug,
            "headline": article.headline,
            "standfirst": article.standfirst,
            "summary": article.summary,
            "byline": byline_text([a["name"] for a in authors]) or article.byline,
            "published_at": iso(article.published_at),
            "updated_at": iso(updated_at(article)),
            "tags": [self.tag_link(link) for link in tags],
            "authors": [self.author_link(link) for link in authors],
            "section": self.section_of(tags),
            "lead_image": lead_image(article, renditions=False),
        }

    def neighbour(self, link: dict | None) -> dict | None:
        if not link:
            return None
        return {"id": link["id"], "headline": link["headline"], **self.story_urls(link["slug"])}

    def story(self, article) -> dict:
        corrections = sorted(
            (
                (parse_stored_time(link["published_at"]), link["kind"], link["note"])
                for link in article.correction_links or ()
            ),
            key=lambda correction: correction[0],
        )
        return {
            **self.list_item(article),
            "lead_image": lead_image(article, renditions=True),
            "body_html": article.body,  # sanitized when saved (articles.content)
            "source": {"name": article.source_name, "url": article.source_url},
            "corrections": [
                {"kind": kind, "note": note, "published_at": iso(at)}
                for at, kind, note in corrections
            ],
            "previous": self.neighbour(article.previous_link),
            "next": self.neighbour(article.next_link),
        }

    def tag(self, row: dict) -> dict:
        return {
            **self.tag_link(row),
            "description": row["description"],
            "is_section": row["is_section"],
        }

    def section(self, row: dict) -> dict:
        return {**self.tag_link(row), "description": row["description"]}

    def author(self, row: dict, photo_url) -> dict:
        return {
            **self.author_link(row),
            "role": row["role"],
            "bio": row["bio"],
            "photo": absolute_url(photo_url(row["photo"])) if row["photo"] else None,
        }

    def change(self, entry: tuple, since: datetime) -> dict:
        """One entry of the change feed (api.queries.changes)."""
        at, kind, _, article_id, slug, first_published = entry
        if kind:
            name = "removed"
        else:
            name = "published" if first_published >= since else "updated"
        return {"id": article_id, **self.story_urls(slug), "change": name, "at": iso(at)}


def lead_image(article, *, renditions: bool) -> dict | None:
    """The picture (its largest copy) and, with `renditions`, every resized copy,
    largest first; or the image an import recorded by URL (no copies, size
    unknown); or None."""
    meta = article.lead_image_renditions or {}
    described = {
        "alt": article.lead_image_alt,
        "caption": article.lead_image_caption,
        "credit": article.lead_image_credit,
    }
    if meta.get("fallback"):
        url = media_url(article.lead_image.storage)
        width, height, name, _ = meta["fallback"][-1]
        image = {"url": url(name), "width": width, "height": height, **described}
        if renditions:
            image["renditions"] = [
                {"url": url(name), "width": width, "height": height, "type": kind}
                for items, kind in (
                    (meta["fallback"], meta["fallback_type"]),
                    (meta["webp"], "image/webp"),
                )
                for width, height, name, _ in reversed(items)
            ]
        return image
    if article.lead_image_url:
        image = {"url": article.lead_image_url, "width": None, "height": None, **described}
        return {**image, "renditions": []} if renditions else image
    return None


def media_url(storage):
    """How to turn a stored file's name into its absolute URL. For files on this
    server, as FileSystemStorage.url() spells it without its urljoin(), which cost
    more than the rest of a list item (a test pins the two equal); other storages
    (a CDN's, signed URLs) are asked each time."""
    if isinstance(storage, FileSystemStorage) and storage.base_url:
        prefix = absolute_url(storage.base_url)
        return lambda name: prefix + filepath_to_uri(name).lstrip("/")
    return lambda name: absolute_url(storage.url(name))
