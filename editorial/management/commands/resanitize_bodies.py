"""resanitize_bodies: clean every stored body again (see editorial/resanitize.py)."""

from django.core.management.base import BaseCommand, CommandError

from editorial.resanitize import BATCH_SIZE, Resanitized, resanitize_bodies


class Command(BaseCommand):
    help = (
        "Run every stored article body through the current HTML sanitizer again, in "
        "batches. Run it after the sanitizer's allow-list tightens (see SECURITY.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count the bodies that would change; write nothing.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Rows per batch (default {BATCH_SIZE}).",
        )
        parser.add_argument(
            "--start-after",
            type=int,
            default=0,
            metavar="ID",
            help="Resume after this article id (an interrupted run prints the last it reached).",
        )

    def handle(self, *args, dry_run, batch_size, start_after, **options):
        if batch_size < 1 or start_after < 0:
            raise CommandError("--batch-size must be at least 1 and --start-after at least 0.")

        def progress(counts: Resanitized) -> None:
            self.stderr.write(
                f"  {counts.examined} examined, {counts.changed} changed, up to id {counts.last_id}"
            )

        counts = resanitize_bodies(
            start_after=start_after, batch_size=batch_size, dry_run=dry_run, on_batch=progress
        )
        verb = "would change" if dry_run else "changed"
        line = f"Bodies: {counts.examined} examined, {counts.changed} {verb}"
        if counts.edited_meanwhile:
            line += f", {counts.edited_meanwhile} edited meanwhile (left as saved)"
        self.stdout.write(self.style.SUCCESS(line + "."))
