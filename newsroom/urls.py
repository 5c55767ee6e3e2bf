import re

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.static import serve

from newsroom import views
from pagecache import keys
from reader.sitemaps import SITEMAPS, news_sitemap, robots_txt, sitemap_index

handler500 = "newsroom.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("api/v1/", include("api.urls")),
    path("favicon.ico", views.favicon),
    # Staff two-factor sign-in, in the admin's space: its pages, then the passkey
    # ceremonies django-otp-webauthn's scripts call (they name them "otp_webauthn:…").
    path(f"{settings.ADMIN_URL}two-factor/", include("accounts.urls")),
    path(f"{settings.ADMIN_URL}two-factor/passkeys/", include("django_otp_webauthn.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("robots.txt", keys.declares()(robots_txt), name="robots_txt"),
    # Sitemaps list every story, tag and author with its last change: any change.
    path("sitemap.xml", keys.declares(keys.ANY)(sitemap_index), name="sitemap"),
    path("sitemap-news.xml", keys.declares(keys.ANY)(news_sitemap), name="sitemap_news"),
    path(
        "sitemap-<slug:section>.xml",
        keys.declares(keys.ANY)(sitemap),
        {"sitemaps": SITEMAPS, "template_name": "sitemaps/urlset.xml"},
        name="sitemap_section",
    ),
    path("", include("reader.urls")),
]

# Uploaded media from Django only where nothing else serves them (settings.SERVE_MEDIA);
# production serves MEDIA_ROOT from the web server or a CDN, or uses object storage
# through STORAGES["default"] (see README).
if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
