"""resanitize_bodies: bodies stored under a looser allow-list are cleaned by today's."""

from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import Article
from editorial import resanitize

pytestmark = pytest.mark.django_db

STALE = '<p onclick="steal()">Harbour news.</p><script>alert(1)</script><p>More.</p>'


def stored_under_an_older_allow_list(article, body=STALE):
    """What an older sanitizer let through: written past save(), as it was then."""
    Article.objects.filter(pk=article.pk).update(body=body, body_text="stale text")


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("resanitize_bodies", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_stale_bodies_are_cleaned_and_counted(make_article):
    clean = make_article()
    stale = make_article(summary="")
    stored_under_an_older_allow_list(stale)
    untouched = Article.objects.get(pk=clean.pk).updated_at
    out, _ = run()
    assert "Bodies: 2 examined, 1 changed." in out
    stale.refresh_from_db()
    assert stale.body == "<p>Harbour news.</p><p>More.</p>"
    assert stale.body_text == "Harbour news.\nMore."
    assert stale.summary_generated and "steal" not in stale.summary
    assert Article.objects.get(pk=clean.pk).updated_at == untouched
    assert "1 changed" not in run()[0]  # a second run finds nothing left to do


def test_dry_run_counts_and_writes_nothing(make_article):
    stale = make_article()
    stored_under_an_older_allow_list(stale)
    out, _ = run("--dry-run")
    assert "Bodies: 1 examined, 1 would change." in out
    assert Article.objects.get(pk=stale.pk).body == STALE


def test_batches_report_where_they_reached_and_a_run_resumes_there(make_article):
    first, second, third = make_article(), make_article(), make_article()
    for article in (first, second, third):
        stored_under_an_older_allow_list(article)
    out, err = run("--batch-size", 1, "--start-after", first.pk)
    assert f"up to id {second.pk}" in err and f"up to id {third.pk}" in err
    assert "Bodies: 2 examined, 2 changed." in out
    assert Article.objects.get(pk=first.pk).body == STALE  # before the resume point


def test_an_article_edited_meanwhile_keeps_its_editors_body(make_article, monkeypatch):
    article = make_article()
    stored_under_an_older_allow_list(article)
    clean = resanitize.clean_body

    def editor_saves_meanwhile(body):
        Article.objects.filter(pk=article.pk).update(body="<p>The editor's rewrite.</p>")
        return clean(body)

    monkeypatch.setattr(resanitize, "clean_body", editor_saves_meanwhile)
    out, _ = run()
    assert "0 changed, 1 edited meanwhile (left as saved)" in out
    assert Article.objects.get(pk=article.pk).body == "<p>The editor's rewrite.</p>"
