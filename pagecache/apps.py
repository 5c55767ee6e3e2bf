from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    name = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from pagecache import announcements, checks, purges  # noqa: F401 (checks register)

        purges.connect_signals()
        announcements.connect()
