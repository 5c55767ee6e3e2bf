"""/api/v1/: the endpoints, then JSON 404s for any other address under it (ending in a
slash, so CommonMiddleware still adds a missing one to the real addresses first)."""

from django.urls import path, re_path

from api.views import api, unknown

urlpatterns = [
    path("", api.urls),
    re_path(r"^(?P<path>.*/)$", unknown),
]
