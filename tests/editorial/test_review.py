"""Review (editorial.review): an Author submits a draft, an Editor publishes,
schedules or sends it back with a note. Every path (the model, the form, a forged
POST, a bulk action, an import) meets the same checks; every move is in the History."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.models.author import Author
from editorial import publishing, review
from editorial.publishing import IN_REVIEW_LOCKED, NOT_AN_EDITOR
from editorial.review import (
    NEEDS_REVIEW_NOTE,
    NOT_A_DRAFT,
    NOT_AN_EDITOR_TO_SEND_BACK,
    NOT_THE_AUTHOR,
    ReviewNote,
)
from tests.desk_client import (
    ADD_URL,
    CHANGELIST_URL,
    action_data,
    change_url,
    changes_by,
    form_data,
    reload,
    schedule_fields,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]
DRAFT, IN_REVIEW, PUBLISHED = (
    Article.Status.DRAFT,
    Article.Status.IN_REVIEW,
    Article.Status.PUBLISHED,
)
ADMIN_INDEX = reverse("admin:index")


def rows(response):
    return list(response.context["cl"].result_list)


@pytest.fixture
def submitted(make_article, author):
    draft = make_article(status=DRAFT, author=author, headline="Harbour wall plan")
    review.submit_for_review(draft, by=author)
    return reload(draft)


# The model's moves ------------------------------------------------------------------------


def test_an_author_submits_and_an_editor_sends_back_then_publishes(make_article, author, editor):
    draft = make_article(status=DRAFT, author=author)
    review.submit_for_review(draft, by=author)
    assert reload(draft).status == IN_REVIEW
    assert reload(draft).status_label() == "In review"
    assert reload(draft).first_published_at is None

    note = review.send_back(reload(draft), by=editor, note="  Name your source.  ")
    draft = reload(draft)
    assert draft.status == DRAFT
    assert (note.note, note.sent_by) == ("Name your source.", editor)
    assert draft.open_review_note() == note

    review.submit_for_review(draft, by=author)  # resubmitting answers the note
    assert reload(draft).open_review_note() is None
    assert ReviewNote.objects.get().answered_at is not None  # kept, answered
    publishing.publish(reload(draft), by=editor)
    assert reload(draft).status == PUBLISHED
    assert changes_by(draft) == [
        ("ann", "Submitted for review"),
        ("eve", "Sent back to the author: Name your source."),
        ("ann", "Submitted for review"),
        ("eve", "Published"),
    ]


def test_an_article_in_review_is_never_public(client, submitted):
    assert submitted not in Article.objects.published()
    assert client.get(submitted.get_absolute_url()).status_code == 404
    for address in ("/", "/feed/", "/feed.json", "/sitemap.xml", "/search/?q=harbour"):
        assert submitted.headline not in client.get(address).content.decode()


def test_only_its_author_or_an_editor_submits(make_article, author, make_user, editor):
    other = make_user("otto", "Authors")
    draft = make_article(status=DRAFT, author=author)
    with pytest.raises(PermissionDenied, match=NOT_THE_AUTHOR):
        review.submit_for_review(draft, by=other)
    assert reload(draft).status == DRAFT
    review.submit_for_review(draft, by=editor)
    assert reload(draft).status == IN_REVIEW


def test_only_a_draft_with_a_body_is_submitted(make_article, author):
    live = make_article(author=author)
    empty = make_article(status=DRAFT, author=author, body="<p> </p>")
    with pytest.raises(ValidationError, match=NOT_A_DRAFT):
        review.submit_for_review(live, by=author)
    with pytest.raises(ValidationError, match="needs a body"):
        review.submit_for_review(empty, by=author)
    assert (reload(live).status, reload(empty).status) == (PUBLISHED, DRAFT)


def test_only_an_editor_sends_back_and_only_with_a_note(submitted, author, editor):
    with pytest.raises(PermissionDenied, match=NOT_AN_EDITOR_TO_SEND_BACK):
        review.send_back(submitted, by=author, note="I take it back.")
    with pytest.raises(ValidationError) as refused:
        review.send_back(submitted, by=editor, note="   ")
    assert refused.value.message_dict == {"review_note": [NEEDS_REVIEW_NOTE]}
    assert reload(submitted).status == IN_REVIEW
    assert not ReviewNote.objects.exists()


def test_its_author_may_not_change_or_publish_an_article_in_review(submitted, author):
    with pytest.raises(PermissionDenied, match=IN_REVIEW_LOCKED):
        publishing.save_change(submitted, by=author)
    for move in (
        lambda: publishing.publish(submitted, by=author),
        lambda: publishing.schedule(submitted, by=author, at=timezone.now() + timedelta(days=1)),
        lambda: publishing.unpublish(submitted, by=author),
    ):
        with pytest.raises(PermissionDenied, match=NOT_AN_EDITOR):
            move()
    assert reload(submitted).status == IN_REVIEW


def test_an_editor_schedules_an_article_in_review(submitted, editor):
    when = timezone.now() + timedelta(hours=3)
    publishing.schedule(submitted, by=editor, at=when)
    stored = reload(submitted)
    assert stored.is_scheduled() and stored.first_published_at == when


def test_an_editor_takes_an_article_out_of_review(submitted, editor):
    assert publishing.unpublish(submitted, by=editor) is True
    assert reload(submitted).status == DRAFT
    assert changes_by(submitted)[-1] == ("eve", "Taken out of review (back to draft)")


# The desk: form, forged posts, bulk actions ------------------------------------------------


def test_an_author_submits_from_the_form_with_their_changes(client, make_article, author):
    draft = make_article(status=DRAFT, author=author)
    client.force_login(author)
    html = client.get(change_url(draft)).content.decode()
    assert 'name="_submit_for_review"' in html
    data = {**form_data(draft, standfirst="Now with a source."), "_submit_for_review": "1"}
    assert client.post(change_url(draft), data).status_code == 302
    stored = reload(draft)
    assert (stored.status, stored.standfirst) == (IN_REVIEW, "Now with a source.")
    assert ("ann", "Submitted for review") in changes_by(draft)
    # Theirs to read, not to change, while the editors decide.
    assert client.get(change_url(draft)).status_code == 200
    assert 'name="_submit_for_review"' not in client.get(change_url(draft)).content.decode()
    forged = {**form_data(draft, headline="Changed behind the desk's back"), "_save": "1"}
    assert client.post(change_url(draft), forged).status_code == 403
    assert reload(draft).headline == draft.headline


def test_an_author_submits_a_new_article_straight_away(client, author):
    client.force_login(author)
    response = client.post(ADD_URL, {**form_data(), "_submit_for_review": "1"})
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.status, article.author) == (IN_REVIEW, author)


def test_an_editor_sends_back_from_the_form_and_the_author_sees_the_note(
    client, submitted, author, editor
):
    client.force_login(editor)
    html = client.get(change_url(submitted)).content.decode()
    assert 'name="_send_back"' in html and 'name="review_note"' in html
    refused = client.post(change_url(submitted), {**form_data(submitted), "_send_back": "1"})
    assert NEEDS_REVIEW_NOTE in refused.content.decode()
    assert reload(submitted).status == IN_REVIEW
    data = {**form_data(submitted), "review_note": "Check the dates.", "_send_back": "1"}
    assert client.post(change_url(submitted), data).status_code == 302
    assert reload(submitted).status == DRAFT

    client.force_login(author)
    assert "Check the dates." in client.get(change_url(submitted)).content.decode()
    index = client.get(ADMIN_INDEX).content.decode()
    assert "Sent back to you" in index and "Check the dates." in index
    client.post(change_url(submitted), {**form_data(reload(submitted)), "_submit_for_review": "1"})
    assert "Check the dates." not in client.get(ADMIN_INDEX).content.decode()


def test_an_editor_publishes_or_schedules_from_review_by_the_form(
    client, make_article, author, editor
):
    first, second = (make_article(status=DRAFT, author=author) for _ in range(2))
    for article in (first, second):
        review.submit_for_review(article, by=author)
    client.force_login(editor)
    client.post(change_url(first), {**form_data(first), "_publish_now": "1"})
    when = timezone.now() + timedelta(days=1)
    data = {**form_data(second), **schedule_fields(when), "_schedule": "1"}
    client.post(change_url(second), data)
    assert reload(first).is_published() and reload(second).is_scheduled()


def test_a_forged_send_back_or_publish_by_an_author_is_refused(client, make_article, author):
    draft = make_article(status=DRAFT, author=author)
    client.force_login(author)
    data = {**form_data(draft), "review_note": "Fine by me.", "_send_back": "1"}
    response = client.post(change_url(draft), data)
    assert NOT_AN_EDITOR_TO_SEND_BACK in response.content.decode()
    review.submit_for_review(reload(draft), by=author)
    for button in ("_publish_now", "_send_back"):
        assert client.post(change_url(draft), {**data, button: "1"}).status_code == 403
    client.post(CHANGELIST_URL, action_data("publish_now", draft))
    assert reload(draft).status == IN_REVIEW
    assert not ReviewNote.objects.exists()


def test_bulk_publish_takes_articles_in_review_and_records_it(client, submitted, editor):
    client.force_login(editor)
    client.post(CHANGELIST_URL, action_data("publish_now", submitted))
    assert reload(submitted).is_published()
    assert changes_by(submitted)[-1] == ("eve", "Published")


def test_an_import_keeps_an_article_in_review(tmp_path):
    record = {"import_ref": "r", "headline": "Plan", "body": "<p>x</p>", "status": "in_review"}
    path = tmp_path / "articles.jsonl"
    path.write_text(json.dumps(record) + "\n")
    call_command("import_articles", str(path), stdout=StringIO())
    article = Article.objects.get(import_ref="r")
    assert article.status == IN_REVIEW and article not in Article.objects.published()


# Change list and admin index -----------------------------------------------------------------


@pytest.fixture
def desk_articles(make_article, author, make_user, editor):
    other = make_user("otto", "Authors")
    waiting = make_article(status=DRAFT, author=author, byline="Ann Lee", headline="Waiting")
    review.submit_for_review(waiting, by=author)
    return {
        "waiting": reload(waiting),
        "mine": make_article(status=DRAFT, author=author, byline="Ann Lee", headline="Mine"),
        "other": make_article(status=DRAFT, author=other, byline="Otto Berg", headline="Other"),
        "wire": make_article(byline="Wire staff", headline="Wire"),
    }


def test_the_change_list_filters_awaiting_review_and_by_author(client, desk_articles, editor):
    client.force_login(editor)
    assert rows(client.get(CHANGELIST_URL, {"state": "in_review"})) == [desk_articles["waiting"]]
    # By the author profile in the byline (the staff account alone names no one).
    ann = Author.objects.create(name="Ann Lee", slug="ann-lee", user=desk_articles["mine"].author)
    for article in (desk_articles["waiting"], desk_articles["mine"]):
        article.bylines.create(author=ann)
    by_ann = rows(client.get(CHANGELIST_URL, {"author": ann.pk}))
    assert set(by_ann) == {desk_articles["waiting"], desk_articles["mine"]}
    assert rows(client.get(CHANGELIST_URL, {"author": "me"})) == []
    assert rows(client.get(CHANGELIST_URL, {"author": "nobody"})) == []


def test_my_articles_is_an_authors_own(client, desk_articles, author):
    client.force_login(author)
    mine = rows(client.get(CHANGELIST_URL, {"author": "me"}))
    assert set(mine) == {desk_articles["waiting"], desk_articles["mine"]}
    assert "?author=me" in client.get(ADMIN_INDEX).content.decode()


def test_the_change_list_searches_byline_and_author(client, desk_articles, editor):
    client.force_login(editor)
    assert rows(client.get(CHANGELIST_URL, {"q": "Berg"})) == [desk_articles["other"]]
    by_user = set(rows(client.get(CHANGELIST_URL, {"q": "ann"})))
    assert by_user == {desk_articles["waiting"], desk_articles["mine"]}


@pytest.mark.parametrize("filters", [{"state": "in_review"}, {"author": "me"}, {"q": "Lee"}])
@pytest.mark.parametrize("count", [3, 20])
def test_the_filtered_change_list_query_count_is_fixed(
    client, make_article, author, editor, django_assert_num_queries, filters, count
):
    for n in range(count):
        article = make_article(status=DRAFT, author=editor, byline="Ann Lee", tags=[f"t{n % 3}"])
        review.submit_for_review(article, by=editor)
    client.force_login(editor)
    # session, user, the second factor the session passed, user and group permissions,
    # author, section and tag filter choices, count, page of articles (tags, authors and
    # the pending flag in each row), date hierarchy range and its dates
    with django_assert_num_queries(12):
        response = client.get(CHANGELIST_URL, filters)
    assert len(rows(response)) == count


def test_the_admin_index_counts_what_awaits_review(
    client, desk_articles, editor, django_assert_num_queries
):
    client.force_login(editor)
    # session, user, second factor, user and group permissions, open notes, awaiting
    # review count, the lists awaiting review, with a pending change, scheduled next and
    # corrected, recent actions
    with django_assert_num_queries(12):
        html = client.get(ADMIN_INDEX).content.decode()
    assert "Awaiting review: 1" in html


@pytest.mark.parametrize("count", [1, 5])
def test_the_admin_index_shows_an_author_their_notes_in_fixed_queries(
    client, make_article, author, editor, django_assert_num_queries, count
):
    for n in range(count):
        draft = make_article(status=DRAFT, author=author, headline=f"Draft {n}")
        review.submit_for_review(draft, by=author)
        review.send_back(reload(draft), by=editor, note=f"Fix number {n}.")
    client.force_login(author)
    # session, user, user and group permissions, open notes with their articles,
    # recent actions, and the second factor (Authors' is optional, but this one has one)
    with django_assert_num_queries(7):
        html = client.get(ADMIN_INDEX).content.decode()
    assert all(f"Fix number {n}." in html for n in range(count))
    assert "Awaiting review" not in html
