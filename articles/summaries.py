"""Summaries generated from an article's body.

`generate_summary()` returns 1–3 whole sentences taken verbatim from the body,
at most SUMMARY_MAX_LENGTH characters, in body order.
"""

import re

from articles.models import SUMMARY_MAX_LENGTH

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘'])")


def split_sentences(text: str) -> list[str]:
    sentences = []
    for paragraph in text.split("\n"):
        sentences.extend(s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip())
    return sentences


def generate_summary(headline: str, body_text: str) -> str:
    """Lead sentences of the body that fit in the budget."""
    chosen: list[str] = []
    length = 0
    for sentence in split_sentences(body_text):
        extra = len(sentence) + (1 if chosen else 0)
        if length + extra > SUMMARY_MAX_LENGTH:
            break
        chosen.append(sentence)
        length += extra
        if len(chosen) == 3:
            break
    return " ".join(chosen)
