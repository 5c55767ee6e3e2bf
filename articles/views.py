from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, ListView

from articles.models import Article, Tag


class PublishedArticlesMixin:
    """The public list of articles: the one visibility gate, with tags prefetched."""

    paginate_by = 20

    def get_queryset(self):
        return Article.objects.published().prefetch_related("tags")


class ArticleListView(PublishedArticlesMixin, ListView):
    template_name = "articles/article_list.html"


class TagDetailView(PublishedArticlesMixin, ListView):
    template_name = "articles/tag_detail.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        articles = Article.objects.prefetch_related("tags")
        if self.request.user.has_perm("articles.change_article"):
            return articles  # staff preview drafts and scheduled articles
        return articles.published()

    def get_context_data(self, **kwargs):
        article = self.object
        return super().get_context_data(
            previous_article=article.previous_article(),
            next_article=article.next_article(),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_published():
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        return response
