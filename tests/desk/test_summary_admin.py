"""The summary in the admin: who wrote it, the preview and the Regenerate action."""

import pytest
from django.forms import FileField, MultiWidget
from django.urls import reverse

from articles.models import Article

pytestmark = pytest.mark.django_db

BODY = "<p>The council voted on Tuesday to rebuild the harbour wall.</p>"
NEW_BODY = "<p>The ferry company cancelled every crossing on Friday.</p>"


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def form_data(response, **changes):
    """What the change form would post back untouched, with `changes` applied."""
    form = response.context["adminform"].form
    data = {}
    for bound in form:
        if bound.field.disabled or isinstance(bound.field, FileField):
            continue
        value = bound.value()
        widget = bound.field.widget
        if isinstance(widget, MultiWidget):
            for index, (sub, part) in enumerate(
                zip(widget.widgets, widget.decompress(value), strict=True)
            ):
                data[f"{bound.name}_{index}"] = sub.format_value(part) or ""
        elif isinstance(value, list | tuple):
            data[bound.name] = [str(item) for item in value]
        elif isinstance(value, bool):
            if value:
                data[bound.name] = "on"
        elif value is not None:
            data[bound.name] = value
    data.update(changes)
    return data


def post_change(admin_client, article, **changes):
    page = admin_client.get(change_url(article))
    response = admin_client.post(change_url(article), form_data(page, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    return article


def test_editing_the_summary_makes_it_the_editors(admin_client, make_article):
    article = make_article(body=BODY, summary="")
    assert article.summary_generated
    post_change(admin_client, article, summary="An editor's own summary.")
    assert article.summary == "An editor's own summary."
    assert not article.summary_generated
    post_change(admin_client, article, body=NEW_BODY)
    assert article.summary == "An editor's own summary."


def test_untouched_generated_summary_follows_the_body(admin_client, make_article):
    article = make_article(body=BODY, summary="")
    post_change(admin_client, article, body=NEW_BODY)
    assert article.summary_generated
    assert "ferry" in article.summary


def test_clearing_the_summary_makes_it_generated_again(admin_client, make_article):
    article = make_article(body=BODY, summary="An editor's own summary.")
    post_change(admin_client, article, summary="")
    assert article.summary_generated
    assert "harbour wall" in article.summary


def test_change_form_previews_the_summary_and_its_origin(admin_client, make_article):
    generated = make_article(body=BODY, summary="")
    written = make_article(body=BODY, summary="Words from the desk.")
    html = admin_client.get(change_url(generated)).content.decode()
    assert generated.summary in html
    assert "Generated from the body" in html
    html = admin_client.get(change_url(written)).content.decode()
    assert "Written by an editor" in html


def test_regenerate_action_rebuilds_generated_and_spares_editors(admin_client, make_article):
    generated = make_article(body=BODY, summary="")
    Article.objects.filter(pk=generated.pk).update(summary="A stale generated summary.")
    written = make_article(body=BODY, summary="Words from the desk.")
    response = admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "regenerate_summary", "_selected_action": [generated.pk, written.pk]},
        follow=True,
    )
    assert "Regenerated 1 summary." in response.content.decode()
    generated.refresh_from_db()
    written.refresh_from_db()
    assert generated.summary == "The council voted on Tuesday to rebuild the harbour wall."
    assert generated.summary_generated
    assert written.summary == "Words from the desk."


def test_author_regenerates_only_what_they_may_change(client, make_user, make_article):
    author = make_user("ann", "Authors")
    own_draft = make_article(body=BODY, status=Article.Status.DRAFT, author=author)
    own_published = make_article(body=BODY, author=author)
    stale = "A stale generated summary."
    Article.objects.filter(pk__in=[own_draft.pk, own_published.pk]).update(summary=stale)
    client.force_login(author)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "regenerate_summary", "_selected_action": [own_draft.pk, own_published.pk]},
        follow=True,
    )
    assert "Regenerated 1 summary." in response.content.decode()
    own_draft.refresh_from_db()
    own_published.refresh_from_db()
    assert own_draft.summary == "The council voted on Tuesday to rebuild the harbour wall."
    assert own_published.summary == stale
