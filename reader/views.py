from functools import partial

from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import DetailView, ListView

from articles.compiled import CompiledQuery, Param
from articles.models import Article, Author, Tag
from articles.search import (
    MAX_QUERY_LENGTH,
    RESULTS_PER_PAGE,
    ParsedQuery,
    search_articles,
    snippet,
)
from pagecache import keys
from pagecache.sections import sections
from reader import front_page
from reader.pagination import BoundedPaginator, IdsFirstPaginator
from reader.redirects import imported_target


class DeclaresKeys:
    """A public page's response carries the surrogate keys of what it renders
    (pagecache.keys): the header's sections, and what `surrogate_keys` names."""

    def surrogate_keys(self, context) -> list[str]:
        return []

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return keys.declare(response, [keys.SECTIONS, *self.surrogate_keys(context)])


class PublishedArticlesMixin(DeclaresKeys):
    """The public list of articles: the one visibility gate, tags riding along."""

    paginate_by = 20
    paginator_class = IdsFirstPaginator

    def get_queryset(self):
        return Article.objects.published().with_tag_links().with_author_links()

    def surrogate_keys(self, context):
        # The listing itself (which stories, in what order) is the subclass's key.
        return keys.shown(context["article_list"])


class ArticleListView(PublishedArticlesMixin, ListView):
    """The front page: on its first page the editors' hierarchy (reader.front_page)
    above the latest stories and the section blocks; further pages list the rest."""

    template_name = "articles/article_list.html"

    def get(self, request, *args, **kwargs):
        # `/?p=<id>` is how WordPress addresses a post: an imported one answers with
        # a 301 to its page here; any other `p` leaves the front page as it is.
        post_id = request.GET.get("p", "")
        if post_id.isdigit() and (article := imported_target(request, "/", post_id)):
            return redirect(article, permanent=True)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["page_obj"].number == 1:
            now = timezone.now()
            context["front"] = self.front = front_page.build(
                list(context["article_list"]), sections(), now
            )
        return context

    def surrogate_keys(self, context):
        shown = [keys.NEWEST, *super().surrogate_keys(context)]  # the public order
        if front := context.get("front"):
            stories = [front.lead, *front.top, *(s for b in front.sections for s in b.articles)]
            shown += [keys.FRONT, *keys.shown(s for s in stories if s is not None)]
            shown += [keys.tag(block.section["id"]) for block in front.sections]
        return shown

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        front = context.get("front")
        if front and front.expires_at:
            # A pin running out changes the page with no save to say so.
            response.cache_until = front.expires_at.timestamp()
        return response


class TagDetailView(PublishedArticlesMixin, ListView):
    template_name = "articles/tag_detail.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return Article.objects.published_with_tag(self.tag).with_tag_links().with_author_links()

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)

    def surrogate_keys(self, context):
        return [keys.tag(self.tag.pk), *super().surrogate_keys(context)]


class AuthorDetailView(PublishedArticlesMixin, ListView):
    """/authors/<slug>/: an author's profile and their published stories."""

    template_name = "articles/author_detail.html"

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        articles = Article.objects.published().filter(bylines__author=self.author)
        return articles.with_tag_links().with_author_links()

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)

    def surrogate_keys(self, context):
        return [keys.author(self.author.pk), *super().surrogate_keys(context)]


def public_article_page():
    """A published article by slug, with its tags and its neighbours' links."""
    now = Param("now", models.DateTimeField())
    articles = Article.objects.published(now).filter(slug=Param("slug", models.SlugField()))
    return articles.with_tag_links().with_author_links().with_corrections().with_neighbours(now)


PUBLIC_ARTICLE_PAGE = CompiledQuery(Article, public_article_page)


