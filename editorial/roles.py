"""The newsroom's two roles, as Django groups.

Authors write and edit their own drafts and may add tags while writing; Editors
do everything with articles and tags, including publishing. The admin enforces
the "own drafts only" part (querysets, read-only fields); these permissions are
the rest. `setup_roles()` is idempotent: it runs after every `migrate` and from
`manage.py setup_roles`, and resets each group to exactly this list.
"""

from django.contrib.auth.models import Group, Permission

AUTHORS = "Authors"
EDITORS = "Editors"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    AUTHORS: [
        "articles.add_article",
        "articles.change_article",
        "articles.delete_article",
        "articles.view_article",
        "articles.add_tag",
        "articles.view_tag",
        "articles.add_articleauthor",
        "articles.change_articleauthor",
        "articles.delete_articleauthor",
        "articles.view_articleauthor",
        "articles.view_author",
    ],
    EDITORS: [
        "articles.add_article",
        "articles.change_article",
        "articles.delete_article",
        "articles.view_article",
        "articles.publish_article",
        "articles.add_tag",
        "articles.change_tag",
        "articles.delete_tag",
        "articles.view_tag",
        "articles.add_author",
        "articles.change_author",
        "articles.delete_author",
        "articles.view_author",
        "articles.add_feature",
        "articles.change_feature",
        "articles.delete_feature",
        "articles.add_articleauthor",
        "articles.change_articleauthor",
        "articles.delete_articleauthor",
        "articles.view_articleauthor",
        "articles.view_feature",
    ],
}


def setup_roles() -> dict[str, Group]:
    """Create or update the Authors and Editors groups; return them by name."""
    groups = {}
    for name, labels in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([_permission(label) for label in labels])
        groups[name] = group
    return groups


def _permission(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)
