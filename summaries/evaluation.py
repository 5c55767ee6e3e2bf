"""Measuring generated summaries against reference summaries (ROUGE), beside Lead-3.

Input is JSON Lines, one `{"article": ..., "summary": ...}` object a line (the
BBC News Summary set's shape; "headline" or "title" is used when present,
otherwise a first line without a full stop is taken as the headline, as in the
BBC files). Both systems get the same 400-character budget: ours picks whole
sentences; Lead-3 is the first three sentences cut at the last word that fits.
"""

import html
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from articles.summarizer import SUMMARY_MAX_LENGTH, generate_summary, split_sentences

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")


class EvaluationError(ValueError):
    """A record the evaluation cannot read."""


@dataclass
class Pair:
    headline: str
    lines: list[str]  # the body, one paragraph a line
    reference: str

    @property
    def body_html(self) -> str:
        return "".join(f"<p>{html.escape(line)}</p>" for line in self.lines)


@dataclass
class Scores:
    """Mean F1 per ROUGE type over all pairs."""

    totals: dict[str, float] = field(default_factory=lambda: dict.fromkeys(ROUGE_TYPES, 0.0))
    count: int = 0

    def add(self, score) -> None:
        for name in ROUGE_TYPES:
            self.totals[name] += score[name].fmeasure
        self.count += 1

    def mean(self, name: str) -> float:
        return self.totals[name] / self.count if self.count else 0.0


def read_pairs(lines: Iterable[str], limit: int | None = None) -> list[Pair]:
    pairs = []
    for number, line in enumerate(lines, start=1):
        if limit is not None and len(pairs) >= limit:
            break
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            article, reference = record["article"], record["summary"]
        except (json.JSONDecodeError, TypeError, KeyError) as error:
            raise EvaluationError(
                f"line {number}: expected {{article, summary}}: {error}"
            ) from None
        paragraphs = [p.strip() for p in str(article).split("\n") if p.strip()]
        headline = record.get("headline") or record.get("title") or ""
        if not headline and len(paragraphs) > 1 and paragraphs[0][-1] not in '.!?"”':
            headline = paragraphs.pop(0)
        pairs.append(Pair(headline, paragraphs, str(reference)))
    return pairs


def lead3(pair: Pair, budget: int = SUMMARY_MAX_LENGTH) -> str:
    """The first three sentences, cut at the last whole word inside the budget."""
    text = " ".join(split_sentences("\n".join(pair.lines))[:3])
    if len(text) <= budget:
        return text
    cut = text[: budget + 1].rsplit(" ", 1)[0]
    return cut if len(cut) <= budget else text[:budget]


def ours(pair: Pair) -> str:
    return generate_summary(pair.headline, pair.body_html)


def throughput(pairs: list[Pair], summarize: Callable[[Pair], str] = ours) -> float:
    """Articles summarized per second of this process's CPU time (one core).

    CPU time, not wall time, so other work on a busy machine does not count.
    """
    started = time.process_time()
    for pair in pairs:
        summarize(pair)
    elapsed = time.process_time() - started
    return len(pairs) / elapsed if elapsed else float("inf")


def score(pairs: list[Pair], systems: dict[str, Callable[[Pair], str]]) -> dict[str, Scores]:
    """ROUGE-1/2/L F1 (Porter-stemmed, as is customary) for each system."""
    from rouge_score import rouge_scorer  # a development dependency: imported on use

    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    results = {name: Scores() for name in systems}
    for pair in pairs:
        for name, summarize in systems.items():
            results[name].add(scorer.score(pair.reference, summarize(pair)))
    return results
