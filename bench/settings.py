"""The site's settings plus the benchmark's floor view (bench/urls.py)."""

from newsroom.settings import *  # noqa: F403
from newsroom.settings import PAGE_CACHE_EXEMPT

ROOT_URLCONF = "bench.urls"
PAGE_CACHE_EXEMPT = [*PAGE_CACHE_EXEMPT, "/bench/"]
