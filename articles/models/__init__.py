"""The content's models, one module each; `from articles.models import Article` finds them all.

The app label stays `articles`, so every table keeps its name."""

from articles.models.article import MAX_PAGES, PUBLISH_PERMISSION, Article, ArticleQuerySet
from articles.models.author import ArticleAuthor, Author
from articles.models.correction import Correction
from articles.models.feature import Feature
from articles.models.import_run import ImportRun
from articles.models.pending_change import PENDING_FIELDS, PendingChange
from articles.models.redirect import ArticleRedirect, OldAddress, TagRedirect
from articles.models.removal import Removal
from articles.models.review_note import ReviewNote
from articles.models.tag import Tag, TagListing
from articles.models.versioned import EditConflict

__all__ = [
    "MAX_PAGES",
    "PENDING_FIELDS",
    "PUBLISH_PERMISSION",
    "Article",
    "ArticleAuthor",
    "ArticleQuerySet",
    "ArticleRedirect",
    "Author",
    "Correction",
    "EditConflict",
    "Feature",
    "ImportRun",
    "OldAddress",
    "PendingChange",
    "Removal",
    "ReviewNote",
    "Tag",
    "TagListing",
    "TagRedirect",
]