class ArticleDetailView(DeclaresKeys, DetailView):
    """A published article's page: the same for every reader, staff included (the
    page cache strips cookies from public addresses). Staff preview unpublished
    articles at ArticlePreviewView's address, which is never cached."""

    template_name = "articles/article_detail.html"

    def get_object(self, queryset=None):
        # The same query for every article, compiled once (articles.compiled).
        found = PUBLIC_ARTICLE_PAGE(slug=self.kwargs["slug"], now=timezone.now())
        if not found:
            raise Http404("No published article at this address.")
        return found[0]

    def get_context_data(self, **kwargs):
        article = self.object
        return super().get_context_data(
            previous_article=article.previous_article(),
            next_article=article.next_article(),
            related_articles=related_articles(article),
            **kwargs,
        )

    def surrogate_keys(self, context):
        # Its neighbours' and related stories' links show their headlines; which
        # stories are its neighbours is its `neighbours` key.
        shown = [context["previous_article"], context["next_article"]]
        shown += context["related_articles"]
        related = [keys.article(other.pk) for other in shown if other is not None]
        return [*keys.shown([self.object]), keys.neighbours(self.object.pk), *related]


class ArticlePreviewView(DetailView):
    """/preview/<slug>/: an article as staff see it before (or after) it is public,
    under a banner, never cached and never indexed; readers get a 404."""

    template_name = "articles/article_detail.html"

    def get_queryset(self):
        if not self.request.user.is_staff:
            raise Http404("Previews are for the newsroom's staff.")
        articles = Article.objects.visible_to(self.request.user)
        return articles.with_tag_links().with_author_links().with_corrections()

    def get_context_data(self, **kwargs):
        # A preview stands outside the public sequence: no neighbour links.
        return super().get_context_data(preview=not self.object.is_published(), **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response


RELATED_STORIES = 4
RELATED_TAGS = 5  # an article's first tags by name are enough to find four stories


def related_articles(article) -> list[Article]:
    """Up to four published stories sharing a tag with `article`, newest first: one
    query, each tag's newest read from its own listing (with_any_tag), compiled once
    per number of tags (articles.compiled)."""
    tag_ids = [tag.pk for tag in article.tag_list[:RELATED_TAGS]]
    if not tag_ids:
        return []
    tags = {f"tag{n}": pk for n, pk in enumerate(tag_ids)}
    return RELATED_STORIES_QUERIES[len(tag_ids)](now=timezone.now(), exclude=article.pk, **tags)


def related_stories(tag_count: int):
    """The related stories' query for an article with `tag_count` tags, with Params."""
    now = Param("now", models.DateTimeField())
    tags = [Param(f"tag{n}", models.BigIntegerField()) for n in range(tag_count)]
    exclude = Param("exclude", models.BigIntegerField())
    related = Article.objects.with_any_tag(tags, RELATED_STORIES, exclude=exclude, now=now)
    return related.only(*RELATED_FIELDS).order_by("-published_at", "-pk")[:RELATED_STORIES]


RELATED_FIELDS = (
    "slug", "headline", "published_at", "lead_image", "lead_image_alt", "lead_image_renditions",
)  # fmt: skip
RELATED_STORIES_QUERIES = {
    count: CompiledQuery(Article, partial(related_stories, count))
    for count in range(1, RELATED_TAGS + 1)
}


class SearchView(PublishedArticlesMixin, ListView):
    """/search/?q=: published articles matching the query (see articles.search)."""

    template_name = "articles/search.html"
    paginate_by = RESULTS_PER_PAGE
    paginator_class = BoundedPaginator  # ids first buys nothing: results are capped

    def get(self, request, *args, **kwargs):
        self.query = ParsedQuery.parse(request.GET.get("q", ""))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return search_articles(self.query).with_tag_links()

    def surrogate_keys(self, context):
        # Any edit may make a story match; results come in the public order.
        return [keys.ANY, keys.NEWEST, *super().surrogate_keys(context)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(query=self.query, max_length=MAX_QUERY_LENGTH, **kwargs)
        for article in context["article_list"]:
            article.snippet = snippet(article, self.query)
        return context
