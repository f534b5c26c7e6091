"""Retrieval over promotion text: BM25 over passages, plus hints for speech recognition.

Passages are the pieces an answer can quote: titles, talk tracks, FAQs, manager notes,
targets and change notes, in English and (where written) Chinese. Exact entity matching
(SKUs, product and category names, promotion titles) lives in
:mod:`knowledge_base.matching`; BM25 covers the free wording of questions such as "can the
customer use a coupon with this?".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from knowledge_base.matching import tokens

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase

PassageKind = Literal["title", "talk_track", "faq", "store_note", "target", "change"]

_STOPWORDS = frozenset(
    """a an the is are was were be been it its this that these those of in on at to for with
    and or do does did can could will would should i you he she we they my your our their me
    what which who whom how when where why there here about any some have has had if then so
    customer customers asks ask say tell them us please just get also from by as not no yes
    的 了 吗 呢 是 在 和 与 吧 啊 我 你 他 她 们 这 那 个 么 什 怎""".split()
)
_SUFFIXES = ("ing", "ed", "es", "s")


_SAME_PHRASES = (
    (re.compile(r"\b(?:someone|somebody|anyone|anybody) else\b"), "another person"),
    (re.compile(r"\b(?:a )?(?:different|other) (person|people)\b"), r"another \1"),
    (re.compile(r"\bsign(?:s|ed|ing)? up\b"), "join"),
    (re.compile(r"\badd(?:s|ed|ing)? up\b"), "count"),
    (re.compile(r"\b(?:several|multiple|separate|more than one)\b"), "two"),
    (re.compile(r"\b(?:across|over|between)\b"), "across"),
    (re.compile(r"\b(?:stop|stops|stopped|stopping|finish|finishes|finished)\b"), "end"),
)
"""Everyday paraphrases said one way in a question and another in an FAQ ("for someone
else" / "for a different person", "sign up" / "join", "add up over two receipts" / "count
across several receipts", "stop" / "end"): read as one wording on both sides."""


def search_terms(text: str) -> list[str]:
    """BM25 terms: tokens without stopwords, lightly stemmed; CJK as characters and pairs."""
    lowered = text.lower()
    for pattern, said in _SAME_PHRASES:
        lowered = pattern.sub(said, lowered)
    words = tokens(lowered)
    terms: list[str] = []
    for i, word in enumerate(words):
        if _is_cjk(word):
            if word not in _STOPWORDS:
                terms.append(word)
            if i + 1 < len(words) and _is_cjk(words[i + 1]):
                terms.append(word + words[i + 1])
            continue
        if word in _STOPWORDS:
            continue
        terms.append(_stem(word))
    return terms


def _is_cjk(word: str) -> bool:
    return len(word) == 1 and "\u3400" <= word <= "\u9fff"


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


@dataclass(frozen=True, slots=True)
class Passage:
    """A piece of promotion text an answer can be composed from."""

    promotion_id: str
    kind: PassageKind
    index: int
    """Position within its kind (the n-th FAQ, note, ...)."""
    text: str
    """What is searched: for FAQs the question (both languages); else the text itself."""


@dataclass(frozen=True, slots=True)
class Hit:
    """A passage and its BM25 score for a query."""

    passage: Passage
    score: float


class Bm25:
    """Okapi BM25 over an inverted index: a query scores only passages sharing a term with it.

    Same formula and parameters as ``rank_bm25.BM25Okapi`` (k1 1.5, b 0.75; a negative IDF,
    for terms in most passages, is floored at a quarter of the mean IDF), but a query costs
    time in proportion to the postings of its terms, not to the size of the corpus: with
    10 000 promotions (50 000 passages) a search stays well under a millisecond.
    """

    def __init__(self, corpus: list[list[str]], *, k1: float = 1.5, b: float = 0.75) -> None:
        """Index ``corpus`` (one list of terms per passage)."""
        self._k1, self._b = k1, b
        self._lengths = [len(terms) for terms in corpus]
        self._average = (sum(self._lengths) / len(corpus)) if corpus else 0.0
        self._postings: dict[str, list[tuple[int, int]]] = {}
        for index, terms in enumerate(corpus):
            counts: dict[str, int] = {}
            for term in terms:
                counts[term] = counts.get(term, 0) + 1
            for term, count in counts.items():
                self._postings.setdefault(term, []).append((index, count))
        size = len(corpus)
        idf = {
            term: math.log((size - len(p) + 0.5) / (len(p) + 0.5))
            for term, p in self._postings.items()
        }
        floor = 0.25 * (sum(idf.values()) / len(idf)) if idf else 0.0
        self._idf = {term: value if value >= 0 else floor for term, value in idf.items()}

    def document_frequency(self, term: str) -> int:
        """How many passages hold ``term``."""
        return len(self._postings.get(term, ()))

    def scores(self, query: list[str]) -> dict[int, float]:
        """Passage index -> score, for the passages holding at least one query term."""
        k1, b, average = self._k1, self._b, self._average or 1.0
        scores: dict[int, float] = {}
        for term in query:
            postings = self._postings.get(term)
            if not postings:
                continue
            idf = self._idf[term]
            for index, count in postings:
                norm = k1 * (1 - b + b * self._lengths[index] / average)
                scores[index] = scores.get(index, 0.0) + idf * count * (k1 + 1) / (count + norm)
        return scores


class Retriever:
    """BM25 index over every visible promotion's passages."""

    def __init__(self, passages: list[Passage], *, names: list[str] | None = None) -> None:
        """Index ``passages`` (see :meth:`build`); ``names`` add to the vocabulary only."""
        self.passages = passages
        corpus = [search_terms(p.text) for p in passages]
        self._bm25 = Bm25(corpus)
        words = {term for terms in corpus for term in terms}
        for name in names or []:
            words.update(search_terms(name))
            words.update(tokens(name))
        self.vocabulary: frozenset[str] = frozenset(words)
        """Every search term (and name word) the knowledge base's texts and names use."""

    @classmethod
    def build(cls, knowledge: KnowledgeBase) -> Retriever:
        """Index the passages of every published or retired promotion (drafts never)."""
        passages: list[Passage] = []
        for promotion in knowledge.visible_promotions():
            pid = promotion.id
            scope_names: list[str] = []
            for category_id in promotion.scope.categories:
                category = knowledge.categories.get(category_id)
                if category is not None:
                    scope_names += [category.name.en, category.name.zh_cn or "", *category.aliases]
            both = _both(promotion.title.en, promotion.title.zh_cn, *promotion.aliases)
            # A title passage also carries the names of the categories in scope, so "the
            # appliance offer" finds the promotion on small appliances.
            passages.append(Passage(pid, "title", 0, _both(both, *scope_names)))
            if promotion.talk_track:
                passages.append(
                    Passage(
                        pid,
                        "talk_track",
                        0,
                        _both(promotion.talk_track.en, promotion.talk_track.zh_cn),
                    )
                )
            for i, faq in enumerate(promotion.faqs):
                passages.append(Passage(pid, "faq", i, _both(faq.question.en, faq.question.zh_cn)))
            for i, note in enumerate(promotion.store_manager_notes):
                passages.append(Passage(pid, "store_note", i, _both(note.en, note.zh_cn)))
            for i, target in enumerate(promotion.regional_manager_targets):
                passages.append(Passage(pid, "target", i, _both(target.en, target.zh_cn)))
            for change in promotion.changes:
                for i, note in enumerate(change.notes):
                    passages.append(
                        Passage(
                            pid, "change", change.version * 1000 + i, _both(note.en, note.zh_cn)
                        )
                    )
        names: list[str] = []
        for product in knowledge.products.values():
            names += [product.sku, product.name.en, *product.aliases]
        for category in knowledge.categories.values():
            names += [category.name.en, *category.aliases]
        for region in knowledge.regions.values():
            names += [region.name.en, *(store.name.en for store in region.stores)]
        return cls(passages, names=names)

    def search(
        self,
        query: str,
        *,
        kinds: frozenset[PassageKind] | None = None,
        promotion_ids: frozenset[str] | None = None,
        limit: int = 5,
    ) -> list[Hit]:
        """Best passages for ``query`` (score > 0), optionally only some kinds or promotions."""
        terms = search_terms(query)
        if not terms:
            return []
        hits = [
            Hit(self.passages[index], score)
            for index, score in self._bm25.scores(terms).items()
            if score > 0
            and (kinds is None or self.passages[index].kind in kinds)
            and (promotion_ids is None or self.passages[index].promotion_id in promotion_ids)
        ]
        hits.sort(key=lambda hit: -hit.score)
        return hits[:limit]

    def passages_with(self, term: str) -> int:
        """How many passages hold ``term`` (1: it is the topic of that passage alone)."""
        return self._bm25.document_frequency(term)

    def shared_terms(self, query: str, passage: Passage) -> set[str]:
        """Query terms that also occur in ``passage`` (how much of the question it covers)."""
        return set(search_terms(query)) & set(search_terms(passage.text))


def _both(*texts: str | None) -> str:
    return " ".join(t for t in texts if t)


def stt_hints(knowledge: KnowledgeBase) -> list[str]:
    """Product names, SKU codes, aliases and promotion titles, for a speech recogniser prompt.

    In catalogue order, each once; Chinese names are left out (the English recogniser
    cannot use them).
    """
    hints: list[str] = []
    for product in knowledge.products.values():
        hints.extend([product.sku, product.name.en, *product.aliases])
    for promotion in knowledge.visible_promotions():
        if promotion.status.value == "published":
            hints.append(promotion.title.en)
    return [h for h in dict.fromkeys(hints) if not re.search(r"[\u3400-\u9fff]", h)]
