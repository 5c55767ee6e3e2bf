"""The admin index's "Your desk" box: the work waiting, each item a link.

Editors see what awaits their decision, which live stories carry a pending change,
what is scheduled next and what was corrected lately; an author sees the notes
their articles were sent back with, until they submit them again. One query
each, each list short.
"""

from django import template
from django.urls import reverse

from articles.models import Article, Correction
from editorial.publishing import may_publish
from editorial.review import ReviewNote

register = template.Library()


@register.filter
def full_name(user) -> str:
    """A staff member as the desk names them everywhere: the full name, else the user name."""
    if not user:
        return ""
    return user.get_full_name() or user.get_username()


LISTED = 5  # a glance, not a list page: the "all" links lead to the filtered change list


def change_url(article_id) -> str:
    return reverse("admin:articles_article_change", args=[article_id])


def listed(articles) -> list:
    rows = list(articles.only("headline", "published_at")[:LISTED])
    for article in rows:
        article.change_url = change_url(article.pk)
    return rows


def work_lists(user) -> dict:
    """The Editors' lists: awaiting review, pending changes, scheduled next, corrected."""
    articles = Article.objects.not_trashed()
    corrections = list(
        Correction.objects.filter(article__trashed_at__isnull=True)
        .select_related("article")
        .only("kind", "published_at", "article__headline")[:LISTED]
    )
    for correction in corrections:
        correction.change_url = change_url(correction.article_id)
    return {
        "in_review": listed(articles.in_review().order_by("updated_at")),
        "pending": listed(articles.filter(pending_change__isnull=False).order_by("headline")),
        "scheduled": listed(articles.scheduled().order_by("published_at", "pk")),
        "corrected": corrections,
    }


@register.inclusion_tag("admin/articles/includes/desk_overview.html", takes_context=True)
def desk_overview(context):
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.has_perm("articles.view_article"):
        return {"overview": None}
    sent_back = list(
        ReviewNote.objects.open()
        .filter(article__author=user)
        .select_related("article")
        .only("note", "sent_at", "article__headline")
    )
    for note in sent_back:
        note.change_url = change_url(note.article_id)
    can_review = may_publish(user)
    return {
        "overview": {
            "changelist": reverse("admin:articles_article_changelist"),
            "can_review": can_review,
            "awaiting_review": Article.objects.in_review().count() if can_review else 0,
            "sent_back": sent_back,
            **(work_lists(user) if can_review else {}),
        }
    }
