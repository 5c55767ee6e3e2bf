"""Settings for Newsroom: one module, configured from the environment.

With nothing set the site runs on SQLite in debug mode. Production sets at least
DEBUG=False, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and SITE_URL (see .env.example).
"""

from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional file; variables already set win

# Core ----------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="django-insecure-dev-only-change-me")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast when the database is unreachable: readers get the 503 page, not a hang.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    # Pages run small, bounded index reads. PostgreSQL would start parallel workers
    # for some of them (a tag page's capped count): starting them costs more than
    # the work, and they compete with the app's own processes.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c max_parallel_workers_per_gather=0")
    # Values travel apart from the SQL, so the same query is the same text every time
    # and psycopg prepares it after DATABASE_PREPARE_THRESHOLD runs: PostgreSQL then
    # skips parsing and planning (a third of the article query's time). Behind
    # PgBouncer in transaction mode this needs PgBouncer >= 1.21 with
    # max_prepared_statements set; otherwise set DATABASE_PREPARE_THRESHOLD=0 (off).
    DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
    if prepare_threshold := env.int("DATABASE_PREPARE_THRESHOLD", default=5):
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = prepare_threshold
    if env.bool("DATABASE_POOL", default=False):
        # psycopg's pool inside each worker process instead of one persistent
        # connection per thread; Django requires CONN_MAX_AGE=0 with it.
        DATABASES["default"]["OPTIONS"]["pool"] = True
        DATABASES["default"]["CONN_MAX_AGE"] = 0
if replica_url := env("DATABASE_REPLICA_URL", default=""):
    # Readers' requests read from the replica while it is current; everything else
    # from default (newsroom/routers.py, newsroom/replica.py).
    replica = env.db_url_config(replica_url)
    DATABASES["replica"] = {
        **replica,
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        # The same pooling, timeout and binding as default; the URL's own options win.
        "OPTIONS": {**DATABASES["default"].get("OPTIONS", {}), **replica.get("OPTIONS", {})},
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["newsroom.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://newsroom")}
# django-environ reads ?key_prefix= from the URL under a name Django ignores.
if prefix := CACHES["default"].pop("key_prefix", None):
    CACHES["default"]["KEY_PREFIX"] = prefix
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache":
    # Room for the page cache's pages and their keys' stamps: at Django's default of
    # 300 entries, culling would drop stamps, and a page without one is a miss.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 20_000)

# One app per role (README, Layout); the desk comes before the admin, whose
# templates it overrides.
INSTALLED_APPS = [
    "desk",
    "accounts",  # staff two-factor sign-in (its admin/base_site.html extends the admin's)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_prose_editor",  # the body's rich-text editor in the admin; ships its assets
    "axes",
    "reversion",  # articles' revisions (editorial/history.py)
    "django_otp",  # staff second factors (accounts/): apps, passkeys, recovery codes
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "articles",
    "editorial",
    "pagecache",
    "reader",
    "ingest",
    "summaries",
    "api",
]

MIDDLEWARE = [
    # First: it stores the final response, security headers included, so a hit skips
    # everything below. An http:// address to be redirected, a NUL byte or a static
    # file is never stored.
    "pagecache.caching.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "newsroom.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which second factor, if any, this session passed; then nothing but the second
    # step for staff who must pass one and have not (accounts/middleware.py).
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    # An article edit posted after the session expired is kept for after login.
    "desk.expired_edits.KeepExpiredEditsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "newsroom.middleware.DatabaseUnavailableMiddleware",
]

