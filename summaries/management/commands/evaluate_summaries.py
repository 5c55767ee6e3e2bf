"""Score our summaries and Lead-3 against reference summaries: ROUGE F1, side by side."""

from django.core.management.base import BaseCommand, CommandError

from articles.summarizer import SUMMARY_MAX_LENGTH
from summaries.evaluation import ROUGE_TYPES, EvaluationError, lead3, ours, read_pairs, throughput
from summaries.evaluation import score as rouge_scores

LABELS = {"rouge1": "ROUGE-1 F1", "rouge2": "ROUGE-2 F1", "rougeL": "ROUGE-L F1"}


class Command(BaseCommand):
    help = (
        "Read JSON Lines of {article, summary} pairs and print ROUGE-1, ROUGE-2 and "
        f"ROUGE-L F1 for our summarizer and for Lead-3 cut to {SUMMARY_MAX_LENGTH} "
        "characters, plus our throughput in articles per second."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON Lines file of {article, summary} objects.")
        parser.add_argument("--limit", type=int, help="Only the first N pairs.")

    def handle(self, *args, **options):
        try:
            import rouge_score  # noqa: F401  (a development dependency)
        except ImportError:
            raise CommandError(
                "rouge-score is not installed: pip install -r requirements-dev.txt"
            ) from None
        try:
            with open(options["file"], encoding="utf-8") as fp:
                pairs = read_pairs(fp, options["limit"])
        except OSError as error:
            raise CommandError(f"cannot read {options['file']}: {error.strerror}") from None
        except EvaluationError as error:
            raise CommandError(str(error)) from None
        if not pairs:
            raise CommandError("no {article, summary} pairs in the file")

        results = rouge_scores(pairs, {"ours": ours, "lead3": lead3})
        words = sum(len(" ".join(pair.lines).split()) for pair in pairs) / len(pairs)
        rate = throughput(pairs)
        self.stdout.write(f"{len(pairs)} articles, {words:.0f} words on average")
        self.stdout.write(f"{'':<12}{'ours':>8}{'Lead-3':>8}")
        for name in ROUGE_TYPES:
            mine, baseline = results["ours"].mean(name), results["lead3"].mean(name)
            self.stdout.write(f"{LABELS[name]:<12}{mine:>8.4f}{baseline:>8.4f}")
        self.stdout.write(self.style.SUCCESS(f"Throughput: {rate:.0f} articles/s on one core"))
