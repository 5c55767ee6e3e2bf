"""/corrections/: recent corrections and clarifications, newest first, and their feeds.

Only notes on published articles appear (Correction.objects.public(), through the
one gate). Each lists the note, its kind and time, and links its story; a page
holds 20, and goes back at most as far as the front page does (BoundedPaginator).
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.generic import ListView

from articles.models.correction import Correction
from pagecache import keys
from reader.feeds import FEED_LENGTH, absolute
from reader.pagination import BoundedPaginator
from reader.views import DeclaresKeys

TITLE = "Corrections and clarifications"


def public_corrections():
    """Published articles' notes, newest first, with only what a listing shows of each story."""
    return (
        Correction.objects.public()
        .select_related("article")
        .only("kind", "note", "published_at", "article__slug", "article__headline")
    )


class CorrectionListView(DeclaresKeys, ListView):
    template_name = "articles/correction_list.html"
    context_object_name = "corrections"
    paginate_by = 20
    paginator_class = BoundedPaginator

    def get_queryset(self):
        return public_corrections()

    def surrogate_keys(self, context):
        return [keys.ANY]  # every change to a note or to a story's headline


class CorrectionsFeed(Feed):
    """The latest corrections and clarifications, as RSS 2.0."""

    def title(self):
        return f"{TITLE} · {settings.SITE_NAME}"

    def description(self):
        return f"What {settings.SITE_NAME} got wrong or left unclear, and put right."

    subtitle = description  # Atom's name for it

    def link(self):
        return absolute(reverse("articles:corrections"))

    def feed_url(self):
        return absolute(reverse(self.route))

    route = "articles:corrections_feed"

    def items(self):
        return public_corrections()[:FEED_LENGTH]

    def item_title(self, item):
        return f"{item.get_kind_display()}: {item.article.headline}"

    def item_description(self, item):
        return item.note  # plain text; the feed generator escapes it

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_guid(self, item):
        return self.item_link(item)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at  # a note is never edited


class CorrectionsAtomFeed(CorrectionsFeed):
    feed_type = Atom1Feed
    route = "articles:corrections_feed_atom"
