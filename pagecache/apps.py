from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    name = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from pagecache import announcements, invalidation, sections

        invalidation.connect_signals()
        sections.connect_signals()
        announcements.connect()
