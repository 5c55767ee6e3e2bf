from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        post_migrate.connect(_setup_roles, sender=self)
        from articles import invalidation

        invalidation.connect_signals()

        from articles import search

        search.connect_signals()

        from articles import history

        history.register()

        from articles import sections

        sections.connect_signals()


def _setup_roles(**kwargs):
    # After migrate (and after test-database flushes) the roles always exist.
    # The permissions they refer to are created by auth's own post_migrate
    # handler, which Django connects before this one.
    from articles.roles import setup_roles

    setup_roles()
