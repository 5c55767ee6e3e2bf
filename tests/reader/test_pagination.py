"""The capped count behind "Page N of M" (reader.pagination)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/tags/politics/"])
def test_the_count_reads_ids_only(client, make_article, url):
    """Counting a list page's rows computes none of what the page shows for each row:
    its tags' and authors' JSON would be built for up to a thousand rows."""
    for _ in range(3):
        make_article(tags=["politics"])
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1
    assert "articles_tag" not in counts[0].replace("articles_article_tags", "")
    assert "articles_author" not in counts[0]
    assert "ORDER BY" not in counts[0].upper()
