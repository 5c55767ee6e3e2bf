from django.contrib import admin
from django.utils.html import format_html

from articles.models import Article, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "status", "published_at", "is_published", "lead_image_thumbnail"]
    list_filter = ["status", "tags"]
    search_fields = ["headline", "standfirst", "summary"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["tags"]
    readonly_fields = ["import_ref", "lead_image_preview"]

    @admin.display(boolean=True, description="Public")
    def is_published(self, obj):
        return obj.is_published()

    @admin.display(description="Image")
    def lead_image_thumbnail(self, obj):
        # From the row's own rendition description: no query, no storage read.
        picture = obj.lead_picture
        if picture is None:
            return ""
        return format_html(
            '<img src="{}" alt="" width="64" height="{}" loading="lazy">',
            picture.small_src,
            round(64 * picture.small_height / picture.small_width),
        )

    @admin.display(description="Lead image preview")
    def lead_image_preview(self, obj):
        picture = obj.lead_picture
        if picture is None:
            if obj.lead_image_url:
                return format_html(
                    '<img src="{}" alt="{}" style="max-width:320px;height:auto">',
                    obj.lead_image_url,
                    obj.lead_image_alt,
                )
            return "No image yet."
        return format_html(
            '<img src="{}" alt="{}" width="{}" height="{}">',
            picture.small_src,
            obj.lead_image_alt,
            picture.small_width,
            picture.small_height,
        )
