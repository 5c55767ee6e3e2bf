from django.urls import path, re_path

from articles.models import ArticleRedirect, TagRedirect
from pagecache import keys
from reader import corrections, feeds, views
from reader.redirects import follow_old_slugs, old_address

# The URL names keep the `articles:` namespace that templates and models use.
app_name = "articles"

# Addresses by slug answer an old slug with a 301 (articles.models.redirect).
old_tag_slugs = follow_old_slugs(TagRedirect)
old_article_slugs = follow_old_slugs(ArticleRedirect, gone=ArticleRedirect.gone, imported=True)

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="index"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("feed.json", feeds.json_feed, name="feed_json"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("corrections/", corrections.CorrectionListView.as_view(), name="corrections"),
    path(
        "corrections/feed/",
        keys.declares(keys.ANY)(corrections.CorrectionsFeed()),
        name="corrections_feed",
    ),
    path(
        "corrections/feed/atom/",
        keys.declares(keys.ANY)(corrections.CorrectionsAtomFeed()),
        name="corrections_feed_atom",
    ),
    path("tags/<str:slug>/", old_tag_slugs(views.TagDetailView.as_view()), name="tag"),
    path("tags/<str:slug>/feed/", old_tag_slugs(feeds.TagFeed()), name="tag_feed"),
    path(
        "tags/<str:slug>/feed/atom/",
        old_tag_slugs(feeds.TagAtomFeed()),
        name="tag_feed_atom",
    ),
    path("tags/<str:slug>/feed.json", old_tag_slugs(feeds.json_feed), name="tag_feed_json"),
    path("authors/<str:slug>/", views.AuthorDetailView.as_view(), name="author"),
    path("authors/<str:slug>/feed/", feeds.AuthorFeed(), name="author_feed"),
    path("authors/<str:slug>/feed/atom/", feeds.AuthorAtomFeed(), name="author_feed_atom"),
    path("authors/<str:slug>/feed.json", feeds.author_json_feed, name="author_feed_json"),
    # Staff only, never cached (settings.PAGE_CACHE_EXEMPT).
    path("preview/<str:slug>/", views.ArticlePreviewView.as_view(), name="preview"),
    # Last: an article's slug would otherwise shadow the addresses above.
    path("<str:slug>/", old_article_slugs(views.ArticleDetailView.as_view()), name="detail"),
    # Last of all: an address of several parts that no page has may be an imported
    # article's on its old site (`/2007/04/11/post-name/`). Only addresses ending in
    # a slash, so Django still adds a missing one (APPEND_SLASH) before this answers.
    re_path(r"^(?P<path>.+/)$", old_address, name="old_address"),
]
