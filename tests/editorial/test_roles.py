"""Authors and Editors, each role against each action, through the admin client."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Tag
from editorial.publishing import NOT_AN_EDITOR
from editorial.roles import ROLE_PERMISSIONS
from tests.desk_client import (
    ADD_URL,
    CHANGELIST_URL,
    TAG_CHANGELIST_URL,
    action_data,
    change_url,
    delete_url,
    form_data,
)

pytestmark = pytest.mark.django_db

DRAFT, PUBLISHED = Article.Status.DRAFT, Article.Status.PUBLISHED


@pytest.fixture
def other_author(make_user):
    return make_user("bob", "Authors")


def future_fields(days=3):
    when = timezone.localtime(timezone.now() + timedelta(days=days))
    return {"schedule_for_0": when.strftime("%d/%m/%Y"), "schedule_for_1": "09:30:00"}


def reload(article):
    article.refresh_from_db()
    return article


# The roles themselves ------------------------------------------------------------


def test_migrate_creates_both_roles_with_their_permissions():
    for name, labels in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=name)
        codenames = set(group.permissions.values_list("codename", flat=True))
        assert codenames == {label.split(".")[1] for label in labels}
    assert "publish_article" not in {p.split(".")[1] for p in ROLE_PERMISSIONS["Authors"]}


def test_setup_roles_is_idempotent_and_repairs_groups(capsys):
    authors = Group.objects.get(name="Authors")
    authors.permissions.clear()
    call_command("setup_roles")
    call_command("setup_roles")
    assert Group.objects.filter(name__in=["Authors", "Editors"]).count() == 2
    assert authors.permissions.count() == len(ROLE_PERMISSIONS["Authors"])
    assert "Authors" in capsys.readouterr().out


def test_staff_without_a_role_cannot_open_the_desk(client, make_user):
    client.force_login(make_user("nobody"))
    assert client.get(CHANGELIST_URL).status_code == 403


# Add ------------------------------------------------------------------------------


def test_author_adds_a_draft_owned_by_them(client, author):
    client.force_login(author)
    response = client.post(ADD_URL, form_data(status="published"))
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.author == author
    assert article.status == DRAFT  # a posted status is ignored


def test_editor_adds_and_publishes_in_one_step(client, editor):
    client.force_login(editor)
    response = client.post(ADD_URL, {**form_data(), "_publish_now": "Publish now"})
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.author == editor
    assert article.is_published()


# Change ------------------------------------------------------------------------------


def test_author_changes_own_draft(client, author, make_article):
    article = make_article(author=author, status=DRAFT)
    client.force_login(author)
    response = client.post(change_url(article), form_data(article, headline="Better headline"))
    assert response.status_code == 302
    assert reload(article).headline == "Better headline"


def test_author_cannot_see_or_change_others_articles(client, author, other_author, make_article):
    theirs = make_article(author=other_author, status=DRAFT, headline="Not yours")
    client.force_login(author)
    assert "Not yours" not in client.get(CHANGELIST_URL).content.decode()
    response = client.post(change_url(theirs), form_data(theirs, headline="Hijacked"))
    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert reload(theirs).headline == "Not yours"


def test_author_cannot_change_own_published_article(client, author, make_article):
    article = make_article(author=author, headline="Live story")
    client.force_login(author)
    page = client.get(change_url(article))
    assert page.status_code == 200  # read-only view
    assert 'name="headline"' not in page.content.decode()
    response = client.post(change_url(article), form_data(article, headline="Edited"))
    assert response.status_code == 403
    assert reload(article).headline == "Live story"


def test_editor_changes_anyones_article(client, editor, author, make_article):
    article = make_article(author=author, status=DRAFT)
    client.force_login(editor)
    response = client.post(change_url(article), form_data(article, headline="Desk rewrite"))
    assert response.status_code == 302
    assert reload(article).headline == "Desk rewrite"


# Publish, schedule, unpublish ---------------------------------------------------------


def test_author_cannot_publish_with_the_button(client, author, make_article):
    article = make_article(author=author, status=DRAFT)
    client.force_login(author)
    page = client.get(change_url(article)).content.decode()
    assert 'name="_publish_now"' not in page
    response = client.post(change_url(article), {**form_data(article), "_publish_now": "1"})
    assert response.status_code == 200
    assert NOT_AN_EDITOR in response.content.decode()
    assert reload(article).status == DRAFT


def test_author_cannot_schedule(client, author, make_article):
    article = make_article(author=author, status=DRAFT)
    client.force_login(author)
    data = {**form_data(article), **future_fields(), "status": "published", "_schedule": "1"}
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert reload(article).status == DRAFT


@pytest.mark.parametrize("action", ["publish_now", "unpublish"])
def test_author_has_no_publishing_actions(client, author, make_article, action):
    draft = make_article(author=author, status=DRAFT)
    live = make_article(author=author)
    client.force_login(author)
    page = client.get(CHANGELIST_URL)
    assert action not in dict(page.context["action_form"].fields["action"].choices)
    client.post(CHANGELIST_URL, action_data(action, draft, live))
    assert reload(draft).status == DRAFT
    assert reload(live).is_published()


def test_editor_publishes_now(client, editor, make_article):
    article = make_article(status=DRAFT, published_at=timezone.now() - timedelta(days=9))
    client.force_login(editor)
    response = client.post(change_url(article), {**form_data(article), "_publish_now": "1"})
    assert response.status_code == 302
    article = reload(article)
    assert article.is_published()
    assert timezone.now() - article.published_at < timedelta(minutes=1)


def test_editor_schedules(client, editor, make_article):
    article = make_article(status=DRAFT)
    client.force_login(editor)
    response = client.post(
        change_url(article), {**form_data(article), **future_fields(), "_schedule": "1"}
    )
    assert response.status_code == 302
    assert reload(article).is_scheduled()
    assert article not in Article.objects.published()


def test_editor_unpublishes(client, editor, make_article):
    article = make_article()
    client.force_login(editor)
    response = client.post(change_url(article), {**form_data(article), "_unpublish": "1"})
    assert response.status_code == 302
    assert reload(article).status == DRAFT


def test_editor_bulk_publishes_and_unpublishes(client, editor, make_article):
    drafts = [make_article(status=DRAFT) for _ in range(3)]
    empty = make_article(status=DRAFT, body="")
    client.force_login(editor)
    client.post(CHANGELIST_URL, action_data("publish_now", *drafts, empty))
    assert all(reload(a).is_published() for a in drafts)
    assert reload(empty).status == DRAFT  # no body, not published
    client.post(CHANGELIST_URL, action_data("unpublish", *drafts))
    assert all(reload(a).status == DRAFT for a in drafts)


def test_bulk_publish_keeps_the_date_of_public_articles(client, editor, make_article):
    live = make_article()
    scheduled = make_article(published_at=timezone.now() + timedelta(days=2))
    client.force_login(editor)
    client.post(CHANGELIST_URL, action_data("publish_now", live, scheduled))
    assert reload(live).published_at == live.published_at
    assert reload(scheduled).is_published()


# Delete ----------------------------------------------------------------------------


def test_author_deletes_own_draft_into_the_trash(client, author, make_article):
    article = make_article(author=author, status=DRAFT)
    client.force_login(author)
    response = client.post(delete_url(article), {"post": "yes"})
    assert response.status_code == 302
    assert Article.objects.trashed().filter(pk=article.pk).exists()


def test_author_cannot_delete_published_or_others(client, author, other_author, make_article):
    own_live = make_article(author=author)
    theirs = make_article(author=other_author, status=DRAFT)
    client.force_login(author)
    assert client.post(delete_url(own_live), {"post": "yes"}).status_code == 403
    client.post(delete_url(theirs), {"post": "yes"})
    client.post(CHANGELIST_URL, action_data("move_to_trash", own_live))
    assert Article.objects.not_trashed().filter(pk__in=[own_live.pk, theirs.pk]).count() == 2


def test_editor_deletes_published_article_into_the_trash(client, editor, make_article):
    article = make_article()
    client.force_login(editor)
    assert client.post(delete_url(article), {"post": "yes"}).status_code == 302
    assert Article.objects.trashed().filter(pk=article.pk).exists()
    assert not Article.objects.published().filter(pk=article.pk).exists()


# Tags ------------------------------------------------------------------------------


def test_author_creates_a_tag_in_the_popup_but_cannot_merge(client, author, make_tag):
    a, b = make_tag("Flood"), make_tag("Floods")
    client.force_login(author)
    popup = client.post(
        reverse("admin:articles_tag_add") + "?_to_field=id&_popup=1",
        {"name": "Harbours", "slug": "harbours", "description": "", "_popup": "1"},
    )
    assert popup.status_code == 200
    assert "popup_response" in popup.content.decode()
    assert Tag.objects.filter(slug="harbours").exists()
    client.post(TAG_CHANGELIST_URL, {**action_data("merge_tags", a), "apply": "1", "target": b.pk})
    assert Tag.objects.filter(pk=a.pk).exists()
    assert client.post(reverse("admin:articles_tag_change", args=[a.pk]), {}).status_code == 403


def test_editor_merges_tags(client, editor, make_tag):
    a, b = make_tag("Flood"), make_tag("Floods")
    client.force_login(editor)
    response = client.post(
        TAG_CHANGELIST_URL, {**action_data("merge_tags", a), "apply": "1", "target": b.pk}
    )
    assert response.status_code == 302
    assert not Tag.objects.filter(pk=a.pk).exists()
