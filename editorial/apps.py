from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "Editorial rules"

    def ready(self):
        from editorial import history

        history.register()
        # After migrate (and after test-database flushes) the roles always exist.
        # The permissions they refer to are created by auth's own post_migrate
        # handler, which Django connects before this one.
        post_migrate.connect(_setup_roles, sender=apps.get_app_config("articles"))


def _setup_roles(**kwargs):
    from editorial.roles import setup_roles

    setup_roles()
