"""Lead images: what an upload must be, the clean copy we store, its renditions.

The work is split by role, and only the cheap parts load with the models:

- `fields`: the model field, its form field and the save hook (`process_lead_image`);
- `display`: reading the stored description for templates, feeds and social cards;
- `uploads`: decoding and checking an upload, and the re-encoded copy we store;
- `renditions`: the resized copies pages build `srcset` from.

(Downloading an external image for an operator is ingest.fetch's.)

`uploads` and `renditions` need Pillow; they are imported when a file is
actually checked or stored, so a process that only serves pages never loads them.

This package's own names are the cheap ones; migrations refer to
`articles.images.LeadImageField`.
"""

from articles.images.display import Picture, SocialImage, absolute_url, picture, social_image
from articles.images.fields import LeadImageField, process_lead_image

__all__ = [
    "LeadImageField",
    "Picture",
    "SocialImage",
    "absolute_url",
    "picture",
    "process_lead_image",
    "social_image",
]


def __getattr__(name):
    # ingest/importers/media.py imports clean_copy from here; resolving it on
    # first use keeps Pillow out of startup.
    if name == "clean_copy":
        from articles.images.uploads import clean_copy

        return clean_copy
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
