from django.core.management.base import BaseCommand

from editorial.roles import ROLE_PERMISSIONS, setup_roles


class Command(BaseCommand):
    help = (
        "Create or reset the Authors and Editors groups with their permissions. "
        "Safe to run again; migrate runs it too."
    )

    def handle(self, *args, **options):
        for name in setup_roles():
            self.stdout.write(
                self.style.SUCCESS(f"{name}: {len(ROLE_PERMISSIONS[name])} permissions")
            )
