"""Production settings: deploy checks, HTTPS, cookies and the Content-Security-Policy."""

import base64
import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "DEBUG": "False",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "example.com",
}


def run_manage(*args, **env):
    """Run manage.py in a fresh process, so settings.py is read with `env`."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_settings(*names, **env):
    """Settings as production reads them: a fresh process with DEBUG=False."""
    code = (
        "import json; from django.conf import settings; "
        f"values = {{n: getattr(settings, n, None) for n in {list(names)!r}}}; "
        "print(json.dumps(values, default=str))"
    )
    result = run_manage("shell", "-c", code, **PRODUCTION_ENV, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_reports_nothing_in_production():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_with_the_development_defaults():
    """The check above is meaningful: the debug-mode defaults do not pass it."""
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="True")
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr  # DEBUG on


def test_production_cookies_are_secure_and_host_prefixed():
    values = production_settings(
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_NAME",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_DOMAIN",
        "CSRF_COOKIE_DOMAIN",
        "SESSION_COOKIE_PATH",
        "CSRF_COOKIE_PATH",
    )
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert values["CSRF_COOKIE_NAME"].startswith("__Host-")
    # Browsers accept a __Host- cookie only if it is Secure, on path / and has no Domain.
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_DOMAIN"] is None and values["CSRF_COOKIE_DOMAIN"] is None
    assert values["SESSION_COOKIE_PATH"] == values["CSRF_COOKIE_PATH"] == "/"
    assert values["SESSION_COOKIE_HTTPONLY"]


def test_production_redirects_to_https_and_sends_hsts_for_a_year_or_more():
    values = production_settings(
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
    )
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and values["SECURE_HSTS_PRELOAD"]
    assert values["SECURE_PROXY_SSL_HEADER"] is None  # trusted only when configured


def test_proxy_ssl_header_is_trusted_only_when_configured():
    values = production_settings(
        "SECURE_PROXY_SSL_HEADER", SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO"
    )
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.fixture
def production(settings):
    """The production values on the test client, which always talks plain HTTP."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 63072000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    return settings


def test_plain_http_is_redirected_to_https(client, production):
    response = client.get("/some-story/?page=2")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/some-story/?page=2"


def test_healthz_answers_load_balancers_over_plain_http(client, production):
    assert client.get("/healthz").status_code == 200


def test_https_responses_carry_the_security_headers(client, production):
    response = client.get("/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=63072000; includeSubDomains; preload")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_proxy_header_marks_requests_secure_when_configured(client, production):
    production.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client.get("/", headers={"x-forwarded-proto": "https"}).status_code == 200
    assert client.get("/", headers={"x-forwarded-proto": "http"}).status_code == 301


# Content-Security-Policy -------------------------------------------------------


def parse_csp(header):
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


class InlineCode(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, style elements and attributes."""

    def __init__(self):
        super().__init__()
        self.scripts = []  # attrs of every <script>
        self.inline_scripts = []  # attrs of <script> without src that browsers execute
        self.style_elements = 0
        self.style_attributes = []
        self.handler_attributes = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        executable = attrs.get("type") in (None, "", "module", "text/javascript")
        if tag == "script" and "src" not in attrs and executable:
            self.inline_scripts.append(attrs)
        if tag == "style":
            self.style_elements += 1
        if "style" in attrs:
            self.style_attributes.append(tag)
        self.handler_attributes += [name for name in attrs if name.startswith("on")]


def inline_code(response):
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser


def test_csp_is_strict_on_every_response(client):
    csp = parse_csp(client.get("/")["Content-Security-Policy"])
    assert csp["default-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]  # no nonce: the page needs no inline script
    assert csp["style-src"] == ["'self'", django_settings.PROSE_EDITOR_STYLE_HASH]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert "data:" not in csp["img-src"]


def test_style_hash_matches_the_stylesheet_the_body_editor_injects():
    """If django-prose-editor changes TipTap's injected CSS, the admin would break under CSP."""
    editor_js = Path(finders.find("django_prose_editor/editor.js")).read_text()
    # TipTap keeps its base CSS in one template literal and appends it as a <style>.
    css = re.search(r"`(\.ProseMirror \{\n  position: relative;.*?)`", editor_js, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert django_settings.PROSE_EDITOR_STYLE_HASH == f"'sha256-{digest}'"


def test_public_pages_need_no_inline_code_and_carry_no_nonce(client, make_article):
    article = make_article(tags=["politics"], summary="A summary.", byline="A. Writer")
    make_article()
    for url in ["/", "/?page=1", article.get_absolute_url(), "/tags/politics/", "/missing/"]:
        response = client.get(url)
        header = response["Content-Security-Policy"]
        assert "nonce-" not in header, url  # a nonce in a cacheable page is no nonce
        assert "unsafe-inline" not in header and "unsafe-eval" not in header, url
        code = inline_code(response)
        assert not code.inline_scripts, url
        assert not code.style_elements and not code.style_attributes, url
        assert not code.handler_attributes, url


def test_admin_article_form_scripts_carry_the_response_nonce(admin_client):
    """The admin asks for a nonce (never cached, staff only) and uses no inline code."""
    response = admin_client.get(reverse("admin:articles_article_add"))
    assert response.status_code == 200
    script_src = parse_csp(response["Content-Security-Policy"])["script-src"]
    nonces = [value for value in script_src if value.startswith("'nonce-")]
    assert len(nonces) == 1
    code = inline_code(response)
    assert code.scripts
    for attrs in code.scripts:
        assert f"'nonce-{attrs.get('nonce')}'" == nonces[0], attrs
    assert not code.inline_scripts
    assert not code.handler_attributes
