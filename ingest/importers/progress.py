"""Progress for long imports: a bar on a terminal (tqdm), nothing otherwise.

On a terminal the bar shows how far through the whole the run is (bytes of a file
of known size, or a known number of records), its rate, the time left and the
records done. When standard error is not a terminal (cron mail, CI logs, a pipe)
nothing is written: the command's one summary line says what happened.
"""

from tqdm import tqdm

REFRESH_SECONDS = 0.2


class Progress:
    """`stream` is a management command's OutputWrapper (self.stderr); `unit` names
    what `total` counts ("B" for a file's bytes, shown as kB, MB…)."""

    def __init__(self, stream, label: str, total: int, unit: str = "B"):
        self.counts_records = unit == "B"  # through a file: say how many records it made
        self.bar = tqdm(
            total=max(total, 1),
            desc=label,
            unit=unit,
            unit_scale=unit == "B",
            file=_Unended(stream),
            disable=not stream.isatty(),
            mininterval=REFRESH_SECONDS,
            dynamic_ncols=True,
        )

    def update(self, records: int, position: int, *, final: bool = False) -> None:
        """`records` done so far, `position` of the total reached (bytes or records)."""
        if self.counts_records:
            self.bar.set_postfix_str(f"{records:,} records", refresh=False)
        self.bar.update(max(position - self.bar.n, 0))
        if final:
            self.bar.close()


class _Unended:
    """The stream without the line ending OutputWrapper adds: the bar redraws its line."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> None:
        self.stream.write(text, ending="")

    def flush(self) -> None:
        self.stream.flush()
