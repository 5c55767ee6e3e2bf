"""The admin index's "Your desk" box: what waits for review, and what came back.

Editors see how many articles await their decision; an author sees the notes
their articles were sent back with, until they submit them again. One query
each.
"""

from django import template
from django.urls import reverse

from articles.models import Article
from editorial.publishing import may_publish
from editorial.review import ReviewNote

register = template.Library()


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
        note.change_url = reverse("admin:articles_article_change", args=[note.article_id])
    can_review = may_publish(user)
    return {
        "overview": {
            "changelist": reverse("admin:articles_article_changelist"),
            "can_review": can_review,
            "awaiting_review": Article.objects.in_review().count() if can_review else 0,
            "sent_back": sent_back,
        }
    }
