"""Summaries generated from an article's body: our own extractive ranker.

`generate_summary(headline, body_html)` returns 1–3 whole sentences taken verbatim
from the body's plain text (`body_text`), at most SUMMARY_MAX_LENGTH characters,
in body order, or "" when the body has no usable sentence. It is unsupervised,
deterministic and needs nothing but NumPy: no model or data is loaded.

1. Blocks. Block quotes, figures and captions, headings, tables and preformatted
   blocks are cut out of the sanitized HTML; what is left becomes one line per
   block exactly as `html_to_text()` makes `body_text`, so every sentence found
   is a substring of it. Lines that are bylines, picture credits or "Read more"
   links are dropped, and a dateline ("LONDON (Reuters) -") is cut from the
   front of a block's first sentence.
2. Sentences. `split_sentences()` knows abbreviations ("Mr.", "U.S.", "No. 10"),
   initials, decimals, quotations and a missing space after a full stop.
3. Ranking. Each sentence scores on centrality (LexRank: PageRank over the TF-IDF
   cosine-similarity graph of the article's sentences), a position prior (news
   puts the point first), and its overlap with the headline.
4. Selection. Under the character budget, the best set of at most three
   sentences is chosen by score, penalised for redundancy between the chosen
   sentences (maximal marginal relevance, solved exactly over the top
   candidates) and rewarded for using the budget; it is printed in body order.
"""

import math
import re
from dataclasses import dataclass

import numpy as np

from articles.sanitize import html_to_text

# The product's limit on any summary, written or generated (PRODUCT.md, "Words").
# It lives here, with the summarizer that must respect it, so this module needs no
# Django: the model, the admin and the importers read it from here.
SUMMARY_MAX_LENGTH = 400
MAX_SENTENCES = 3

# --- Blocks ---------------------------------------------------------------

# Elements whose text is never summary material: quoted voices, captions,
# headings, tabular and preformatted text. Cut out with everything inside.
_SKIPPED_ELEMENT = re.compile(r"<(/?)(blockquote|figure|figcaption|h[1-6]|table|pre)\b[^>]*>", re.I)

_CREDIT_LINE = re.compile(
    r"^\W*(?:photo(?:graph)?s?|images?|pictures?|pictured|caption|credits?|illustration|graphic"
    r"|video|watch|listen|read more|related|see also|more on this story|advertisement"
    r"|follow us|sign up|click here|copyright)\b\s*(?:[:|–—-]|by\b|courtesy\b|$)",
    re.I,
)
# "Photo: Getty Images" inside a sentence marks a caption that lost its tag.
_CREDIT_INSIDE = re.compile(r"\b(?:photo(?:graph)?|image|picture)(?: credit)?\s*:", re.I)
_NAME = r"[A-Z][\w.'’-]*"
_BYLINE = re.compile(
    rf"^(?:(?:additional |written |words |reporting |editing |edited )?by)\s+{_NAME}"
    rf"(?:\s+{_NAME}){{0,3}}(?:\s+(?:and|&)\s+{_NAME}(?:\s+{_NAME}){{0,3}})?(?:\s*[,;|/–—-]\s*.*)?$",
    re.I,
)
# "LONDON (Reuters) - ", "NEW YORK, Jan 5 (Reuters) — ", "WASHINGTON — ", "(CNN) -"
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'’-]+(?:[ /][A-Z][A-Za-z.'’-]*){0,3}"
    r"(?:,\s*[A-Z][A-Za-z.]*(?:\s+\d{1,2})?)?\s*(?:\([A-Za-z .&/]+\))?"
    r"|\([A-Za-z .&/]+\))\s*[-–—]+\s+"
)


