"""fetch_lead_images: download imported lead images that are only recorded by URL.

Imports never download; an operator runs this (or `import_articles
--fetch-images`) where the network allows. See ingest/fetch.py:fetch_missing.
"""

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from ingest.fetch import FETCH_TIMEOUT, fetch_missing


class Command(BaseCommand):
    help = (
        "Download lead images recorded by URL (lead_image_url) for articles without a "
        "stored image, with the upload checks; exits 1 when any download failed."
    )

    def add_arguments(self, parser):
        add_fetch_arguments(parser)

    def handle(self, *args, **options):
        result = fetch_missing(Article.objects.all(), **fetch_options(options))
        if report(self, result):
            raise CommandError(f"{len(result.failed)} lead image(s) could not be fetched.")


def add_fetch_arguments(parser):
    parser.add_argument(
        "--timeout",
        type=float,
        default=FETCH_TIMEOUT,
        help=f"Seconds to wait for each image server (default {FETCH_TIMEOUT}).",
    )
    parser.add_argument(
        "--allow-private-addresses",
        action="store_true",
        help=(
            "Also fetch from private networks (refused by default); this machine, "
            "link-local, multicast and reserved addresses are always refused."
        ),
    )


def fetch_options(options) -> dict:
    if options["timeout"] <= 0:
        raise CommandError("--timeout must be positive.")
    return {"timeout": options["timeout"], "allow_private": options["allow_private_addresses"]}


def report(command, result) -> bool:
    """Print what was fetched and what failed; True when something failed."""
    for line in result.failed:
        command.stderr.write(f"not fetched: {line}")
    command.stdout.write(
        command.style.SUCCESS(
            f"Lead images: {result.fetched} fetched, {len(result.failed)} failed."
        )
    )
    return bool(result.failed)
