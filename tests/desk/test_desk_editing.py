"""Editing safely at the desk: stale saves merged, real conflicts refused, the summary's origin,
who else is editing, edits kept across an expired session."""

import pytest
from django.urls import reverse

from articles.models import Article
from desk import presence
from desk.conflict import MERGED
from tests.desk_client import change_url, form_data
from tests.signing_in import StaffClient

pytestmark = pytest.mark.django_db

BODY = (
    "<p>The harbour wall was repaired over the winter by a crew of twelve. "
    "Fishing boats returned to the inner basin on Monday morning.</p>"
)


def opened(article):
    """The form as a browser posts it: the article's values as opened, its version, and
    each field's value as it was shown (the hidden initial a merge starts from)."""
    data = form_data(article, version=article.version, summary=article.summary)
    for name in MERGED:
        value = data.get(name, getattr(article, name, ""))
        data[f"initial-{name}"] = value
    return data


def saved_by(article, user, **changes):
    client = StaffClient()
    client.force_login(user)
    response = client.post(change_url(article), opened(article) | changes)
    assert response.status_code == 302
    return Article.objects.get(pk=article.pk)


def test_a_stale_save_merges_fields_the_other_save_did_not_touch(client, make_user, make_article):
    article = make_article(body=BODY, standfirst="The old standfirst.")
    alice = make_user("alice", "Editors", first_name="Alice", last_name="Ames")
    bob = make_user("bob", "Editors")
    bobs_form = opened(article)  # Bob opens the form first
    saved_by(article, alice, standfirst="Alice's new standfirst.")

    client.force_login(bob)
    response = client.post(
        change_url(article), bobs_form | {"body": "<p>Bob's body text.</p>"}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Saved, merged with Alice Ames’s change of " in page
    assert "your Body; Alice Ames’s Standfirst." in page
    article.refresh_from_db()
    assert (article.standfirst, article.body) == (
        "Alice's new standfirst.",
        "<p>Bob's body text.</p>",
    )


def test_a_stale_save_of_the_same_text_is_simply_saved(client, make_user, make_article):
    article = make_article(body=BODY, standfirst="The old standfirst.")
    alice = make_user("alice", "Editors", first_name="Alice")
    bobs_form = opened(article)
    saved_by(article, alice, standfirst="The same fix.")
    client.force_login(make_user("bob", "Editors"))
    response = client.post(
        change_url(article), bobs_form | {"standfirst": "The same fix."}, follow=True
    )
    assert "Saved: your version matches Alice’s change of " in response.content.decode()
    assert Article.objects.get(pk=article.pk).standfirst == "The same fix."


def test_a_field_both_changed_is_refused_side_by_side_with_a_choice(
    client, make_user, make_article
):
    article = make_article(body=BODY, standfirst="The old standfirst.", byline="Desk")
    alice = make_user("alice", "Editors", first_name="Alice")
    bob = make_user("bob", "Editors")
    bobs_form = opened(article)
    saved_by(article, alice, standfirst="Alice's standfirst.", byline="Alice")

    client.force_login(bob)
    mine = {"standfirst": "Bob's standfirst.", "body": "<p>Bob's body text.</p>"}
    response = client.post(change_url(article), bobs_form | mine)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Not saved: you and Alice both changed Standfirst." in page
    assert 'data-testid="conflict-standfirst"' in page
    assert "<del>Alice&#x27;s </del><ins>Bob&#x27;s </ins>standfirst." in page
    assert 'data-testid="conflict-body"' not in page  # only Bob changed it: merged
    assert Article.objects.get(pk=article.pk).standfirst == "Alice's standfirst."

    # The form came back merged: Alice's byline, Bob's body, at the current version.
    form = response.context["adminform"].form
    assert form.data["byline"] == "Alice"
    assert form.data["body"] == "<p>Bob's body text.</p>"

    # Saving without choosing is refused again; nothing is lost.
    response = client.post(change_url(article), form.data)
    assert response.status_code == 200
    assert "choose whose text to keep for Standfirst" in response.content.decode()

    data = response.context["adminform"].form.data.copy()
    data["keep-standfirst"] = "theirs"
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert (article.standfirst, article.byline, article.body) == (
        "Alice's standfirst.",
        "Alice",
        "<p>Bob's body text.</p>",
    )


def test_a_stale_save_without_the_opened_values_refuses_every_difference(
    client, make_user, make_article
):
    """A client that did not send what it opened cannot be merged: nothing it
    did not see is overwritten."""
    article = make_article(body=BODY, standfirst="The old standfirst.")
    alice, bob = make_user("alice", "Editors"), make_user("bob", "Editors")
    bobs_form = form_data(article, version=article.version)
    saved_by(article, alice, standfirst="Alice's standfirst.")
    client.force_login(bob)
    response = client.post(change_url(article), bobs_form | {"body": "<p>Bob's body.</p>"})
    assert response.status_code == 200
    assert "both changed Standfirst, Body" in response.content.decode()
    assert Article.objects.get(pk=article.pk).standfirst == "Alice's standfirst."


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
