"""The summary's part of the article admin: who wrote it, a preview, regeneration.

Kept apart from desk/admin.py so the desk's admin only has to mix it in,
list `summary_preview` among its read-only fields and offer the action.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Q
from django.utils.html import format_html

from editorial import history
from editorial.publishing import before_change


class SummaryAdminMixin:
    @admin.display(description="Summary readers see")
    def summary_preview(self, obj):
        if obj is None or not obj.summary:
            return "No summary yet: leave the field empty to have one generated from the body."
        if obj.summary_generated:
            origin = "Generated from the body; rebuilt whenever the body changes."
        else:
            origin = "Written by an editor; never replaced. Clear it to have one generated."
        return format_html("<p>{}</p><p><em>{}</em></p>", obj.summary, origin)

    def save_model(self, request, obj, form, change):
        if "summary" in form.changed_data:
            # The editor typed (or cleared) the summary: it is theirs now. Cleared,
            # process() generates a new one and marks it generated again.
            obj.summary_generated = False
        elif change:
            # Untouched (compared with the summary the form was opened on): what is
            # stored stays, whatever a stale form sent back, and so does its origin.
            obj.summary = form.initial.get("summary", obj.summary)
        super().save_model(request, obj, form, change)

    @admin.action(description="Regenerate summary", permissions=["change"])
    def regenerate_summary(self, request, queryset):
        """Rebuild generated (or missing) summaries; editors' own are left alone."""
        regenerable = queryset.filter(Q(summary_generated=True) | Q(summary=""))
        done = 0
        for article in regenerable:
            if not self.has_change_permission(request, article):
                continue  # e.g. an Author's published article: not theirs to change
            with transaction.atomic():
                before_change(article)
                article.summary = ""
                article.save()  # process() generates it from the current body
                history.record(article, user=request.user, comment="Summary regenerated")
            done += 1
        skipped = queryset.count() - done
        message = f"Regenerated {done} summar{'y' if done == 1 else 'ies'}."
        if skipped:
            message += f" Left {skipped} as they are (written by editors, or not yours to change)."
        self.message_user(request, message, messages.SUCCESS)
