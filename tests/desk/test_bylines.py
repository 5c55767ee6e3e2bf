"""Bylines right by default: a new story starts with its writer's profile, and a
story does not go public unsigned."""

import pytest

from articles.models import Article
from articles.models.author import Author
from editorial.bylines import NEEDS_BYLINE
from tests.desk_client import ADD_URL, change_url, form_data

pytestmark = pytest.mark.django_db

NO_INLINE_CHANGE = {"bylines-TOTAL_FORMS": "0", "bylines-INITIAL_FORMS": "0"}


def test_a_new_story_starts_with_its_writers_profile(client, editor):
    ann = Author.objects.create(name="Ann Reed", slug="ann-reed", user=editor)
    client.force_login(editor)
    form = client.get(ADD_URL).context["inline_admin_formsets"][0].formset.forms[0]
    assert form.initial == {"author": ann.pk}
    data = form_data(byline="") | {
        "bylines-TOTAL_FORMS": "1",
        "bylines-INITIAL_FORMS": "0",
        "bylines-0-author": str(ann.pk),
        "bylines-0-position": "0",
        "_publish_now": "1",
    }
    assert client.post(ADD_URL, data).status_code == 302
    assert Article.objects.get().byline_text == "Ann Reed"


def test_publishing_with_no_author_and_no_byline_is_a_form_error(client, editor, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    response = client.post(
        change_url(draft), form_data(draft, byline="") | NO_INLINE_CHANGE | {"_publish_now": "1"}
    )
    assert response.status_code == 200
    assert NEEDS_BYLINE in response.content.decode()
    assert Article.objects.get(pk=draft.pk).status == Article.Status.DRAFT

    # Saving the draft asks nothing; a free-text byline is enough to publish.
    data = form_data(draft, byline="") | NO_INLINE_CHANGE | {"_save_draft": "1"}
    assert client.post(change_url(draft), data).status_code == 302
    draft.refresh_from_db()  # the form is opened again on the version just saved
    data = form_data(draft, byline="Coast Wire") | NO_INLINE_CHANGE | {"_publish_now": "1"}
    assert client.post(change_url(draft), data).status_code == 302
    assert Article.objects.get(pk=draft.pk).is_published()
