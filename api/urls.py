"""/api/v1/: an index, the endpoints, then JSON 404s for any other address under it
(ending in a slash, so CommonMiddleware still adds a missing one to the real
addresses first)."""

from django.urls import path, re_path

from api.views import api, index, unknown

urlpatterns = [
    path("", index, name="api_index"),
    path("", api.urls),
    re_path(r"^(?P<path>.*/)$", unknown),
]
