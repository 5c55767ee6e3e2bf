from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles.sitemaps import SITEMAPS, news_sitemap, robots_txt, sitemap_index

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-news.xml", news_sitemap, name="sitemap_news"),
    path(
        "sitemap-<slug:section>.xml",
        sitemap,
        {"sitemaps": SITEMAPS, "template_name": "sitemaps/urlset.xml"},
        name="sitemap_section",
    ),
    path("", include("articles.urls")),
]
