"""The Jinja2 environment of the reader's templates (reader/jinja2/), which Django's
own Jinja2 backend renders (TEMPLATES in settings); the admin keeps Django's engine.

Jinja2 compiles a template to Python once; the Django template language walks a node
tree and resolves every variable through a context stack on every render, which was
about half of a list page's time (docs/reader-speed.md). The helpers here are the
ones the templates had as tags and filters, as plain functions (reader.markup).
Autoescaping stays on, and every value is escaped as Django escapes it (`finalize`
runs before Jinja2's own escape), so pages keep Django's entities (&quot;, &#x27;)
byte for byte; the helpers return Django's safe strings, which Jinja2 honours.
"""

from django.template.defaultfilters import date as format_date
from django.template.defaultfilters import linebreaks_filter
from django.template.defaulttags import querystring as build_querystring
from django.urls import reverse
from django.utils.timezone import template_localtime
from jinja2 import Environment, pass_context

from reader.markup import escape
from reader.markup.bylines import byline
from reader.markup.dates import machine_time, news_date
from reader.markup.pictures import lead_picture
from reader.markup.seo import article_json_ld, page_meta
from reader.markup.tag_links import tag_links


def url(view_name: str, *args) -> str:
    """`{% url %}`: the address of a named view."""
    return reverse(view_name, args=args)


@pass_context
def querystring(context, **changes) -> str:
    """`{% querystring %}`: this request's query with `changes`, as "?page=2"."""
    return build_querystring(None, context["request"].GET, **changes)


def date(value, format_string: str) -> str:
    """The `date` filter, shown in the current zone as a Django template shows it."""
    return format_date(template_localtime(value), format_string)


def linebreaks(value):
    """The `linebreaks` filter: escaped text in <p> and <br>."""
    return linebreaks_filter(value, autoescape=True)


def environment(**options) -> Environment:
    # A template's last newline kept, as Django's engine keeps it.
    env = Environment(finalize=escape, keep_trailing_newline=True, **options)
    env.globals.update(
        url=url,
        querystring=querystring,
        page_meta=pass_context(page_meta),
        article_json_ld=pass_context(article_json_ld),
        byline=byline,
        lead_picture=lead_picture,
        tag_links=tag_links,
    )
    env.filters.update(
        machine_time=machine_time, news_date=news_date, date=date, linebreaks=linebreaks
    )
    return env
