import time

from django.core.management.base import BaseCommand, CommandError

from pagecache import outbox


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
            sent = outbox.send(outbox.Purge.objects.all())
            waiting = outbox.Purge.objects.count()
            if not loop:
                break
            time.sleep(interval)
        if waiting:
            raise CommandError(f"{sent} purges confirmed; {waiting} still waiting for the cache.")
        self.stdout.write(self.style.SUCCESS(f"{sent} purges confirmed; none waiting."))
