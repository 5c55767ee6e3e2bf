"""Helpers for driving the editors' desk through the admin client."""

from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

ADD_URL = reverse("admin:articles_article_add")
CHANGELIST_URL = reverse("admin:articles_article_changelist")
TAG_CHANGELIST_URL = reverse("admin:articles_tag_changelist")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def delete_url(article):
    return reverse("admin:articles_article_delete", args=[article.pk])


def form_data(article=None, **overrides):
    """POST data for the article form: an existing article's values, or a new story."""
    data = {
        "headline": article.headline if article else "Harbour wall repaired",
        "slug": article.slug if article else "harbour-wall-repaired",
        "standfirst": article.standfirst if article else "",
        "body": article.body if article else "<p>The wall is mended. Boats return.</p>",
        "summary": article.summary if article and not article.summary_generated else "",
        # Signed, as a story must be to go public (editorial.bylines).
        "byline": article.byline if article and article.byline else "Newsroom Desk",
        "source_name": "",
        "source_url": "",
        "tags": [tag.pk for tag in article.tags.all()] if article else [],
    }
    if article:
        data["version"] = article.version  # the version the form was opened on
    data.update(overrides)
    return data


def schedule_fields(when):
    """The form's "Schedule for" fields for an aware datetime, in the newsroom's zone."""
    when = timezone.localtime(when)
    return {
        "schedule_for_0": when.strftime("%d/%m/%Y"),
        "schedule_for_1": when.strftime("%H:%M:%S"),
    }


def action_data(action, *objects):
    return {"action": action, "_selected_action": [obj.pk for obj in objects], "index": 0}


def reload(article):
    """The article as stored now, as a fresh instance."""
    return Article.objects.get(pk=article.pk)


def admin_log(article):
    return LogEntry.objects.filter(object_id=str(article.pk)).order_by("pk")


def change_messages(article) -> list[str]:
    """The admin log's messages about `article`, oldest first."""
    return list(admin_log(article).values_list("change_message", flat=True))


def changes_by(article) -> list[tuple[str, str]]:
    """(user name, message) for each admin log entry about `article`, oldest first."""
    return [(entry.user.username, entry.change_message) for entry in admin_log(article)]