if "replica" in DATABASES:
    # Outermost: readers' requests may read from the replica (newsroom/routers.py).
    MIDDLEWARE.insert(0, "newsroom.routers.ReplicaReadsMiddleware")
    # Last, so a reader's request whose replica failed is run again on the primary
    # before DatabaseUnavailableMiddleware answers 503 (newsroom/replica.py).
    MIDDLEWARE.append("newsroom.replica.ReplicaFallbackMiddleware")

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        # The reader's pages (reader/jinja2/), first so their names resolve there; the
        # admin, error pages without a database and sitemaps keep Django's engine.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "reader.templating.environment",
            "context_processors": ["reader.context_processors.site"],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "reader.context_processors.site",  # the sitemaps' SITE_URL
            ],
        },
    },
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username and address is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", default="Europe/London")  # the newsroom's zone; stored times are UTC
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Swagger UI for the API's docs page (api/views.py), from django-ninja's package.
    # Found without importing it: ninja's import loads django.test and more, which
    # only a process serving the API's URLs should pay for (ninja is not an app here).
    Path(find_spec("ninja").origin).parent / "static",
]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Django serves MEDIA_ROOT itself when no web server or object store does (development,
# and `make cluster`, where Varnish caches the files in front).
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads in S3-compatible object storage (django-storages), shared by every app
# server: set the bucket; credentials come from the AWS_* variables boto3 reads.
if bucket := env("AWS_STORAGE_BUCKET_NAME", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN", default=None),
            "location": env("AWS_LOCATION", default=""),
            "default_acl": None,  # the bucket's own policy decides who reads
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=False),
            "file_overwrite": False,
        },
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "null": {"class": "logging.NullHandler"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
    "loggers": {
        # A forged Host header is the client's error, answered 400, not ours: scanners
        # send thousands, and Django would log each at ERROR with a traceback.
        "django.security.DisallowedHost": {"handlers": ["null"], "propagate": False},
    },
}

