"""import_articles: read files in any supported format and upsert their articles.

Thin by design: arguments → the format's parse() → save_articles() → the summary
backfill (editorial/backfill.py) → one summary line. See ingest/importers/ for the
formats and the rules. With --redirects-only, the files' old addresses are added to
the articles an earlier import made (ingest/importers/old_addresses.py).
"""

import json
import os
from contextlib import nullcontext
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article
from editorial.backfill import batches_by_id, fill_summaries
from ingest.fetch import fetch_missing
from ingest.importers import FORMATS, guess_format, read_head, reader
from ingest.importers.mapping import FieldMap, MappingError
from ingest.importers.media import MediaSource
from ingest.importers.old_addresses import AddressResult, add_old_addresses
from ingest.importers.progress import Progress
from ingest.importers.records import FormatError, ImportResult, Rejection
from ingest.importers.saving import DEFAULT_BATCH_SIZE, save_articles
from ingest.management.commands.fetch_lead_images import report as fetch_report


class Command(BaseCommand):
    help = (
        "Import articles from JSON Lines, JSON, CSV, RSS, Atom, JSON Feed, WordPress WXR "
        "or Ghost files. Re-running a file changes nothing; exits 1 when any record is "
        "rejected."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files to import.")
        parser.add_argument(
            "--format",
            choices=sorted(FORMATS),
            help="The files' format (default: guessed from each file's content).",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="SOURCE=FIELD",
            dest="maps",
            help=(
                "CSV, JSON Lines, JSON: read the column or key SOURCE as our FIELD "
                "(repeatable; dots reach into objects: source.name=source_name)."
            ),
        )
        parser.add_argument(
            "--ignore",
            action="append",
            default=[],
            metavar="KEY",
            dest="ignores",
            help="CSV, JSON Lines, JSON: leave out this column or key (repeatable).",
        )
        parser.add_argument(
            "--records",
            metavar="PATH",
            default="",
            help=(
                "JSON: where the list of records is in the document, keys joined by "
                "dots (e.g. articles); implies --format json."
            ),
        )
        parser.add_argument(
            "--site-url",
            metavar="URL",
            default="",
            help=(
                "Ghost: the address the exported site had (the export does not say); "
                "names its articles and makes its relative links absolute. "
                "Default: this site's SITE_URL."
            ),
        )
        parser.add_argument(
            "--redirects-only",
            action="store_true",
            help=(
                "Change no article: add the files' old addresses (WordPress permalinks "
                "and ?p=, Ghost's /<slug>/, feed links) to the articles an earlier "
                "import of them made."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read, check and count everything, but write nothing.",
        )
        parser.add_argument(
            "--rejects",
            metavar="FILE",
            help="Write rejected records here as JSON Lines (record, line, field, reason, raw).",
        )
        parser.add_argument(
            "--status",
            choices=[s.value for s in Article.Status],
            default=Article.Status.DRAFT,
            help="Status for new articles whose source gives none (default: draft).",
        )
        parser.add_argument(
            "--update-status",
            action="store_true",
            help=(
                "Let records set the status and publication time of articles that "
                "already exist. Without it an import changes their content only: a "
                "story an editor unpublished stays unpublished. Recorded in the run "
                "and in History. Articles in the trash are skipped either way."
            ),
        )
        parser.add_argument(
            "--media-dir",
            metavar="DIR",
            type=Path,
            help=(
                "Where `export_articles --media-dir` wrote the uploaded lead images: "
                "they are stored again under their names. Without it, an image not "
                "already stored here is kept as an external URL."
            ),
        )
        parser.add_argument(
            "--fetch-images",
            action="store_true",
            help=(
                "After importing, download lead images recorded by URL (public http(s) "
                "servers only, a timeout, the upload checks). Off by default: imports "
                "record images by URL and never download."
            ),
        )
        parser.add_argument(
            "--defer-summaries",
            action="store_true",
            help=(
                "Store the articles without generating their missing summaries; run "
                "`summarize_articles` later. By default they are generated after the "
                "last batch, on every core."
            ),
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes sanitizing bodies and generating summaries (default: one per core).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Records per transaction (default {DEFAULT_BATCH_SIZE}).",
        )

    def handle(
        self,
        *args,
        paths,
        format,
        dry_run,
        rejects,
        status,
        batch_size,
        fetch_images,
        defer_summaries,
        workers,
        media_dir,
        maps,
        ignores,
        records,
        site_url,
        redirects_only,
        update_status,
        **options,
    ):
        if batch_size < 1 or workers < 1:
            raise CommandError("--batch-size and --workers must be at least 1.")
        if media_dir and not media_dir.is_dir():
            raise CommandError(f"{media_dir}: not a directory. Nothing was written.")
        try:
            fields = FieldMap.from_arguments(maps, ignores)
        except MappingError as error:
            raise CommandError(f"{error}. Nothing was written.") from None
        self.given = {"--map/--ignore": fields, "--records": records, "--site-url": site_url}
        self.workers = workers
        self.update_status = update_status
        self.media = MediaSource(media_dir, store=not dry_run)
        files = [self.open_checked(Path(path), format) for path in paths]
        if redirects_only:
            self.add_redirects(files, batch_size, dry_run)
            return
        result = ImportResult()
        current = None
        try:
            rejects_file = open(rejects, "w", encoding="utf-8") if rejects else None  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"{rejects}: cannot write: {error.strerror}") from None
        try:
            for path, fp, module in files:
                current = path
                with fp:
                    self.import_file(
                        path, fp, module, result, rejects_file, status, batch_size, dry_run
                    )
        except FormatError as error:
            if not (dry_run or defer_summaries):
                self.fill_summaries(result)  # for the batches committed before the error
            self.stdout.write(self.summary(result, dry_run))
            written = (
                "nothing was written"
                if dry_run
                else (
                    f"{result.batches_committed} batches "
                    f"({result.created + result.updated} articles written) were committed before it"
                )
            )
            raise CommandError(f"{current}: {error} ({written}).") from None
        except IntegrityError as error:
            # Another import or an editor wrote the same record (its import_ref) at
            # the same moment; slug clashes were retried already.
            self.stdout.write(self.summary(result, dry_run))
            raise CommandError(
                f"{current}: a record was written by someone else at the same time "
                f"({error}); {result.batches_committed} batches were committed before it. "
                "Run the import again to finish."
            ) from None
        finally:
            for _, fp, _ in files:
                fp.close()
            if rejects_file:
                rejects_file.close()
        if not (dry_run or defer_summaries):
            self.fill_summaries(result)
        self.stdout.write(self.style.SUCCESS(self.summary(result, dry_run)))
        if fetch_images and not dry_run:
            # Outside the import's transactions: slow image servers hold no lock.
            fetch_report(self, fetch_missing(Article.objects.all()))
        if result.rejected:
            where = f"; see {rejects}" if rejects else "; --rejects FILE lists them"
            raise CommandError(f"{result.rejected} record(s) rejected{where}.")

    def open_checked(self, path: Path, format: str | None):
        """Open `path` and make sure it reads as its format, before anything is written;
        gives the path, the open file and the format's parse() with the run's options."""
        try:
            fp = path.open("rb")
        except OSError as error:
            raise CommandError(f"{path}: cannot open: {error.strerror}") from None
        try:
            name = format or guess_format(read_head(fp))
            if self.given["--records"] and not format and name == "jsonl":
                name = "json"  # a records path means one document, even on one line
            check, parse = reader(name, self.given)
            fp.seek(0)
            check(fp)
            fp.seek(0)
        except FormatError as error:
            fp.close()
            raise CommandError(f"{path}: {error}. Nothing was written.") from None
        return path, fp, parse

    def import_file(self, path, fp, parse, result, rejects_file, status, batch_size, dry_run):
        progress = Progress(self.stderr, path.name, os.fstat(fp.fileno()).st_size)

        def on_reject(rejection: Rejection) -> None:
            if rejects_file:
                row = {"file": str(path), **rejection.as_dict()}
                rejects_file.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")

        def on_batch(counts: ImportResult) -> None:
            progress.update(counts.processed - start, fp.tell())

        start = result.processed
        # Each batch commits by itself; a dry run wraps them all in one transaction
        # that is rolled back, so it counts exactly what a real run would do.
        outer = transaction.atomic() if dry_run else nullcontext()
        try:
            with outer:
                save_articles(
                    parse(fp),
                    batch_size=batch_size,
                    default_status=status,
                    on_reject=on_reject,
                    on_batch=on_batch,
                    result=result,
                    workers=self.workers,
                    media=self.media,
                    source=f"import_articles {path.name}",
                    update_status=self.update_status,
                )
                if dry_run:
                    transaction.set_rollback(True)
        finally:
            progress.update(result.processed - start, fp.tell(), final=True)

    def fill_summaries(self, result: ImportResult) -> None:
        """Generate the summaries the import left pending (see editorial/backfill.py)."""
        if not result.unsummarized:
            return
        progress = Progress(self.stderr, "summaries", len(result.unsummarized), unit=" articles")
        fill_summaries(
            batches_by_id(result.unsummarized),
            workers=self.workers,
            on_batch=lambda examined, _: progress.update(examined, examined),
        )
        progress.update(len(result.unsummarized), len(result.unsummarized), final=True)

    def summary(self, result: ImportResult, dry_run: bool) -> str:
        line = (
            f"{'Dry run (nothing written): would have ' if dry_run else ''}"
            f"{result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.rejected} rejected"
        )
        if result.in_trash:
            line += f"; {result.in_trash} in the trash: skipped"
        if result.conflicts:
            line += (
                f"; {result.conflicts} left as an editor changed them during the import"
                " (run it again to update them)"
            )
        if result.skipped:
            skipped = ", ".join(f"{n} {kind}" for kind, n in sorted(result.skipped.items()))
            line += f"; not imported: {skipped}"
        if result.untitled:
            line += f"; {result.untitled} untitled, headline made from the text"
        if result.naive_dates:
            line += (
                f"; {result.naive_dates} date(s) without a time zone read as "
                f"{timezone.get_current_timezone_name()}"
            )
        return line + "."

    def add_redirects(self, files, batch_size: int, dry_run: bool) -> None:
        """--redirects-only: old addresses for articles imported earlier, nothing else."""
        result = AddressResult()
        for path, fp, parse in files:
            with fp:
                try:
                    with transaction.atomic():
                        add_old_addresses(parse(fp), batch_size=batch_size, result=result)
                        if dry_run:
                            transaction.set_rollback(True)
                except FormatError as error:
                    raise CommandError(
                        f"{path}: {error} (nothing of this file was written)."
                    ) from None
        line = (
            f"{'Dry run (nothing written): would have added ' if dry_run else 'Added '}"
            f"{result.added} old address(es) to {result.articles} article(s)"
        )
        if result.held:
            line += f"; {result.held} already lead to another article, which keeps them"
        if result.unmatched:
            line += f"; {result.unmatched} record(s) name no article here (import the file first)"
        self.stdout.write(self.style.SUCCESS(line + "."))
        if result.rejected:
            raise CommandError(f"{result.rejected} record(s) could not be read.")
