"""The change form's side of pending changes (editorial.pending): the moves its
buttons make, the staff-only preview, and leaving the live story's tags alone.

desk.publishing offers the buttons among the article's state controls
and calls `make_pending_move()`; the rules are editorial's.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path

from editorial import pending
from editorial.publishing import ChangeKind

SAVE_PENDING = "_save_pending"
PUBLISH_PENDING = "_publish_pending"
DISCARD_PENDING = "_discard_pending"
PENDING_MOVES = (DISCARD_PENDING, PUBLISH_PENDING, SAVE_PENDING)
# Moves that leave the live row and its tags as they are.
KEEPS_LIVE_ROW = (SAVE_PENDING, DISCARD_PENDING)

DONE = {
    SAVE_PENDING: "changes saved as pending: readers still see the live story. "
    "Preview them from the link at the top of the form.",
    PUBLISH_PENDING: "the pending change is live.",
    DISCARD_PENDING: "the pending change was discarded; the live story is unchanged.",
}


class PendingAdminMixin:
    """Mixed into the ArticleAdmin before PublishingAdminMixin."""

    def make_pending_move(self, request, obj, form, intent) -> None:
        user, cleaned = request.user, form.cleaned_data
        if intent == SAVE_PENDING:
            tags = cleaned.get("tags")
            tag_ids = None if tags is None else [tag.pk for tag in tags]
            pending.save_pending(obj, by=user, fields=cleaned, tag_ids=tag_ids)
        elif intent == PUBLISH_PENDING:
            kind = cleaned.get("change_kind") or ChangeKind.MINOR
            note = cleaned.get("change_note", "")
            pending.publish_pending(obj, by=user, kind=kind, note=note, fields=cleaned)
        else:
            pending.discard_pending(obj, by=user)
        self.message_user(request, f"“{obj}”: {DONE[intent]}")

    def save_related(self, request, form, formsets, change):
        if form.intent() in KEEPS_LIVE_ROW:
            # The live story's tags and inlines (authors, front-page pin) stay; the
            # pending change keeps its own. The change message reads what the
            # inlines saved: nothing.
            for formset in formsets:
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_related(request, form, formsets, change)

    def get_urls(self):
        preview = path(
            "<path:object_id>/pending/",
            self.admin_site.admin_view(self.pending_preview),
            name="articles_article_pending",
        )
        return [preview, *super().get_urls()]

    def pending_preview(self, request, object_id):
        """The live story with its pending change, as readers would see it once
        published: Editors only, never cached, never indexed."""
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.can_publish(request):
            raise PermissionDenied
        pending = article.pending()
        if pending is None:
            raise Http404("This story has no pending change.")
        response = TemplateResponse(
            request,
            "articles/article_detail.html",
            {"article": pending.applied_to(article), "preview": True, "pending_preview": True},
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response
