"""The answers' shapes, for the OpenAPI schema (/api/v1/openapi.json).

Endpoints build their JSON themselves (api.shapes) and return it as is, so no
answer pays for validating its own output; tests/api/ checks that every answer
the endpoints give fits these schemas, field for field.
"""

from ninja import Schema
from pydantic import ConfigDict, Field


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class Link(Strict):
    id: int
    name: str
    slug: str
    url: str = Field(description="The public page.")


class Rendition(Strict):
    url: str
    width: int
    height: int
    type: str = Field(description="Media type, e.g. image/jpeg or image/webp.")


class LeadImage(Strict):
    url: str = Field(description="The largest copy, or the image an import recorded by URL.")
    width: int | None
    height: int | None
    alt: str
    caption: str
    credit: str


class StoryLeadImage(LeadImage):
    renditions: list[Rendition] = Field(description="Resized copies, largest first.")


class Neighbour(Strict):
    id: int
    headline: str
    url: str
    api_url: str


class Source(Strict):
    name: str
    url: str


class Correction(Strict):
    kind: str = Field(description="correction or clarification")
    note: str
    published_at: str


class ArticleItem(Strict):
    id: int
    url: str = Field(description="The story's public page.")
    api_url: str = Field(description="The story in this API.")
    slug: str
    headline: str
    standfirst: str
    summary: str
    byline: str = Field(description="The authors' names, or the free-text byline of wire copy.")
    published_at: str = Field(description="ISO 8601, UTC: the story's place in the public order.")
    updated_at: str = Field(
        description="When readers were last told of an update or correction, else published_at."
    )
    tags: list[Link]
    authors: list[Link]
    section: Link | None
    lead_image: LeadImage | None


class Story(ArticleItem):
    lead_image: StoryLeadImage | None
    body_html: str = Field(description="The body, sanitized HTML.")
    source: Source
    corrections: list[Correction]
    previous: Neighbour | None = Field(description="The next older published story.")
    next: Neighbour | None = Field(description="The next newer published story.")


class ArticlePage(Strict):
    results: list[ArticleItem]
    next: str | None = Field(description="The next (older) page, or null on the last.")


class Tag(Link):
    description: str
    is_section: bool


class TagPage(Strict):
    results: list[Tag]
    next: str | None


class Author(Link):
    role: str
    bio: str
    photo: str | None


class AuthorPage(Strict):
    results: list[Author]
    next: str | None


class Section(Link):
    description: str


class Sections(Strict):
    results: list[Section]


class Change(Strict):
    id: int = Field(description="The story's id.")
    url: str
    api_url: str
    change: str = Field(
        description="published (first published after `since`), updated (public before, "
        "changed or back since) or removed (unpublished, trashed or deleted)."
    )
    at: str


class Changes(Strict):
    changes: list[Change]
    next: str | None = Field(description="More changes waiting: follow it now.")
    resume: str = Field(
        description="Where to pick up later, once `next` is null. It overlaps the last "
        "minute, so a change committed late is never missed; apply changes idempotently."
    )


class Error(Strict):
    error: str = Field(description="bad_parameter, not_found or gone.")
    detail: str
    parameter: str | None = Field(None, description="The query parameter at fault.")
