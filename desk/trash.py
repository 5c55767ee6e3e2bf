"""The trash at the desk: Delete moves an article to the trash, the change list
hides trashed articles except under the "In the trash" filter, and Restore brings
them back as drafts. The rules themselves are editorial's (editorial/trash.py).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from editorial import trash
from editorial.trash import KEEP_DAYS, may_trash

TRASH_PARAMETER = "trash"


class TrashFilter(admin.SimpleListFilter):
    """Trashed articles are listed only here; every other view leaves them out."""

    title = "trash"
    parameter_name = TRASH_PARAMETER

    def lookups(self, request, model_admin):
        return [("1", "In the trash")]

    def queryset(self, request, queryset):
        return queryset.trashed() if self.value() == "1" else queryset.not_trashed()


class TrashAdminMixin:
    delete_confirmation_template = "admin/articles/article/trash_confirmation.html"

    def has_change_permission(self, request, obj=None):
        # A trashed article is read-only until restored: nothing is published from the bin.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.trashed_at is None)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_trash(obj, request.user))

    def get_deleted_objects(self, objs, request):
        """What a confirmation lists: only the articles (their tags, images and
        revisions stay with them in the trash)."""
        objs = list(objs)
        denied = {str(obj._meta.verbose_name) for obj in objs if not may_trash(obj, request.user)}
        return [str(obj) for obj in objs], {}, denied, []

    def delete_model(self, request, obj):
        trash.trash(obj, request.user)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            trash.trash(article, request.user)

    def response_delete(self, request, obj_display, obj_id):
        self.message_user(
            request,
            f"“{obj_display}” is in the trash: gone from the site, restorable for "
            f"{KEEP_DAYS} days (filter the list by “In the trash”).",
        )
        return HttpResponseRedirect(reverse("admin:articles_article_changelist"))

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.untrash_view))
        return [
            path("<path:object_id>/untrash/", view, name="articles_article_untrash"),
            *super().get_urls(),
        ]

    @transaction.atomic  # get_object() holds the row (SELECT … FOR UPDATE) until the restore
    def untrash_view(self, request, object_id):
        """Restore from the trash, from the trashed story's own page."""
        article = self.get_object(request, object_id)
        if article is None or not self.has_delete_permission(request, article):
            raise PermissionDenied
        if article.trashed_at is not None:
            trash.restore(article, request.user)
            self.message_user(request, f"“{article}” is back from the trash, as a draft.")
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_restore_from_trash"] = bool(
            obj is not None and obj.trashed_at and self.has_delete_permission(request, obj)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)  # "Move to the trash" does it, and says so
        return actions

    @admin.action(description="Move selected articles to the trash", permissions=["delete"])
    def move_to_trash(self, request, queryset):
        moved, refused = 0, []
        for article in queryset.not_trashed():
            try:
                trash.trash(article, request.user)
            except PermissionDenied:
                refused.append(article.headline)
                continue
            moved += 1
        self.message_user(
            request,
            f"Moved {moved} article(s) to the trash: gone from the site, restorable for "
            f"{KEEP_DAYS} days.",
        )
        if refused:
            self.message_user(
                request,
                "Not moved (you may trash only your own drafts): " + "; ".join(refused),
                level=messages.WARNING,
            )

    @admin.action(description="Restore from the trash (as drafts)", permissions=["delete"])
    def restore_from_trash(self, request, queryset):
        restored = 0
        for article in queryset.trashed():
            try:
                trash.restore(article, request.user)
            except PermissionDenied:
                continue
            restored += 1
        self.message_user(request, f"Restored {restored} article(s) from the trash as drafts.")
