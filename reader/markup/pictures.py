"""The lead image's <picture> (or imported <img>), for the article page and every card."""

from django.utils.safestring import mark_safe

from reader.markup import escape


def lead_picture(article, sizes, small=False, lazy=False):
    """The article's renditions as <picture>; else its imported image URL, except on a
    card (`small`); else nothing. `lazy` for images below the fold.

    Built as a string: a list page renders one per card, and an include costs several
    times more. Every value is escaped as autoescaping would."""
    picture, alt, sizes = article.lead_picture, escape(article.lead_image_alt), escape(sizes)
    if picture:
        src, width, height = (
            (picture.small_src, picture.small_width, picture.small_height)
            if small
            else (picture.src, picture.width, picture.height)
        )
        loading = ' loading="lazy"' if lazy else ' fetchpriority="high"'
        return mark_safe(
            f'<picture><source type="image/webp" srcset="{escape(picture.webp_srcset)}"'
            f' sizes="{sizes}"><img src="{escape(src)}"'
            f' srcset="{escape(picture.fallback_srcset)}" sizes="{sizes}"'
            f' width="{escape(width)}" height="{escape(height)}" alt="{alt}"{loading}'
            ' decoding="async"></picture>'
        )
    if article.lead_image_url and not small:
        loading = ' loading="lazy"' if lazy else ""
        return mark_safe(
            f'<img src="{escape(article.lead_image_url)}" alt="{alt}"{loading}'
            ' referrerpolicy="no-referrer">'
        )
    return ""
