"""Catalog search: which services match what a person typed, best first.

The web app runs the same ranking offline (``pwa/src/search.js``, kept step for step
alike; ``tests/unit/test_search.py`` runs both on one table of real queries).

How a query word matches a word of a service, best first:

* the same word, or the start of one ("জন্ম" finds "জন্মের");
* written joined where the service splits it, or split where it joins it
  ("জন্মনিবন্ধন" finds "জন্ম নিবন্ধন");
* by its sound (``sound``): the consonants as they are heard, vowels left out, so
  romanised Bangla finds Bangla ("jonmo nibondhon" finds "জন্ম নিবন্ধন"), and the
  commonest Bangla slips (ি/ী, ু/ূ, ন/ণ, শ/ষ/স, জ/য) cost nothing;
* a typo: one consonant wrong, missing, extra or swapped, in a word with at least four
  (guessed only for a word found nowhere as typed).

Where a word is found counts too: the title most, then keywords and the category, the
agency's name, and the summary least. A word found in some service's title, keywords,
category or agency must match; a word found only in summaries ("করতে") counts where it
is found but rules nothing out, and a word no service has ("চাই") is dropped, so
"জন্ম নিবন্ধন করতে চাই" still works. Services whose matches are far weaker than the
best are left out ("NID" in the train ticket's summary does not list it). Then a title
the query covers entirely ranks first, an exact title or keyword above that, and among
the rest the larger share of the title the query covers. The words that mean the same (NID and
জাতীয় পরিচয়পত্র) and the title words that carry no meaning ("আবেদন", "for") come
from ``schemas/search.json`` through the catalog index, so none of this depends on
which services exist.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .bangla import to_ascii_digits

# --- folding ------------------------------------------------------------------------

# Bangla text reaches us in more than one encoding of the same letters: য় ড় ঢ় as one
# code point or as letter + nukta (NFC picks the latter), khanda ta as its own letter
# or as ta + hasant (+ joiner), and stray zero-width joiners from some keyboards.
_JOINERS = dict.fromkeys(map(ord, "\u200c\u200d\u00ad"), None)
_KHANDA_TA = {ord("\u09ce"): "\u09a4\u09cd"}
# Punctuation separates words; it never has to match ("e-passport" = "e passport").
_PUNCTUATION = re.compile(r"[^0-9a-z\u00c0-\u024f\u0980-\u09ff]+")
# British and American spellings of the same word search alike.
_SPELLINGS = (("license", "licence"), ("fertilizer", "fertiliser"), ("center", "centre"))


def fold(text: str) -> str:
    """Text as search compares it.

    Lower case, ASCII digits, one Unicode form for Bangla letters, no joiners,
    punctuation turned into spaces, one spelling per English word, single spaces.
    """
    text = unicodedata.normalize("NFC", to_ascii_digits(text)).lower()
    text = text.translate(_JOINERS).translate(_KHANDA_TA)
    for variant, preferred in _SPELLINGS:
        text = text.replace(variant, preferred)
    return " ".join(_PUNCTUATION.sub(" ", text).split())


# Bangla case endings and plural markers, longest first ("পাসপোর্টের" is "পাসপোর্ট").
_ENDINGS = tuple(
    unicodedata.normalize("NFC", ending)
    for ending in ("গুলোর", "গুলো", "গুলি", "য়ের", "দের", "ের", "এর")
)
_MIN_STEM = 2
_PLURAL_MIN = 4  # English words this long lose a plural "s" ("allowances")


def stem(word: str) -> str:
    """A folded word without its ending: a Bangla case ending, or an English plural "s"."""
    if word.isascii():
        if len(word) >= _PLURAL_MIN and word.endswith("s") and not word.endswith("ss"):
            return word[:-1]
        return word
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
            return word[: -len(ending)]
    return word


# --- sound --------------------------------------------------------------------------

_BN_VOWELS = set("অআইঈউঊএঐওঔ")
_BN_SILENT = set("ািীুূেৈোৌৗ্ঁঃ")
_BN_LETTERS = {
    **dict.fromkeys("কখ", "k"), **dict.fromkeys("গঘ", "g"), **dict.fromkeys("চছ", "c"),
    **dict.fromkeys("জঝয", "j"), "ঞ": "n", **dict.fromkeys("টঠতথৎ", "t"),
    **dict.fromkeys("ডঢদধ", "d"), **dict.fromkeys("ণন", "n"), **dict.fromkeys("পফ", "p"),
    **dict.fromkeys("বভ", "b"), "ম": "m", **dict.fromkeys("রৰ", "r"), "ল": "l",
    **dict.fromkeys("শষস", "s"), "হ": "h", **dict.fromkeys("ংঙ", "ng"), "ঋ": "r", "ৃ": "r",
}
# Letter groups heard as one sound: ক্ষ (kh), জ্ঞ (gy), and the ya- and ba-phala, which
# only lengthen the letter before them; য় is a vowel glide and ড় ঢ় are heard as r.
_BN_GROUPS = (("ক্ষ", "k"), ("জ্ঞ", "g"), ("্য", ""), ("্ব", ""), ("য়", "\u0985"),
              ("ড়", "র"), ("ঢ়", "র"))
_LATIN_GROUPS = (("ksh", "k"), ("sh", "s"), ("ch", "c"), ("kh", "k"), ("gh", "g"), ("th", "t"),
                 ("dh", "d"), ("ph", "p"), ("bh", "b"), ("jh", "j"), ("rh", "r"))
_LATIN_VOWELS = set("aeiouwy")
_LATIN_LETTERS = {"q": "k", "x": "ks", "z": "j", "f": "p", "v": "b"}
_INITIAL_VOWEL = "a"


def _collapse(sound: str) -> str:
    out: list[str] = []
    for char in sound:
        if not out or out[-1] != char:
            out.append(char)
    return "".join(out)


def _bangla_sound(word: str) -> str:
    for group, heard in _BN_GROUPS:
        word = word.replace(unicodedata.normalize("NFC", group), heard)
    out = [_INITIAL_VOWEL] if word[:1] in _BN_VOWELS else []
    for char in word:
        if char in _BN_LETTERS:
            out.append(_BN_LETTERS[char])
        elif char.isdigit() and char.isascii():
            out.append(char)
    return _collapse("".join(out))


def _latin_sound(word: str) -> str:
    out = []
    if word[:1] == "y":
        out.append("j")
        word = word[1:]
    elif word[:1] in _LATIN_VOWELS:
        out.append(_INITIAL_VOWEL)
    index = 0
    while index < len(word):
        group = next((g for g in _LATIN_GROUPS if word.startswith(g[0], index)), None)
        if group:
            out.append(group[1])
            index += len(group[0])
            continue
        char = word[index]
        if char == "c":
            out.append("s" if word[index + 1 : index + 2] in ("e", "i", "y") else "k")
        elif char in _LATIN_LETTERS:
            out.append(_LATIN_LETTERS[char])
        elif char not in _LATIN_VOWELS and ("a" <= char <= "z" or char.isdigit()):
            out.append(char)
        index += 1
    return _collapse("".join(out))


def sound(word: str) -> str:
    """How a folded word sounds: its consonants, heard alike in Bangla and Latin letters.

    "জন্ম" and "jonmo" both sound "jnm"; a word starting with a vowel starts with "a".
    """
    if not word:
        return ""
    return _latin_sound(word) if word.isascii() else _bangla_sound(word)


def _typo_distance(a: str, b: str) -> int:
    """Edits (change, add, drop, swap neighbours) between two sounds (at most 2 counted)."""
    if abs(len(a) - len(b)) > 1:
        return 2
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return min(previous[len(b)], 2)


# --- matching one word --------------------------------------------------------------

EXACT, PREFIX, JOINED, JOINED_PREFIX = 100, 90, 85, 80
SOUND, SOUND_PREFIX, SOUND_JOINED, TYPO = 70, 60, 60, 50
MIN_PREFIX = 3  # characters a query word needs before it may match the start of a word
MIN_SOUND = 2  # consonants a sound needs to match at all
MIN_SOUND_PREFIX = 3  # ... and two thirds of the word's sound, to match its start by sound
MIN_TYPO = 4
MIN_LATIN_SOUND = 4  # English against English by sound: only long words (typos)
EQUIVALENT_SHARE = 9  # tenths of a match an equivalent spelling is worth
LONGEST_JOIN = 3


def _sounds(*words: str) -> tuple[str, ...]:
    found: list[str] = []
    for word in words:
        heard = sound(word)
        if len(heard) >= MIN_SOUND and heard not in found:
            found.append(heard)
    return tuple(found)


@dataclass(frozen=True)
class Word:
    """One word as search compares it: its stem, its script, how it and its stem sound."""

    text: str
    latin: bool
    sounds: tuple[str, ...]


@lru_cache(maxsize=4096)
def word_of(raw: str) -> Word:
    """A folded word as search compares it."""
    stemmed = stem(raw)
    return Word(stemmed, raw.isascii(), _sounds(stemmed, raw))


@dataclass(frozen=True)
class Joined:
    """Two or three neighbouring words written as one (``head``: the length of all but the
    last, which a query must pass to match the start of this rather than of a word)."""

    text: str
    latin: bool
    sounds: tuple[str, ...]
    start: int
    count: int
    head: int


@dataclass(frozen=True)
class Field:
    """A piece of a service's text (a title, a keyword, the summary) and what it weighs.

    Only fields that weigh more than a summary are matched by sound and joined words.
    """

    key: str
    kind: str
    weight: int
    words: tuple[Word, ...]
    joined: tuple[Joined, ...]

    @property
    def strong(self) -> bool:
        """Whether this field is more than a summary (its words may rule services out)."""
        return self.weight > SUMMARY_WEIGHT


@lru_cache(maxsize=4096)
def field_of(kind: str, weight: int, text: str) -> Field:
    """The field for some text (one object per text: categories and agencies are shared)."""
    raw = fold(text).split()
    words = tuple(word_of(item) for item in raw)
    joined = []
    if weight > SUMMARY_WEIGHT:
        for start in range(len(raw)):
            for count in range(2, LONGEST_JOIN + 1):
                if start + count > len(raw):
                    break
                head = "".join(word.text for word in words[start : start + count - 1])
                stems = head + words[start + count - 1].text
                sounds = _sounds(stems, head + raw[start + count - 1])
                joined.append(Joined(stems, stems.isascii(), sounds, start, count, len(head)))
    return Field(f"{kind}:{weight}:{text}", kind, weight, words, tuple(joined))


def _comparable(query: Word, latin: bool, shortest: int) -> bool:
    """Whether a query word may be compared by sound with a word in this script.

    Latin letters typed are compared with Bangla (romanised Bangla) and, for typos, with
    long English words; Bangla typed is compared with Bangla only.
    """
    if query.latin:
        return shortest >= MIN_LATIN_SOUND if latin else True
    return not latin


def _by_sound(query: Word, word: Word, typos: bool) -> int:
    best = 0
    for heard in query.sounds:
        for other in word.sounds:
            if not _comparable(query, word.latin, min(len(heard), len(other))):
                continue
            if heard == other:
                best = max(best, SOUND)
            elif len(heard) >= MIN_SOUND_PREFIX and other.startswith(heard) \
                    and len(heard) * 3 >= len(other) * 2:
                best = max(best, SOUND_PREFIX)
            elif typos and min(len(heard), len(other)) >= MIN_TYPO \
                    and _typo_distance(heard, other) <= 1:
                best = max(best, TYPO)
    return best


@dataclass(frozen=True)
class Match:
    """How well one query word matched a field, and which of its words it covered."""

    quality: int
    covered: frozenset[int]


NO_MATCH = Match(0, frozenset())


def match_word(query: Word, target: Field, *, by_sound: bool = True,
               typos: bool = False) -> Match:
    """The best match of one query word in a field (the first found among equals).

    ``by_sound=False``: by its letters only (a word the vocabulary knows is not guessed at);
    ``typos``: also with one consonant wrong (asked only for a word found nowhere as typed).
    """
    by_sound = by_sound and target.strong
    best = NO_MATCH
    length = len(query.text)
    for index, word in enumerate(target.words):
        if word.text == query.text:
            quality = EXACT
        elif length >= MIN_PREFIX and word.text.startswith(query.text):
            quality = PREFIX
        elif by_sound:
            quality = _by_sound(query, word, typos)
        else:
            quality = 0
        if quality > best.quality:
            best = Match(quality, frozenset({index}))
    for joined in target.joined:
        quality = _joined_quality(query, joined, by_sound=by_sound)
        if quality > best.quality:
            best = Match(quality, frozenset(range(joined.start, joined.start + joined.count)))
    return best


def _joined_quality(query: Word, joined: Joined, *, by_sound: bool) -> int:
    if joined.text == query.text:
        return JOINED
    if len(query.text) > joined.head and joined.text.startswith(query.text):
        return JOINED_PREFIX
    if by_sound and any(heard in joined.sounds and _comparable(query, joined.latin, len(heard))
                        for heard in query.sounds):
        return SOUND_JOINED
    return 0


def match_phrase(words: Sequence[Word], target: Field) -> Match:
    """Every word of a phrase in one field: the weakest word's quality, all words covered."""
    found = [match_word(word, target, by_sound=False) for word in words]
    if not found or any(item.quality == 0 for item in found):
        return NO_MATCH
    return Match(min(item.quality for item in found),
                 frozenset().union(*(item.covered for item in found)))


