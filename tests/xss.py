"""Hostile HTML for the sanitization tests, and a checker for rendered pages.

The payloads come from the shared corpus beside the checkout (`../shared/corpus/xss/`,
present in CI): DOMPurify's test payloads and the HTML embedded in feedparser's
sanitizer test feeds. The checker parses a rendered page with html.parser and
reports every element, attribute or URL through which script could run.
"""

import json
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import feedparser
from django.conf import settings


def corpus_dir() -> Path | None:
    for parent in Path(settings.BASE_DIR).resolve().parents:
        if (parent / "shared" / "corpus" / "xss").is_dir():
            return parent / "shared" / "corpus" / "xss"
    return None


XSS_CORPUS = corpus_dir()
NO_CORPUS = "no shared/corpus/xss/ beside the checkout (CI has it)"


@cache
def dompurify_payloads() -> list[str]:
    lines = (XSS_CORPUS / "dompurify_expect.jsonl").read_text(encoding="utf-8").split("\n")
    return [json.loads(line)["payload"] for line in lines if line.strip()]


@cache
def feedparser_payloads() -> list[str]:
    """The HTML inside each sanitizer test feed, read without feedparser's own sanitizer."""
    payloads = {}
    path = XSS_CORPUS / "feedparser_sanitize_cases.jsonl"
    for line in filter(None, path.read_text(encoding="utf-8").split("\n")):
        parsed = feedparser.parse(
            json.loads(line)["feed"], sanitize_html=False, resolve_relative_uris=False
        )
        for source in (parsed.feed, *parsed.entries[:1]):
            for key, value in source.items():
                values = [c.value for c in value] if key == "content" else [value]
                for text in values:
                    if isinstance(text, str) and "<" in text:
                        payloads[text] = None
    return list(payloads)


def all_payloads() -> list[str]:
    return dompurify_payloads() + feedparser_payloads()


# Elements that run script or smuggle it in, wherever they appear in a page.
FORBIDDEN_ELEMENTS = {
    "script", "svg", "math", "style", "iframe", "frame", "frameset", "object", "embed",
    "applet", "base", "template", "noscript", "xmp", "plaintext", "listing", "portal",
}  # fmt: skip
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}  # data, never executed
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "data",
    "background", "cite", "longdesc", "lowsrc", "dynsrc", "ping", "manifest", "codebase",
}  # fmt: skip
DANGEROUS_SCHEME = re.compile(r"^(javascript|vbscript|data|livescript|mocha):", re.I)
INVISIBLE = re.compile(r"[\x00-\x20\x7f\u00a0\u200b-\u200f\u2028\u2029\ufeff]+")


class ScriptCapableMarkup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []
        self.in_data_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and (attributes.get("type") or "").lower() in DATA_SCRIPT_TYPES:
            self.in_data_script = True
        elif tag in FORBIDDEN_ELEMENTS:
            self.findings.append(f"<{tag}> element")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.findings.append(f"<{tag} {name}> event handler")
            if name == "style":
                self.findings.append(f"<{tag} style> attribute")
            if name in URL_ATTRIBUTES and DANGEROUS_SCHEME.match(INVISIBLE.sub("", value)):
                self.findings.append(f"<{tag} {name}={value[:40]!r}> URL")
            if tag == "meta" and name == "http-equiv" and value.lower() == "refresh":
                self.findings.append("<meta http-equiv=refresh>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_data_script = False

    def handle_data(self, data):
        # A data block may hold any text, but must not end early and open markup.
        if self.in_data_script and re.search(r"</script|<!--", data, re.I):
            self.findings.append("markup inside a JSON data block")


def script_capable_markup(html: str) -> list[str]:
    """What in `html` could run script: empty for a safe page."""
    parser = ScriptCapableMarkup()
    try:
        parser.feed(html)
        parser.close()
    except AssertionError as error:  # html.parser gives up on some marked sections
        parser.findings.append(f"unparseable markup: {error}")
    return parser.findings
