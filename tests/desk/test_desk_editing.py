"""Editing safely at the desk: stale saves refused with a diff, the summary's origin,
who else is editing, edits kept across an expired session."""

import pytest
from django.urls import reverse

from articles.models import Article
from desk import presence
from tests.desk_client import change_url, form_data

pytestmark = pytest.mark.django_db

BODY = (
    "<p>The harbour wall was repaired over the winter by a crew of twelve. "
    "Fishing boats returned to the inner basin on Monday morning.</p>"
)


def opened(article):
    """The form as a browser posts it: the article's values as opened, its version, and
    the summary as it was shown (the hidden initial the summary field carries)."""
    return form_data(
        article,
        version=article.version,
        summary=article.summary,
        **{"initial-summary": article.summary},
    )


def test_a_stale_save_is_refused_with_who_and_a_diff(client, make_user, make_article):
    article = make_article(body=BODY)
    alice, bob = make_user("alice", "Editors", first_name="Alice"), make_user("bob", "Editors")
    bobs_form = opened(article)  # Bob opens the form first

    client.force_login(alice)
    response = client.post(
        change_url(article), opened(article) | {"body": "<p>Alice rewrote the body.</p>"}
    )
    assert response.status_code == 302

    client.force_login(bob)
    response = client.post(change_url(article), bobs_form | {"body": "<p>Bob's body text.</p>"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Not saved: Alice changed this article" in page
    assert "<del>Alice rewrote the body.</del><ins>Bob&#x27;s body text.</ins>" in page
    assert "<h3>Summary</h3>" not in page  # untouched in Bob's form: not his change
    assert "Bob&#x27;s body text." in page  # his text is still in the form
    article.refresh_from_db()
    assert "Alice rewrote the body." in article.body

    # Saving the refused form again applies Bob's text knowingly.
    form = response.context["adminform"].form
    assert form.data["version"] == str(article.version)
    response = client.post(change_url(article), form.data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert "Bob's body text." in article.body


def test_a_stale_untouched_summary_keeps_its_origin(client, editor, make_article):
    article = make_article(body=BODY, summary="")
    assert article.summary_generated
    client.force_login(editor)
    stale = opened(article)

    fresh = Article.objects.get(pk=article.pk)
    fresh.body = "<p>A ferry now runs twice a day. The timetable starts in May.</p>"
    fresh.save()  # regenerates the summary from the new body

    stale["version"] = fresh.version  # re-applied knowingly, summary untouched
    response = client.post(change_url(article), stale | {"headline": "New headline"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.summary_generated  # still generated: it follows the body saved
    assert "harbour" in article.summary.lower()


def test_presence_notice_names_the_other_editor(client, make_user, make_article):
    article = make_article()
    alice, bob = make_user("alice", "Editors", first_name="Alice"), make_user("bob", "Editors")
    client.force_login(alice)
    client.get(change_url(article))
    client.force_login(bob)
    page = client.get(change_url(article)).content.decode()
    assert "Alice has been editing this article since" in page
    beat = client.get(reverse("admin:articles_article_presence", args=[article.pk])).json()
    assert [other["name"] for other in beat["others"]] == ["Alice"]
    # Saving lets Alice's note go.
    presence.leave(article.pk, alice)
    assert "has been editing" not in client.get(change_url(article)).content.decode()


def test_presence_expires(make_user, make_article, monkeypatch):
    article = make_article()
    alice, bob = make_user("alice", "Editors"), make_user("bob", "Editors")
    presence.arrive(article.pk, alice)
    assert presence.arrive(article.pk, bob)
    monkeypatch.setattr(presence, "PRESENCE_SECONDS", -1)
    assert presence.arrive(article.pk, bob) == []


def test_an_edit_posted_after_the_session_expired_is_offered_back(client, editor, make_article):
    article = make_article(body=BODY)
    data = opened(article) | {"standfirst": "Written while signed out."}
    response = client.post(change_url(article), data)  # no session: expired
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]

    client.force_login(editor)
    response = client.get(change_url(article))
    page = response.content.decode()
    assert "You were signed out before this edit was saved" in page
    assert "Written while signed out." in page
    article.refresh_from_db()
    assert article.standfirst == ""  # not saved until they press Save
    # Offered once: the next visit shows the stored article.
    assert "Written while signed out." not in client.get(change_url(article)).content.decode()


def test_change_form_scripts_are_static_files_only(admin_client, make_article):
    page = admin_client.get(change_url(make_article())).content.decode()
    assert "js/desk-edit.js" in page
    assert "onbeforeunload" not in page