# Security ----------------------------------------------------------------------
# Always on, so development sees what production enforces.

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# No inline script or style anywhere. A nonce is added to script-src only on a
# response whose template asked for `csp_nonce`; public pages never do, because
# a nonce in a cached page would be the same for every reader.
PROSE_EDITOR_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    # Plus exactly one inline stylesheet: TipTap's base CSS, which the admin's body
    # editor (django-prose-editor) injects as a <style> element. A hash allows that
    # text and nothing else; tests/newsroom/test_security_settings.py checks it still matches.
    "style-src": [CSP.SELF, PROSE_EDITOR_STYLE_HASH],
    "img-src": [CSP.SELF, "https:"],  # bodies link images elsewhere; data: is sanitized away
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=63072000)  # two years
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies must be Secure, path /, and no Domain: no subdomain can set them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    # Load balancers probe the app server directly over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Behind a TLS-terminating proxy, name the header it sets, e.g.
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO (trusted as "https" only then).
if proxy_ssl_header := env("SECURE_PROXY_SSL_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = (proxy_ssl_header, "https")

# django-axes: after repeated failures, lock the username (from any address: a
# password sprayed from many addresses) and, separately, the address (many
# usernames tried from one). Unlock early with `manage.py axes_reset_username NAME`,
# `axes_reset_ip ADDRESS` or `axes_reset`.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_CLIENT_IP_CALLABLE = "newsroom.client_ip.client_ip"
# How many reverse proxies of ours append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Project ---------------------------------------------------------------------

SITE_NAME = env("SITE_NAME", default="The Newsroom")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
ADMIN_URL = env("ADMIN_URL", default="admin/")

# Staff second factors (accounts/): Editors and superusers must use one; Authors
# may, unless TWO_FACTOR_REQUIRED_FOR_AUTHORS makes it a must for them too.
TWO_FACTOR_REQUIRED_FOR_AUTHORS = env.bool("TWO_FACTOR_REQUIRED_FOR_AUTHORS", default=False)
OTP_TOTP_ISSUER = SITE_NAME  # the name authenticator apps show beside the code
# Passkeys belong to a domain name (never an IP address) and are accepted from these
# origins only: where staff open the admin. Browsers allow them over HTTPS, or over
# plain HTTP on localhost: in development, open http://localhost:8000/admin/.
PASSKEY_ORIGINS = env.list(
    "PASSKEY_ORIGINS",
    default=[SITE_URL if SITE_URL.startswith("https://") else "http://localhost:8000"],
)
OTP_WEBAUTHN_ALLOWED_ORIGINS = PASSKEY_ORIGINS
OTP_WEBAUTHN_RP_ID = env("PASSKEY_DOMAIN", default=urlsplit(PASSKEY_ORIGINS[0]).hostname)
OTP_WEBAUTHN_RP_NAME = SITE_NAME
# A passkey is a second factor after the password, never instead of it: the
# password's lockout and rules keep applying.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
LOGIN_REDIRECT_URL = "admin:index"  # where a passkey's second step goes when no page asked

# Lead images (articles/images/, ingest/fetch.py): refused above these limits;
# resized to these widths.
LEAD_IMAGE_MAX_BYTES = env.int("LEAD_IMAGE_MAX_BYTES", default=10 * 1024 * 1024)
LEAD_IMAGE_MAX_PIXELS = env.int("LEAD_IMAGE_MAX_PIXELS", default=40_000_000)
LEAD_IMAGE_WIDTHS = [320, 640, 960, 1280]
# Tests only, never from the environment: the fetcher may reach this machine, where
# the tests' image servers listen (ingest/fetch.py refuses it otherwise).
LEAD_IMAGE_FETCH_ALLOW_LOOPBACK = False

# Public pages (README, Caching): seconds a page may be kept (0 turns caching off; a
# change purges it at once anyway), and the max-age browsers get: they cannot be
# purged, so they revalidate (a 304) unless this says otherwise.
PAGE_CACHE_TIMEOUT = env.int("PAGE_CACHE_TIMEOUT", default=600)
PAGE_CACHE_MAX_AGE = env.int("PAGE_CACHE_MAX_AGE", default=0)
# Path prefixes that are not public pages (besides the admin): never cached, cookies kept.
# The API reads query parameters of its own (cursors, filters) and declares its keys
# for the HTTP cache in front.
PAGE_CACHE_EXEMPT = ["/healthz", "/preview/", "/api/"]
# Where purges go (pagecache.backends): django (the embedded cache), varnish, fastly or
# cloudflare; the response header carrying the surrogate keys follows from it.
PAGE_CACHE_BACKEND = env("PAGE_CACHE_BACKEND", default="django")
PAGE_CACHE_KEY_HEADER = env(
    "PAGE_CACHE_KEY_HEADER",
    default={"fastly": "Surrogate-Key", "cloudflare": "Cache-Tag"}.get(PAGE_CACHE_BACKEND, "xkey"),
)
VARNISH_PURGE_URLS = env.list("VARNISH_PURGE_URLS", default=["http://127.0.0.1:8080"])
FASTLY_API_URL = env("FASTLY_API_URL", default="https://api.fastly.com")
FASTLY_SERVICE_ID = env("FASTLY_SERVICE_ID", default="")
FASTLY_API_TOKEN = env("FASTLY_API_TOKEN", default="")
CLOUDFLARE_API_URL = env("CLOUDFLARE_API_URL", default="https://api.cloudflare.com/client/v4")
CLOUDFLARE_ZONE_ID = env("CLOUDFLARE_ZONE_ID", default="")
CLOUDFLARE_API_TOKEN = env("CLOUDFLARE_API_TOKEN", default="")
# The purge outbox (pagecache.outbox): a purge older than PURGE_BACKLOG_AFTER seconds
# is overdue; then pages are kept PURGE_BACKLOG_TIMEOUT seconds at most, and each
# process retries overdue purges at most every PURGE_RETRY_INTERVAL seconds.
PURGE_BACKLOG_AFTER = env.int("PURGE_BACKLOG_AFTER", default=2)
PURGE_BACKLOG_TIMEOUT = env.int("PURGE_BACKLOG_TIMEOUT", default=5)
PURGE_RETRY_INTERVAL = env.float("PURGE_RETRY_INTERVAL", default=1.0)
# An HTTP cache in front gets each purge twice, this many seconds apart (0: once).
PURGE_REPEAT_AFTER = env.float("PURGE_REPEAT_AFTER", default=0.5)
