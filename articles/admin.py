from django.contrib import admin

from articles.models import Article, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "status", "published_at", "is_published"]
    list_filter = ["status", "tags"]
    search_fields = ["headline", "standfirst", "summary"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["tags"]
    readonly_fields = ["import_ref"]

    @admin.display(boolean=True, description="Public")
    def is_published(self, obj):
        return obj.is_published()
