"""An article's byline: its authors' names linked to their pages, else the free text."""

from django.utils.safestring import mark_safe

from articles.models.author import byline_text
from reader.markup import escape


def byline(article):
    """ "By <a>Ann Reed</a> and <a>Ben Cole</a>", "By Wire staff", or nothing.

    Built as a string, as tag_links is: cards render one each."""
    if authors := article.author_list:
        names = [
            f'<a href="{escape(author.get_absolute_url())}" rel="author">{escape(author.name)}</a>'
            for author in authors
        ]
        return mark_safe(f'By <span class="byline">{byline_text(names)}</span>')
    if article.byline:
        return mark_safe(f'By <span class="byline">{escape(article.byline)}</span>')
    return ""
