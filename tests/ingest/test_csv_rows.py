from datetime import UTC, datetime

import pytest

from ingest.importers import FormatError, csv_rows

from .helpers import DATA, parse_file


def test_rows_become_articles_with_tags_split_and_lines_counted():
    articles, rejections, _ = parse_file(csv_rows, "articles.csv")
    assert [a.import_ref for a in articles] == ["csv:1", "csv:2", "csv:4"]
    festival, buses, market = articles
    assert festival.headline == "Harbour festival returns, bigger"
    assert (
        festival.body == '<p>Stalls line the quay.</p><p>Music until ten, "weather permitting".</p>'
    )
    assert festival.tags == ["Culture", "Local"]
    assert festival.published_at == datetime(2025, 6, 1, 12, tzinfo=UTC)
    assert buses.body == "<p>Two routes\nare affected.</p>"  # a quoted newline
    assert buses.status is None and buses.published_at == datetime(2025, 6, 2)
    assert (market.record, market.line) == (4, 6)  # the row after a two-line one
    assert [(r.record, r.line, r.field, r.reason) for r in rejections] == [
        (3, 5, "headline", "missing headline")
    ]


def test_unknown_column_is_an_error_for_the_file():
    with (DATA / "unknown_column.csv").open("rb") as fp, pytest.raises(FormatError, match="mood"):
        csv_rows.check(fp)


def test_byte_order_mark_and_extra_cells(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffheadline,body\nA,<p>b</p>\nB,<p>c</p>,surplus\n".encode())
    with path.open("rb") as fp:
        csv_rows.check(fp)
        fp.seek(0)
        items = list(csv_rows.parse(fp))
    assert items[0].headline == "A"
    assert items[1].reason == "more cells than header columns"


def test_undecodable_bytes_mid_file_are_a_format_error(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"headline,body\nA,b\n" + "Caf\u00e9,x\n".encode("latin-1"))
    with path.open("rb") as fp, pytest.raises(FormatError, match="not UTF-8 at line 3"):
        list(csv_rows.parse(fp))