# --- the vocabulary ---------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """Title words that say little, and spellings that mean the same (schemas/search.json)."""

    fillers: frozenset[str] = frozenset()
    equivalents: Mapping[str, tuple[tuple[Word, ...], ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, raw: Mapping[str, Any] | None) -> Vocabulary:
        """The vocabulary from the catalog index's ``search`` part (absent: none)."""
        raw = raw or {}
        fillers = frozenset(
            stem(word) for words in (raw.get("fillers") or {}).values() for text in words
            for word in fold(text).split()
        )
        equivalents: dict[str, tuple[tuple[Word, ...], ...]] = {}
        for group in raw.get("equivalents") or []:
            phrases = [fold(member) for member in group]
            for phrase in phrases:
                if " " in phrase or not phrase:
                    continue
                others = tuple(
                    tuple(word_of(word) for word in other.split())
                    for other in phrases if other != phrase
                )
                equivalents[stem(phrase)] = equivalents.get(stem(phrase), ()) + others
        return cls(fillers, equivalents)


# --- ranking ------------------------------------------------------------------------------

TITLE_WEIGHT, KEYWORD_WEIGHT, CATEGORY_WEIGHT = 10, 6, 6
AGENCY_WEIGHT, SUMMARY_WEIGHT, ID_WEIGHT = 4, 2, 1
COVERAGE_POINTS = 1000  # the whole title covered, in the same points as one exact title word
FULL_TITLE_POINTS = 3000
EXACT_TITLE_POINTS = 3000
EXACT_KEYWORD_POINTS = 2000
KEEP_TENTHS = 3  # a service is listed if its matches are worth 3/10 of the best one's


@dataclass(frozen=True)
class Searchable:
    """Everything a search may match for one service."""

    id: str
    order: tuple[int, str]
    fields: tuple[Field, ...]


def searchable(entry: Mapping[str, Any], *, category_title: Iterable[str] = (),
               agency_name: Iterable[str] = (), category_order: int = 99) -> Searchable:
    """A catalog summary (title, summary, keywords, id) with its category and agency names."""
    keywords = entry.get("keywords") or {}
    fields = [
        field_of("title", TITLE_WEIGHT, entry["title"]["bn"]),
        field_of("title", TITLE_WEIGHT, entry["title"]["en"]),
        *(field_of("keyword", KEYWORD_WEIGHT, text)
          for text in [*keywords.get("bn", []), *keywords.get("en", [])]),
        *(field_of("category", CATEGORY_WEIGHT, text) for text in category_title if text),
        *(field_of("agency", AGENCY_WEIGHT, text) for text in agency_name if text),
        field_of("summary", SUMMARY_WEIGHT, entry["summary"]["bn"]),
        field_of("summary", SUMMARY_WEIGHT, entry["summary"]["en"]),
        field_of("id", ID_WEIGHT, str(entry["id"]).replace("-", " ")),
    ]
    return Searchable(str(entry["id"]), (category_order, str(entry["id"])), tuple(fields))


@dataclass(frozen=True)
class Candidate:
    """One way a query word may be found: itself, an equivalent spelling, or joined with a
    neighbour; ``share`` is the tenths of its match it is worth, ``least`` the weakest
    match it is taken at."""

    words: tuple[Word, ...]
    by_sound: bool
    share: int = 10
    least: int = 1


def _candidates(words: list[Word], index: int, vocabulary: Vocabulary) -> list[Candidate]:
    word = words[index]
    known = word.text in vocabulary.equivalents
    found = [Candidate((word,), by_sound=not known)]
    found += [Candidate(phrase, by_sound=False, share=EQUIVALENT_SHARE)
              for phrase in vocabulary.equivalents.get(word.text, ())]
    for neighbour in (index - 1, index + 1):
        if 0 <= neighbour < len(words):
            first, second = words[min(index, neighbour)], words[max(index, neighbour)]
            found.append(Candidate((word_of(first.text + second.text),), by_sound=False,
                                   least=JOINED_PREFIX))
    return found


class Query:
    """A query's words, the ways each may be found, and what each found (asked once per field)."""

    def __init__(self, words: list[Word], vocabulary: Vocabulary,
                 typos: frozenset[int] = frozenset()) -> None:
        self.words = words
        self.vocabulary = vocabulary
        self.typos = typos  # the words that may be matched as typos
        self.candidates = [_candidates(words, index, vocabulary) for index in range(len(words))]
        self._seen: dict[tuple[str, int], Match] = {}

    def match(self, index: int, target: Field) -> Match:
        """The best match of query word ``index`` in a field, by any of its candidates."""
        key = (target.key, index)
        if key not in self._seen:
            best = NO_MATCH
            for candidate in self.candidates[index]:
                if len(candidate.words) == 1:
                    found = match_word(candidate.words[0], target, by_sound=candidate.by_sound,
                                       typos=index in self.typos)
                else:
                    found = match_phrase(candidate.words, target)
                quality = found.quality * candidate.share // 10
                if quality >= candidate.least and quality > best.quality:
                    best = Match(quality, found.covered)
            self._seen[key] = best
        return self._seen[key]


def _significant(target: Field, vocabulary: Vocabulary) -> list[int]:
    return [index for index, word in enumerate(target.words)
            if len(word.text) >= MIN_SOUND and word.text not in vocabulary.fillers]


def _exact_title(target: Field, significant: list[int], words: list[Word]) -> bool:
    """The query is the title (its meaningful words), or romanised Bangla that sounds like it."""
    title = "".join(target.words[index].text for index in significant)
    query = "".join(word.text for word in words)
    if title == query:
        return True
    romanised = all(word.latin for word in words) and not any(w.latin for w in target.words)
    return romanised and bool(set(_sounds(title)) & set(_sounds(query)))


@dataclass
class Scored:
    """One service's points for a query: each word's best match, and the title bonus."""

    service: Searchable
    points: list[int]
    strong: list[bool]
    covered: dict[int, set[int]]
    base: int = 0
    bonus: int = 0


def _points(service: Searchable, query: Query) -> Scored:
    """Each query word's best weighted match in the service, and the title words covered."""
    scored = Scored(service, [], [], {})
    for index in range(len(query.words)):
        best = 0
        strong = False
        for number, target in enumerate(service.fields):
            found = query.match(index, target)
            if not found.quality:
                continue
            if target.kind == "title" and found.quality >= SOUND:
                scored.covered.setdefault(number, set()).update(found.covered)
            best = max(best, target.weight * found.quality)
            strong = strong or target.strong
        scored.points.append(best)
        scored.strong.append(strong)
    return scored


def _bonus(scored: Scored, words: list[Word], vocabulary: Vocabulary) -> int:
    """Points for covering the title (all of it: more), being it, or being a keyword."""
    coverage = 0
    exact = 0
    query = "".join(word.text for word in words)
    for number, target in enumerate(scored.service.fields):
        if target.kind == "title":
            significant = _significant(target, vocabulary)
            if not significant:
                continue
            hits = len(scored.covered.get(number, set()) & set(significant))
            coverage = max(coverage, COVERAGE_POINTS * hits // len(significant))
            if _exact_title(target, significant, words):
                exact = max(exact, EXACT_TITLE_POINTS)
        elif target.kind == "keyword" and "".join(w.text for w in target.words) == query:
            exact = max(exact, EXACT_KEYWORD_POINTS)
    return exact + coverage + (FULL_TITLE_POINTS if coverage == COVERAGE_POINTS else 0)


def rank(services: Sequence[Searchable], text: str, vocabulary: Vocabulary) -> list[Searchable]:
    """The services matching ``text``, best first; all of them, in order, for no query."""
    words = [word_of(raw) for raw in fold(text).split()]
    if not words:
        return sorted(services, key=lambda service: service.order)
    query = Query(words, vocabulary)
    everything = [_points(service, query) for service in services]
    # a typo is guessed only for a word found nowhere as typed
    unfound = frozenset(index for index in range(len(words))
                        if not any(scored.points[index] for scored in everything))
    if unfound:
        query = Query(words, vocabulary, typos=unfound)
        everything = [_points(service, query) for service in services]
    # a word no service has ("চাই") is dropped; a filler ("how", "for") or a word found
    # only in summaries ("করতে") counts where it is found but rules no service out
    known = [index for index in range(len(words))
             if any(scored.points[index] for scored in everything)]
    required = [index for index in known if words[index].text not in vocabulary.fillers
                and any(scored.strong[index] for scored in everything)]
    weighed = required or known
    found = [scored for scored in everything
             if all(scored.points[index] for index in required)
             and any(scored.points[index] for index in known)]
    if not found:
        return []
    kept_words = [words[index] for index in known]
    for scored in found:
        scored.base = sum(scored.points[index] for index in weighed)
        scored.bonus = _bonus(scored, kept_words, vocabulary) + sum(
            scored.points[index] for index in known if index not in weighed)
    best = max(scored.base for scored in found)
    kept = [scored for scored in found if scored.base * 10 >= best * KEEP_TENTHS]
    kept.sort(key=lambda scored: (-(scored.base + scored.bonus), scored.service.order))
    return [scored.service for scored in kept]
