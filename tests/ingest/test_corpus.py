"""Every real-world feed and WXR export in the shared corpus imports without a traceback.

The corpus lives beside the checkout (`../shared/corpus/`, as in CI). Each file
either imports records (and a second run changes nothing) or ends with a clear
CommandError: a document-level error, or rejected records with reasons.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from articles.models import Article

pytestmark = pytest.mark.django_db


def corpus_dir() -> Path | None:
    for parent in Path(settings.BASE_DIR).resolve().parents:
        if (parent / "shared" / "corpus").is_dir():
            return parent / "shared" / "corpus"
    return None


CORPUS = corpus_dir()
FILES = (
    sorted(p for folder in ("feeds", "wxr") for p in (CORPUS / folder).iterdir()) if CORPUS else []
)


def import_file(path: Path, rejects: Path) -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command(
            "import_articles", str(path), "--rejects", str(rejects), stdout=out, stderr=StringIO()
        )
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


@pytest.mark.skipif(CORPUS is None, reason="no shared/corpus/ beside the checkout")
@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_file_imports_or_fails_clearly(path, tmp_path):
    rejects = tmp_path / "rejects.jsonl"
    summary, error = import_file(path, rejects)
    if error and "rejected" not in str(error):
        assert str(path) in str(error)  # a document-level error names the file
        assert not Article.objects.exists()
        return
    created = Article.objects.count()
    assert f"{created} created, 0 updated, 0 unchanged" in summary
    if error:
        lines = rejects.read_text().splitlines()
        assert lines and all('"reason": "' in line for line in lines)
    if created:
        again, _ = import_file(path, tmp_path / "again.jsonl")
        assert f"0 created, 0 updated, {created} unchanged" in again
