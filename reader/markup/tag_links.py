"""The list of an article's tag links, for the article page and every card."""

from django.utils.safestring import mark_safe

from reader.markup import escape


def tag_links(tags):
    """<ul class="tags"> of links to `tags` (Tag instances), or nothing without tags.

    Built as a string: a list page renders it twenty times, and an include with a loop
    costs several times more. Names and addresses are escaped as autoescaping would."""
    if not tags:
        return ""
    items = "".join(
        f'<li><a href="{escape(tag.get_absolute_url())}">{escape(tag.name)}</a></li>'
        for tag in tags
    )
    return mark_safe(f'<ul class="tags" aria-label="Tags">{items}</ul>')