def body_lines(body_html: str) -> list[str]:
    """The body's text blocks that may hold summary sentences, one per line."""
    kept, depth, start = [], 0, 0
    for tag in _SKIPPED_ELEMENT.finditer(body_html or ""):
        if tag.group(1):  # closing tag
            if depth:
                depth -= 1
                if not depth:
                    start = tag.end()
        else:
            if not depth:
                kept.append(body_html[start : tag.start()])
            depth += 1
    if not depth:
        kept.append((body_html or "")[start:])
    # A raw newline ends a line in html_to_text() too, so the pieces stay apart.
    text = html_to_text("\n".join(kept))
    return [line for line in text.split("\n") if line and not _is_furniture(line)]


def _is_furniture(line: str) -> bool:
    """Bylines, picture credits and links: page furniture, not story."""
    if _CREDIT_LINE.match(line):
        return True
    return len(line) < 100 and line[-1] not in ".!?\"”'’" and bool(_BYLINE.match(line))


# --- Sentences ------------------------------------------------------------

_END = re.compile(r"(?:\.{3}|…|[.!?])+[\"'”’)\]]*")
_NEXT_WORD = re.compile(r"[\"'“‘(\[]*([A-Za-z]+)")
_OPENERS = "\"'“‘(["

# Abbreviations after which a capital letter does not start a new sentence.
_NEVER_END = {
    "mr", "mrs", "ms", "messrs", "dr", "prof", "st", "mt", "ft", "sen", "rep", "gov", "gen",
    "lt", "col", "maj", "capt", "cpt", "sgt", "cpl", "adm", "cmdr", "rev", "fr", "hon",
    "pres", "supt", "det", "insp", "cllr", "e.g", "i.e", "cf", "vs", "v", "viz", "approx",
    "est", "dept", "univ", "assn", "ave", "blvd", "rd",
}  # fmt: skip
# Abbreviations that take a number: "No. 10", "Vol. 3", "Jan. 5".
_BEFORE_NUMBER = {
    "no", "nos", "vol", "p", "pp", "art", "fig", "ch", "sec", "para", "op", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}  # fmt: skip
# Abbreviations that may also end a sentence ("… in the U.S. The president …").
_MAY_END = {"inc", "ltd", "co", "corp", "plc", "llc", "bros", "jr", "sr", "etc", "a.m", "p.m"}
_SENTENCE_STARTERS = {
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "his", "her", "its",
    "their", "our", "this", "that", "these", "those", "there", "but", "and", "or", "so",
    "yet", "in", "on", "at", "for", "as", "if", "when", "while", "after", "before", "since",
    "however", "meanwhile", "also", "some", "many", "most", "both", "all", "no", "not",
    "what", "why", "how", "who", "where", "last", "earlier", "later", "now", "then", "still",
    "officials", "analysts", "mr", "mrs", "ms", "dr",
}  # fmt: skip
_ACRONYM = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")


def split_sentences(text: str) -> list[str]:
    """Sentences of `text`, each a verbatim slice of it; a line break always ends one."""
    sentences = []
    for line in text.split("\n"):
        start = 0
        for end in _sentence_ends(line):
            piece = line[start:end].strip()
            if piece:
                sentences.append(piece)
            start = end
        rest = line[start:].strip()
        if rest:
            sentences.append(rest)
    return sentences


def _sentence_ends(line: str):
    """Offsets in `line` just after each sentence-ending mark, quotes included."""
    start = 0
    for mark in _END.finditer(line):
        end = mark.end()
        rest = line[end:]
        following = rest.lstrip()
        if not following:
            return
        if _ends_sentence(line, start, mark, rest, following):
            yield end
            start = end


