"""The markup the reader's templates call (reader.templating): built as strings in
Python, because a list page renders each of them twenty times or more."""

import html

from django.utils.safestring import SafeString


def escape(value):
    """django.utils.html.conditional_escape, less its lazy-string wrapper (two thirds
    of its cost, paid for every value a page prints); str() resolves lazy text."""
    if hasattr(value, "__html__"):
        return value
    return SafeString(html.escape(str(value)))
