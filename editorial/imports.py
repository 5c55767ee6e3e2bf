"""An import's create and update, as editorial moves: what a record may change.

An import is a migration for new stories and a content feed for existing ones:

- a new article takes the state its record gives (a migration must not drop or
  re-date a story);
- an existing article keeps the state the desk left it in (its status, its place
  in the public order, its first publication and its trash): a story an editor
  unpublished or trashed stays so whatever an operator re-runs. Only an operator
  who passes `--update-status` lets records set existing articles' states, and
  that is recorded in the run and in each revision the run makes;
- a record whose article is in the trash is skipped and counted ("in the trash:
  skipped"): nothing leaves the trash but a restore (editorial.moves).

A run records one `ImportRun` (file, operator, time, counts) and no per-article
copy in History; the first later change to an article it wrote records the
stored state first (editorial.history.snapshot_unrecorded).
"""

import getpass

from django.utils import timezone

from articles.content import settle_first_publication
from articles.models import Article, ImportRun
from editorial import history, moves

# What a record sets on a new article, and on an existing one only with --update-status.
STATE_FIELDS = ("status", "published_at", "first_published_at")
UPDATE_STATUS_NOTE = "with --update-status: records set the states"


def skipped_in_trash(current: Article) -> bool:
    """Whether a record for `current` is to be skipped: its article is in the trash."""
    return not moves.allowed(current, "import_update")


def state_for(current: Article | None, wanted: dict, *, update_status: bool) -> dict:
    """The state fields (STATE_FIELDS) an imported record's article gets: the
    record's `wanted` ones for a new article (or with --update-status, where a
    first publication is still never reset), else `current`'s as they stand."""
    if current is None:
        return wanted
    if update_status:
        first = current.first_published_at or wanted["first_published_at"]
        return {**wanted, "first_published_at": first}
    return {name: getattr(current, name) for name in STATE_FIELDS}


def give_state(article: Article, *, status: str, published_at) -> None:
    """A new, unsaved article's state as its source gives it (a record, the demo
    content), with the first publication that follows from it."""
    article.status, article.published_at = status, published_at
    settle_first_publication(article)


def start_run(source: str, *, update_status: bool = False) -> ImportRun:
    """The record of a run starting now, by whoever runs this process."""
    return ImportRun.objects.create(
        source=source[:500],
        operator=operator(),
        update_status=update_status,
        started_at=timezone.now(),
    )


def finish_run(run: ImportRun, result) -> None:
    """Store the run's counts (an ImportResult) and its end."""
    run.finished_at = timezone.now()
    run.created, run.updated, run.unchanged = result.created, result.updated, result.unchanged
    run.rejected, run.in_trash = result.rejected, result.in_trash
    run.save()


def before_update(article_ids: list[int]) -> None:
    """An import is about to overwrite these stored articles: keep any state of
    theirs History lacks (a previous import's, a script's) first."""
    history.snapshot_unrecorded(article_ids)


def record_state_changes(run: ImportRun, article_ids: list[int]) -> None:
    """With --update-status, the articles a batch updated as one revision naming
    the run and the flag: their states came from the file, not from the desk."""
    history.record_stored(
        article_ids,
        source=run.source,
        comment=f"Imported by import run {run.pk} {UPDATE_STATUS_NOTE}",
    )


def operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no account name in this environment
        return ""
