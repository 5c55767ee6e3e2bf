import logging
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections, connection

from pagecache import outbox

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Send the purges still waiting in the outbox (their own transaction's sender "
        "died or the cache was unreachable); with --loop, keep doing so as a worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep sending until stopped.")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between rounds with --loop."
        )

    def handle(self, *args, loop, interval, **options):
        if interval <= 0:
            raise CommandError("--interval must be a positive number of seconds.")
        while True:
            try:
                sent = outbox.send(outbox.Purge.objects.all())
                waiting = outbox.Purge.objects.count()
            except DatabaseError as error:
                if not loop:
                    raise CommandError(f"The outbox is unreadable: {error}") from error
                # The database is away (a restart): the worker waits for it, as the
                # app servers do, and drops the broken connection.
                logger.warning("Purge outbox unreadable; retrying", exc_info=True)
                close_old_connections()
                connection.close()
            if not loop:
                break
            time.sleep(interval)
        if waiting:
            raise CommandError(f"{sent} purges confirmed; {waiting} still waiting for the cache.")
        self.stdout.write(self.style.SUCCESS(f"{sent} purges confirmed; none waiting."))
