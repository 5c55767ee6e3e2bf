"""The benchmark's reference points: a minimal Django project beside the site.

No apps, no middleware, no templates: what Django itself costs. Its two views
(bench/reference/urls.py) are the *bare floor* (a few bytes, no database) and the
*one-row limit* (one article row by slug, one SQL query on a persistent
connection, as text). bench/run.py serves it with the same gunicorn settings as the
site, in the same run, and reports every page as a ratio to both.
"""

import environ

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="bench-reference-" + "x" * 50)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.reference.urls"
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = None  # persistent, like the site's
DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5
USE_TZ = True
LOGGING_CONFIG = None
