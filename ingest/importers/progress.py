"""Progress for long imports: a bar with rate and ETA on a terminal, plain lines otherwise."""

import time

PLAIN_INTERVAL = 10.0  # seconds between plain progress lines (logs, CI)
BAR_INTERVAL = 0.2
BAR_WIDTH = 30


class Progress:
    """Reports records done and how far through the whole they are: bytes read from a
    file of known size, or records of a known number (`of` names the whole).

    `stream` is a management command's OutputWrapper (self.stderr).
    """

    def __init__(self, stream, label: str, total: int, of: str = "the file"):
        self.stream = stream
        self.label = label
        self.total = max(total, 1)
        self.of = of
        self.tty = stream.isatty()
        self.started = self.last = time.monotonic()

    def update(self, records: int, position: int, *, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self.last < (BAR_INTERVAL if self.tty else PLAIN_INTERVAL):
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        rate = records / elapsed
        fraction = min(position / self.total, 1.0)
        eta = elapsed * (1 - fraction) / fraction if fraction > 0 else 0.0
        if self.tty:
            filled = int(BAR_WIDTH * fraction)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            line = (
                f"\r{self.label} [{bar}] {fraction:4.0%} {records:,} records "
                f"{rate:,.0f}/s ETA {format_seconds(eta)} "
            )
            self.stream.write(line, ending="\n" if final else "")
        elif not final:
            self.stream.write(
                f"{self.label}: {records:,} records, {fraction:.0%} of {self.of}, "
                f"{rate:,.0f}/s, about {format_seconds(eta)} left"
            )
        self.stream.flush()


def format_seconds(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"
