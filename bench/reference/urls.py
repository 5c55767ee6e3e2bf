"""The reference project's two pages (see bench/reference/settings.py)."""

from django.db import connection
from django.http import Http404, HttpResponse
from django.urls import path

ROW_SQL = (
    "SELECT id, headline, standfirst, body, published_at FROM articles_article"
    " WHERE slug = %s AND status = 'published' AND published_at <= now()"
    " AND trashed_at IS NULL"
)


def floor(request):
    return HttpResponse(b"hello")


def one_row(request, slug):
    with connection.cursor() as cursor:
        cursor.execute(ROW_SQL, [slug])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    return HttpResponse(
        f"{row[0]}\n{row[1]}\n{row[2]}\n{row[4].isoformat()}\n\n{row[3]}",
        content_type="text/plain; charset=utf-8",
    )


urlpatterns = [
    path("floor/", floor),
    path("row/<str:slug>/", one_row),
]
