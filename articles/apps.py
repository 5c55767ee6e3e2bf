from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        from articles import search

        search.connect_signals()

        from articles.models import removal

        removal.connect_signals()
