"""The site's addresses plus /bench/floor/: the cheapest page Django can serve.

The floor goes through the same server and middleware as every page but runs no
query and is never cached, so "ratio to the floor" says how close a page comes to
the cost of Django itself.
"""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from newsroom.urls import handler500  # noqa: F401
from newsroom.urls import urlpatterns as site_urlpatterns


@never_cache
def floor(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor), *site_urlpatterns]
