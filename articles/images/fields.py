"""The lead image's model field, its form field and the save hook.

Models and forms import these, so nothing here loads Pillow: the checks
(`uploads`) and the renditions (`renditions`) are imported when a file is
actually checked or stored.
"""

from django import forms
from django.db import models


def validate_lead_image(file) -> None:
    """Model-field validator: new uploads must decode (stored files were checked already)."""
    if not getattr(file, "_committed", True):
        from articles.images.uploads import decode

        decode(file)


class LeadImageFormField(forms.ImageField):
    """An image field that says why a file was refused, and knows only our formats."""

    widget = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"})

    def to_python(self, data):
        file = forms.FileField.to_python(self, data)
        if file is None:
            return None
        from articles.images.uploads import MIME_TYPES, decode

        image = decode(file)
        file.image = image
        file.content_type = MIME_TYPES[image.format]
        return file


class LeadImageField(models.ImageField):
    """The lead image's model field: our validator and our form field by default."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_lead_image])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        path = "articles.images.LeadImageField"  # the name migrations use, wherever it lives
        if kwargs.get("validators") == [validate_lead_image]:
            del kwargs["validators"]  # the default: keep it out of migrations
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": LeadImageFormField, **kwargs})


def process_lead_image(article) -> None:
    """Store a new upload's clean copy and its renditions; forget them when removed.

    Called from `articles.content.process()`, so every save path agrees. Does
    nothing when the image has not changed since its renditions were made.
    """
    field = article.lead_image
    if not field:
        article.lead_image_renditions = {}
        return
    if not field._committed:
        from articles.images.uploads import clean_copy

        content, _ = clean_copy(field.file)
        field.save(content.name, content, save=False)
    if article.lead_image_renditions.get("source") != field.name:
        from articles.images.renditions import renditions_for

        article.lead_image_renditions = renditions_for(field.storage, field.name)
