"""The desk's home page lists the work waiting, each item a link to the story."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial import pending, publishing
from tests.desk_client import change_url

pytestmark = pytest.mark.django_db


def listed(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index("</ul>", start)]


def test_editors_home_lists_review_pending_scheduled_and_corrected(client, editor, make_article):
    review = make_article(headline="Wall is safe", status=Article.Status.IN_REVIEW)
    live = make_article(headline="Vote delayed")
    pending.save_pending(live, by=editor, fields={"headline": "Vote delayed a week"})
    later = make_article(headline="Budget at noon", published_at=timezone.now() + timedelta(days=2))
    sooner = make_article(headline="Ferry at dawn", published_at=timezone.now() + timedelta(days=1))
    corrected = make_article(headline="Library hours")
    publishing.save_change(corrected, by=editor, kind="correction", note="It closes at ten.")
    make_article(headline="Nothing to do here")

    client.force_login(editor)
    page = client.get(reverse("admin:index")).content.decode()
    assert f'href="{change_url(review)}">Wall is safe<' in listed(page, "list-in-review")
    assert f'href="{change_url(live)}">Vote delayed<' in listed(page, "list-pending")
    scheduled = listed(page, "list-scheduled")
    assert scheduled.index(sooner.headline) < scheduled.index(later.headline)
    assert f'href="{change_url(corrected)}">Library hours<' in listed(page, "list-corrected")
    assert "Nothing to do here" not in page
    assert "?pending=1" in page


def test_authors_home_has_no_editors_lists(client, make_user, make_article):
    make_article(headline="Wall is safe", status=Article.Status.IN_REVIEW)
    client.force_login(make_user("al", "Authors"))
    page = client.get(reverse("admin:index")).content.decode()
    assert 'data-testid="list-in-review"' not in page
    assert "Wall is safe" not in page
