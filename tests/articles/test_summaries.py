"""The summarizer itself: sentence splitting, skipped furniture, the guarantees."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.sanitize import clean_html, html_to_text
from articles.summarizer import (
    SUMMARY_MAX_LENGTH,
    body_lines,
    generate_summary,
    split_sentences,
    summary_sentences,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Smith met Dr. Jones at No. 10 Downing Street. They talked.",
            ["Mr. Smith met Dr. Jones at No. 10 Downing Street.", "They talked."],
        ),
        (
            "The U.S. economy grew 3.5% this year. Growth was strong in the U.S. The dollar rose.",
            [
                "The U.S. economy grew 3.5% this year.",
                "Growth was strong in the U.S.",
                "The dollar rose.",
            ],
        ),
        (
            "George W. Bush and J. K. Rowling met. It went well.",
            ["George W. Bush and J. K. Rowling met.", "It went well."],
        ),
        ('He said "we won." Then he left.', ['He said "we won."', "Then he left."]),
        (
            "“It is over,” she said. “We lost.” Nobody replied.",
            ["“It is over,” she said.", "“We lost.”", "Nobody replied."],
        ),
        ("'Why?' he asked. Nobody knew.", ["'Why?' he asked.", "Nobody knew."]),
        ("The match ended.The crowd went home.", ["The match ended.", "The crowd went home."]),
        ("Profits rose in 2004.Sales fell.", ["Profits rose in 2004.", "Sales fell."]),
        ("Wait... Then it came. It was... odd.", ["Wait...", "Then it came.", "It was... odd."]),
        (
            "Shares rose 2.5p. See bbc.co.uk for more.",
            ["Shares rose 2.5p.", "See bbc.co.uk for more."],
        ),
        ("Talks end at 5 p.m. The shop shut.", ["Talks end at 5 p.m.", "The shop shut."]),
        (
            "Acme Inc. said profits rose. Ltd. firms too.",
            ["Acme Inc. said profits rose.", "Ltd. firms too."],
        ),
        (
            "It cost approx. five pounds, e.g. Jan. 5 prices.",
            ["It cost approx. five pounds, e.g. Jan. 5 prices."],
        ),
        ("1. The first point is here.", ["1. The first point is here."]),
        (
            "Line one has no stop\nLine two. Ends here.",
            ["Line one has no stop", "Line two.", "Ends here."],
        ),
    ],
)
def test_split_sentences_on_tricky_text(text, expected):
    assert split_sentences(text) == expected


def test_split_sentences_returns_verbatim_slices():
    text = "Mr. Brown said: “Rates rise.” Markets fell 2.3%.Then they recovered... Or not?"
    for sentence in split_sentences(text):
        assert sentence in text


def test_block_quotes_captions_and_headings_are_skipped():
    html = clean_html(
        "<p>The council approved the new harbour wall on Monday evening.</p>"
        "<blockquote><p>We have waited ten years for this decision.</p></blockquote>"
        "<figure><img src='https://example.org/a.jpg' alt=''>"
        "<figcaption>The harbour wall at dawn, seen from the pier.</figcaption></figure>"
        "<h2>What happens next is anyone's guess.</h2>"
        "<p>Work starts in spring and should take two years to finish.</p>"
    )
    assert body_lines(html) == [
        "The council approved the new harbour wall on Monday evening.",
        "Work starts in spring and should take two years to finish.",
    ]


def test_nested_block_quotes_are_skipped_whole():
    html = clean_html(
        "<p>Before the quote comes a plain sentence.</p><blockquote><p>Outer words.</p>"
        "<blockquote><p>Inner words.</p></blockquote><p>More outer words.</p></blockquote>"
        "<p>After the quote comes another sentence.</p>"
    )
    assert body_lines(html) == [
        "Before the quote comes a plain sentence.",
        "After the quote comes another sentence.",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "By Jane Doe",
        "By Jane Doe and Tom Smith, BBC News",
        "Reporting by Amira Hassan; editing by Tom Whitlock",
        "Photo: Getty Images",
        "Image: Reuters/Jane Doe",
        "Photograph by Clara Mendes",
        "Read more: How the vote works",
    ],
)
def test_bylines_and_credits_are_skipped(line):
    html = f"<p>{line}</p><p>The ferry returned to service after a week of repairs.</p>"
    assert body_lines(html) == ["The ferry returned to service after a week of repairs."]


def test_a_sentence_starting_with_by_is_kept():
    html = "<p>By Friday, the ferry had returned to service after repairs.</p>"
    assert body_lines(html) == ["By Friday, the ferry had returned to service after repairs."]


@pytest.mark.parametrize(
    "dateline",
    ["LONDON (Reuters) - ", "WASHINGTON — ", "NEW YORK, Jan 5 (Reuters) - ", "(CNN) — "],
)
def test_datelines_are_cut_from_the_summary(dateline):
    body = f"<p>{dateline}The central bank kept interest rates on hold on Thursday.</p>"
    assert generate_summary("Rates on hold", body) == (
        "The central bank kept interest rates on hold on Thursday."
    )


def test_summary_prefers_central_sentences_within_budget():
    body = "".join(
        f"<p>{s}</p>"
        for s in [
            "The city council voted on Tuesday to rebuild the old harbour wall.",
            "The weather was mild for the time of year.",
            "The harbour wall rebuild will cost the council four million pounds.",
            "Fishing crews said the harbour wall had been crumbling for a decade.",
            "A brass band played outside.",
        ]
    )
    summary = generate_summary("Council votes to rebuild harbour wall", body)
    assert "harbour wall" in summary
    assert "brass band" not in summary
    assert "weather" not in summary


def test_sentences_longer_than_the_budget_are_never_used():
    long_sentence = "The report " + "runs on and on " * 40 + "until it ends."
    body = f"<p>{long_sentence}</p><p>A short closing sentence sits here.</p>"
    assert generate_summary("Report", body) == "A short closing sentence sits here."
    assert generate_summary("Report", f"<p>{long_sentence}</p>") == ""


def test_empty_body_gives_empty_summary():
    assert generate_summary("Headline", "") == ""
    assert generate_summary("Headline", "<blockquote><p>Only a quote.</p></blockquote>") == ""


def test_fragments_are_used_when_there_is_nothing_else():
    assert generate_summary("Headline", "<p>Storm warning for the coast tonight</p>") == (
        "Storm warning for the coast tonight"
    )


WORDS = st.sampled_from(
    "the council harbour wall Mr. Dr. U.S. No. 10 3.5 per cent said “quoted” "
    "Jane W. Bush e.g. approx. rebuild cost pounds storm ferry ended.The ... !".split()
)
SENTENCES = st.builds(
    lambda words, end: " ".join(words).capitalize() + end,
    st.lists(WORDS, min_size=1, max_size=40),
    st.sampled_from([".", "!", "?", '."', ".”", "", "..."]),
)
PARAGRAPHS = st.lists(st.lists(SENTENCES, min_size=1, max_size=6), min_size=0, max_size=12)
WRAPPERS = st.sampled_from(["<p>{}</p>", "<blockquote>{}</blockquote>", "<li>{}</li>", "{}<br>"])


@settings(max_examples=150, deadline=None)
@given(paragraphs=PARAGRAPHS, wrappers=st.lists(WRAPPERS, min_size=12, max_size=12))
def test_summary_is_one_to_three_verbatim_sentences_in_body_order(paragraphs, wrappers):
    body = clean_html(
        "".join(wrap.format(" ".join(p)) for p, wrap in zip(paragraphs, wrappers, strict=False))
    )
    body_text = html_to_text(body)
    sentences = summary_sentences("Council harbour wall", body, body_text)
    summary = generate_summary("Council harbour wall", body, body_text)
    assert summary == " ".join(sentences)
    assert len(summary) <= SUMMARY_MAX_LENGTH
    assert len(sentences) <= 3
    position = 0
    for sentence in sentences:
        assert sentence and sentence == sentence.strip()
        found = body_text.find(sentence, position)
        assert found >= 0, sentence
        position = found + len(sentence)
    if any(line.strip() for line in body_lines(body)):
        # Anything usable within the budget means a summary, never silence.
        usable = [s for s in split_sentences("\n".join(body_lines(body))) if len(s) <= 400]
        assert bool(sentences) == bool(usable)


def test_summary_is_deterministic():
    body = "<p>One sentence here. Another one there.</p><p>A third sentence closes it.</p>"
    assert len({generate_summary("Sentence", body) for _ in range(5)}) == 1


def test_the_summarizer_imports_without_django_settings():
    """A pure NumPy module: scripts, notebooks and worker processes load it without
    settings, and it loads no part of Django (no import cycle through the models)."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    check = (
        "import sys, articles.summarizer; "
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", check],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
