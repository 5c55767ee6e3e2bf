from pathlib import Path

from ingest.importers.records import ImportedArticle, Rejection, Skipped

DATA = Path(__file__).parent / "data"


def parse_file(module, name):
    """All items a parser yields for a sample file, split by kind."""
    with (DATA / name).open("rb") as fp:
        items = list(module.parse(fp))
    articles = [i for i in items if isinstance(i, ImportedArticle)]
    rejections = [i for i in items if isinstance(i, Rejection)]
    skipped = [i for i in items if isinstance(i, Skipped)]
    return articles, rejections, skipped