def _ends_sentence(line, start, mark, rest, following) -> bool:
    first = following[0]
    if first in _OPENERS and len(following) > 1:
        first = following[1]
    if not (first.isupper() or first.isdigit()):
        return False  # "approx. five", "'Why?' he asked", "3.5", "bbc.co.uk"
    punctuation = mark.group()
    spaced = len(rest) != len(following)
    before = line[mark.start() - 1] if mark.start() else ""
    if not spaced:
        # "ended.The": a lower-case word, then a capital with no space between.
        return first.isupper() and (before.islower() or before.isdigit() or before in "%)")
    if not punctuation.startswith(".") or punctuation.startswith("..."):
        return True  # "?", "!", an ellipsis before a capital
    word = line[line.rfind(" ", start, mark.start()) + 1 : mark.start()].lstrip(_OPENERS)
    if not word:
        return True
    lowered = word.lower()
    if line[start : mark.start()].strip() == word and len(word) <= 3:
        return False  # a list number or letter: "1. The first …"
    if lowered in _NEVER_END:
        return False
    if lowered in _BEFORE_NUMBER and first.isdigit():
        return False
    if len(word) == 1 and word.isupper():
        return False  # an initial: "George W. Bush"
    if lowered in _MAY_END or _ACRONYM.match(word):
        starter = _NEXT_WORD.match(following)
        return bool(starter) and starter.group(1).lower() in _SENTENCE_STARTERS
    return True


# --- Ranking --------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves said says say told according one two new last year years mr mrs ms
    s t""".split()
)


_TERM_CACHE: dict[str, str] = {}


def _terms(sentence: str) -> list[str]:
    """Content words, lower-cased, with a light plural stem so "tax" meets "taxes"."""
    terms = []
    for word in _WORD.findall(sentence.lower()):
        term = _TERM_CACHE.get(word)
        if term is None:
            if len(_TERM_CACHE) > 100_000:  # bounded in a long-running process
                _TERM_CACHE.clear()
            term = _TERM_CACHE[word] = _term(word)
        if term:
            terms.append(term)
    return terms


def _term(word: str) -> str:
    """The word's stem, or "" for a stopword."""
    if word in _STOPWORDS or len(word) < 2:
        return ""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("es") and word[-3] in "sxz":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Weights:
    """How much each signal counts; tuned on half of the BBC set (see docs/summaries.md)."""

    centrality: float = 1.0
    position: float = 0.25
    headline: float = 0.25
    redundancy: float = 0.2
    length: float = 1.0
    candidates: int = 12


WEIGHTS = Weights()


@dataclass
class Candidate:
    text: str
    order: int  # position among the body's sentences
    first_in_block: bool


def candidate_sentences(lines: list[str]) -> list[Candidate]:
    """Sentences that could stand alone in a summary, in body order."""
    found, loose, order = [], [], 0
    for line in lines:
        for index, sentence in enumerate(split_sentences(line)):
            if index == 0:
                sentence = _strip_dateline(sentence)
            if (
                not sentence
                or len(sentence) > SUMMARY_MAX_LENGTH
                or _CREDIT_INSIDE.search(sentence)
            ):
                continue
            candidate = Candidate(sentence, order, index == 0)
            order += 1
            (found if _is_proper_sentence(sentence) else loose).append(candidate)
    # A body of fragments only (no full stops) still gets a summary from them.
    return found or loose


def _strip_dateline(sentence: str) -> str:
    dateline = _DATELINE.match(sentence)
    return sentence[dateline.end() :] if dateline else sentence


def _is_proper_sentence(sentence: str) -> bool:
    """Starts like a sentence, ends with a full stop, and has a few words."""
    return (
        sentence.rstrip("\"'”’)]")[-1:] in ".!?…"
        and (sentence[0].isupper() or sentence[0].isdigit() or sentence[0] in _OPENERS)
        and sentence.count(" ") >= 3
    )


