"""Lead images in the admin: upload with clear refusals, preview, change-list thumbnails."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from tests.image_factory import image_bytes, upload

pytestmark = pytest.mark.django_db


def add_form_data(**overrides):
    return {
        "headline": "Storm hits the coast",
        "slug": "storm-hits-the-coast",
        "status": "draft",
        "published_at_0": "2026-01-05",
        "published_at_1": "10:00:00",
        "lead_image_alt": "Waves over the sea wall",
        **overrides,
    }


def test_admin_upload_stores_image_and_renditions(admin_client):
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        add_form_data(lead_image=upload(image_bytes("JPEG", size=(900, 600)))),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert article.lead_image.name.startswith("lead-images/")
    assert [r[0] for r in article.lead_image_renditions["webp"]] == [320, 640, 900]

    change = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = change.content.decode()
    assert "Lead image preview" in html
    assert f'src="{article.lead_picture.small_src}" alt="Waves over the sea wall"' in html


def test_admin_refuses_svg_with_a_clear_error(admin_client):
    svg = upload(b'<svg xmlns="http://www.w3.org/2000/svg"/>', name="chart.png")
    response = admin_client.post(
        reverse("admin:articles_article_add"), add_form_data(lead_image=svg)
    )
    assert response.status_code == 200
    assert "SVG images are not accepted" in response.content.decode()
    assert not Article.objects.exists()


def test_admin_requires_alt_text_with_an_image(admin_client):
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        add_form_data(lead_image=upload(image_bytes(size=(100, 100))), lead_image_alt=""),
    )
    assert response.status_code == 200
    assert "Describe the lead image" in response.content.decode()


def test_change_list_thumbnails_cost_no_query_per_row(admin_client, make_article):
    first = make_article(
        lead_image=upload(image_bytes(size=(800, 400))), lead_image_alt="A picture"
    )

    def add_rows(n):
        for _ in range(n):
            make_article(
                lead_image=first.lead_image.name,
                lead_image_renditions=first.lead_image_renditions,
                lead_image_alt="A picture",
            )

    url = reverse("admin:articles_article_changelist")
    admin_client.get(url)  # warm the session and content types
    with CaptureQueriesContext(connection) as few:
        html = admin_client.get(url).content.decode()
    assert html.count(f'src="{first.lead_picture.small_src}"') == 1
    add_rows(6)
    with CaptureQueriesContext(connection) as many:
        html = admin_client.get(url).content.decode()
    assert html.count(f'src="{first.lead_picture.small_src}"') == 7
    assert len(many) == len(few)
