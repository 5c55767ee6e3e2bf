"""The History page at the desk: an article's revisions, any two compared, Restore.

Replaces the admin's own history (a log of field names) with the revisions
recorded by editorial/history.py. Comparing shows, field by field, the words added
and removed (the body as readers read it, never raw HTML). Restore makes an old
revision's content current by saving it as a new revision: history is never
rewritten, and the state (published, scheduled, draft, trash) is left as it is,
since changing it has its own buttons and permissions. On a live story Restore is
a change readers see, so it first asks what kind of change it is, like any other
(editorial.publishing.save_change).

Each page costs a fixed number of queries whatever the number of revisions.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from reversion.models import Version

from articles.models import Article, Tag
from articles.models.versioned import EditConflict
from editorial import checks, history, publishing, versions
from editorial.diffs import LABELS, compare
from editorial.publishing import ChangeKind

# What Restore brings back: the content. State changes keep their own controls.
RESTORED = [
    "headline",
    "standfirst",
    "body",
    "summary",
    "summary_generated",
    "byline",
    "source_name",
    "source_url",
    "canonical_url",
    "lead_image",
    "lead_image_url",
    "lead_image_alt",
    "lead_image_caption",
    "lead_image_credit",
]


def who(revision) -> str:
    if revision.user is None:
        return "An import or a command"
    return revision.user.get_full_name() or revision.user.get_username()


class HistoryAdminMixin:
    object_history_template = "admin/articles/article/history.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/history/compare/",
                view(self.compare_view),
                name="articles_article_compare",
            ),
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                view(require_POST(transaction.atomic(self.restore_view))),
                name="articles_article_restore",
            ),
            *super().get_urls(),
        ]

    def history_article(self, request, object_id) -> Article:
        """The article if `request.user` may see its history (Authors: their own)."""
        article = self.get_object(request, object_id)
        if article is None or not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def history_view(self, request, object_id, extra_context=None):
        article = self.history_article(request, object_id)
        # The list shows who, when and what: the recorded bodies stay in the database.
        versions = list(history.revisions_of(article).defer("serialized_data"))
        rows = [{"version": v, "who": who(v.revision)} for v in versions]
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {article}",
            "subtitle": None,
            "opts": self.opts,
            "object": article,
            "rows": rows,
            "can_restore": self.has_change_permission(request, article),
            "compare_url": reverse("admin:articles_article_compare", args=[article.pk]),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.object_history_template, context)

    def compare_view(self, request, object_id):
        article = self.history_article(request, object_id)
        ids = [request.GET.get("from"), request.GET.get("to")]
        if not all(value and value.isdigit() for value in ids):
            self.message_user(request, "Choose two revisions to compare.", messages.WARNING)
            return HttpResponseRedirect(self.history_url(article))
        found = {
            v.pk: v for v in history.revisions_of(article).filter(pk__in=[int(i) for i in ids])
        }
        if len(found) != len(set(ids)):
            raise PermissionDenied  # not this article's revisions
        older, newer = sorted(
            (found[int(i)] for i in ids), key=lambda v: (v.revision.date_created, v.pk)
        )
        old, new = history.recorded_fields(older), history.recorded_fields(newer)
        tag_ids = {*old.get("tags", ()), *new.get("tags", ())}
        tag_names = dict(Tag.objects.filter(pk__in=tag_ids).values_list("pk", "name"))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Compare revisions: {article}",
            "opts": self.opts,
            "object": article,
            "older": {"version": older, "who": who(older.revision)},
            "newer": {"version": newer, "who": who(newer.revision)},
            "diffs": compare(old, new, LABELS, tag_names),
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def restore_view(self, request, object_id, version_id):
        article = self.history_article(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(history.revisions_of(article), pk=version_id)
        read = request.POST.get("version", "")
        if read.isdigit():
            versions.as_read(article, int(read))  # as the History page showed it
        kind, note = request.POST.get("change_kind"), request.POST.get("change_note", "")
        if article.is_live():
            error = None
            try:
                checks.check(article, "save", request.user, kind=kind, note=note)
            except ValidationError as refusal:
                error = " ".join(refusal.messages)
            if error or kind not in ChangeKind.values:
                return self.ask_kind_of_change(request, article, version, error)
        try:
            restore(article, version, request.user, kind=kind, note=note)
        except EditConflict:
            self.message_user(
                request,
                "Not restored: the article changed after you opened its history. "
                "Look at the newest revision, then restore again if you still want to.",
                messages.ERROR,
            )
            return HttpResponseRedirect(self.history_url(article))
        when = version.revision.date_created
        self.message_user(request, f"Restored the revision of {when:%d %B %Y, %H:%M} as a new one.")
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def ask_kind_of_change(self, request, article, version, error):
        """Restoring on a live story changes what readers see: asked like any change."""
        context = {
            **self.admin_site.each_context(request),
            "title": f"Restore on the live story: {article}",
            "opts": self.opts,
            "object": article,
            "restored": version,
            "kinds": ChangeKind.choices,
            "chosen": request.POST.get("change_kind"),
            "note": request.POST.get("change_note", ""),
            "error": error if "change_kind" in request.POST else None,
        }
        return TemplateResponse(request, "admin/articles/article/restore_live.html", context)

    def history_url(self, article):
        return reverse("admin:articles_article_history", args=[article.pk])


def restore(article: Article, version: Version, user, kind=None, note: str = "") -> None:
    """Make `version`'s content the article's current content, as a new revision; on a
    live story as a change of `kind` (with its `note`). Raises EditConflict if the
    article changed since `article.version` was read."""
    fields = history.recorded_fields(version)
    for name in RESTORED:
        if name in fields:
            setattr(article, name, fields[name])
    slug = fields.get("slug")
    if slug and not Article.objects.exclude(pk=article.pk).filter(slug=slug).exists():
        article.slug = slug
    when = version.revision.date_created
    comment = f"Restored the revision of {when:%d %b %Y %H:%M}"
    with transaction.atomic():
        publishing.save_change(article, by=user, kind=kind, note=note)
        if "tags" in fields:
            article.tags.set(Tag.objects.filter(pk__in=fields["tags"]))
        told = getattr(article, "recorded_revision", None)
        if told is not None:  # an update or a correction: one entry says both
            history.amend(told, article, f"{comment}: {told.comment}")
        else:
            history.record(article, user=user, comment=comment)