def rank(headline: str, candidates: list[Candidate], weights: Weights = WEIGHTS):
    """Score every candidate; returns (scores, cosine-similarity matrix)."""
    bags = [_terms(c.text) for c in candidates]
    vocabulary: dict[str, int] = {}
    for bag in bags:
        for term in bag:
            vocabulary.setdefault(term, len(vocabulary))
    n = len(candidates)
    width = max(len(vocabulary), 1)
    cells = [row * width + vocabulary[term] for row, bag in enumerate(bags) for term in bag]
    counts = np.bincount(cells, minlength=n * width).reshape(n, width).astype(float)
    # IDF over the article's own sentences: nothing outside the article is needed.
    document_frequency = (counts > 0).sum(axis=0)
    vectors = counts * (np.log((n + 1) / (document_frequency + 1)) + 1)
    norms = np.linalg.norm(vectors, axis=1)
    vectors /= np.where(norms > 0, norms, 1)[:, None]
    similarity = vectors @ vectors.T

    centrality = _lexrank(similarity)
    position = np.array([1 / math.sqrt(1 + c.order) for c in candidates])
    headline_terms = set(_terms(headline))
    overlap = np.array(
        [len(headline_terms.intersection(bag)) / (len(headline_terms) or 1) for bag in bags]
    )
    scores = (
        weights.centrality * centrality / (centrality.max() or 1)
        + weights.position * position
        + weights.headline * overlap
    )
    return scores, similarity


def _lexrank(similarity, damping: float = 0.85, iterations: int = 30):
    """PageRank over the sentence-similarity graph (continuous LexRank)."""
    n = len(similarity)
    graph = similarity.copy()
    np.fill_diagonal(graph, 0)
    totals = graph.sum(axis=1, keepdims=True)
    transition = np.where(totals > 0, graph / np.where(totals > 0, totals, 1), 1 / n)
    rank_vector = np.full(n, 1 / n)
    for _ in range(iterations):
        rank_vector = (1 - damping) / n + damping * (transition.T @ rank_vector)
    return rank_vector


def select(candidates, scores, similarity, weights: Weights = WEIGHTS, budget=SUMMARY_MAX_LENGTH):
    """The best set of at most three candidates that fits the budget, in body order.

    Exhaustive over the top-scoring candidates (a few hundred sets at most), so the
    redundancy penalty and the budget are honoured exactly, not greedily.
    """
    top = sorted(range(len(candidates)), key=lambda i: (-scores[i], i))[: weights.candidates]
    top.sort()
    size = [len(candidates[i].text) + 1 for i in top]  # +1: the joining space
    gain = [float(scores[i]) + weights.length * size[k] / budget for k, i in enumerate(top)]
    overlap = [[weights.redundancy * float(similarity[i, j]) for j in top] for i in top]
    room = budget + 1
    best, best_value = (), -math.inf
    for a in range(len(top)):
        if size[a] > room:
            continue
        value_a = gain[a]
        if value_a > best_value:
            best, best_value = (a,), value_a
        for b in range(a + 1, len(top)):
            if size[a] + size[b] > room:
                continue
            value_ab = value_a + gain[b] - overlap[a][b]
            if value_ab > best_value:
                best, best_value = (a, b), value_ab
            for c in range(b + 1, len(top)):
                if size[a] + size[b] + size[c] > room:
                    continue
                value = value_ab + gain[c] - overlap[a][c] - overlap[b][c]
                if value > best_value:
                    best, best_value = (a, b, c), value
    return [candidates[top[k]].text for k in best]


def summarize_lines(headline: str, lines: list[str], weights: Weights = WEIGHTS) -> list[str]:
    """The chosen sentences from text blocks, in body order."""
    candidates = candidate_sentences(lines)
    if not candidates:
        return []
    scores, similarity = rank(headline, candidates, weights)
    return select(candidates, scores, similarity, weights)


def summary_sentences(headline: str, body_html: str, body_text: str | None = None) -> list[str]:
    """The sentences `generate_summary()` joins, each verbatim from the body text.

    `body_text` is `html_to_text(body_html)`, passed when the caller has it already.
    """
    sentences = summarize_lines(headline, body_lines(body_html))
    if body_text is None:
        body_text = html_to_text(body_html or "")
    # Belt and braces: the verbatim promise holds even if a rule above slips.
    return [sentence for sentence in sentences if sentence in body_text]


def generate_summary(headline: str, body_html: str, body_text: str | None = None) -> str:
    """1–3 verbatim sentences of the body, at most SUMMARY_MAX_LENGTH characters, or ""."""
    return " ".join(summary_sentences(headline, body_html, body_text))
