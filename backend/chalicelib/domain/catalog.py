"""The service catalog: which services exist, what they need, and finding them.

A service is described by one file in ``schemas/services/`` (see
``schemas/meta/service.schema.json``); the catalog build checks and bundles those
files, and this module works on the result. It never reads files itself: the
entries are handed in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .bangla import to_ascii_digits
from .errors import Conflict, NotFound
from .messages import Text

# What a catalog listing carries; fees, documents and the form come with the service.
SUMMARY_FIELDS = (
    "id", "version", "category", "agency", "title", "summary", "keywords", "channels",
    "output", "sla",
)


def _text(raw: Mapping[str, str]) -> Text:
    return Text(raw["bn"], raw["en"])


# Bangla text reaches us in more than one encoding of the same letters: য় ড় ঢ় as one
# code point or as letter + nukta (NFC picks the latter), khanda ta as its own letter
# or as ta + hasant (+ joiner), and stray zero-width joiners from some keyboards.
_JOINERS = dict.fromkeys(map(ord, "\u200c\u200d\u00ad"), None)
_KHANDA_TA = {ord("\u09ce"): "\u09a4\u09cd"}
# Punctuation separates words; it never has to match ("e-passport" = "e passport").
_PUNCTUATION = re.compile(r"[^\w\u0980-\u09ff]+")
# British and American spellings of the same word search alike.
_SPELLINGS = (("license", "licence"), ("fertilizer", "fertiliser"), ("center", "centre"))

# How much a query word counts where it is found (a title match ranks first).
TITLE_WEIGHT = 3
KEYWORD_WEIGHT = 2
OTHER_WEIGHT = 1
# English words at least this long also match without a plural "s" ("allowances").
PLURAL_MIN_LENGTH = 4


def fold(text: str) -> str:
    """Text as search compares it.

    Case-folded, ASCII digits, one Unicode form for Bangla letters, no joiners,
    punctuation turned into spaces, one spelling per English word, single spaces.
    """
    text = unicodedata.normalize("NFC", to_ascii_digits(text)).casefold()
    text = text.translate(_JOINERS).translate(_KHANDA_TA)
    for variant, preferred in _SPELLINGS:
        text = text.replace(variant, preferred)
    return " ".join(_PUNCTUATION.sub(" ", text).split())


def _word_in(word: str, haystack: str) -> bool:
    """Whether a query word occurs in folded text (English plurals match their singular)."""
    if word in haystack:
        return True
    return (
        word.isascii() and len(word) >= PLURAL_MIN_LENGTH and word.endswith("s")
        and word[:-1] in haystack
    )


@dataclass(frozen=True)
class Category:
    """A group of services, as the catalog shows it."""

    id: str
    order: int
    title: Text

    def to_dict(self) -> dict[str, Any]:
        """The category as the API returns it."""
        return {"id": self.id, "order": self.order, "title": self.title._asdict()}


@dataclass(frozen=True)
class ServiceFacts:
    """What every description of a service has, in the catalog index or in full."""

    facts: Mapping[str, Any]

    @property
    def id(self) -> str:
        """The service id."""
        return str(self.facts["id"])

    @property
    def version(self) -> int:
        """The current form version."""
        return int(self.facts["version"])

    @property
    def category(self) -> str:
        """The category id."""
        return str(self.facts["category"])

    @property
    def agency(self) -> str:
        """The id of the agency that decides it."""
        return str(self.facts["agency"])

    @property
    def channels(self) -> tuple[str, ...]:
        """``self`` and/or ``assisted``."""
        return tuple(self.facts["channels"])

    @property
    def title(self) -> Text:
        """The service's name."""
        return _text(self.facts["title"])


@dataclass(frozen=True)
class ServiceEntry(ServiceFacts):
    """What the catalog index knows of a service: enough to list, search and filter it."""

    @property
    def summary(self) -> Mapping[str, Any]:
        """The index's summary of the service (``SUMMARY_FIELDS``)."""
        return self.facts

    def haystack(self, extra: Iterable[str] = ()) -> str:
        """Everything a search for this service may match, folded."""
        words = [
            *self.title, *_text(self.summary["summary"]), *self.keywords(),
            self.id.replace("-", " "), *extra,
        ]
        return fold(" ".join(words))

    def keywords(self) -> list[str]:
        """The extra words people search this service with, both languages."""
        keywords = self.summary.get("keywords", {})
        return [*keywords.get("bn", []), *keywords.get("en", [])]

    @cached_property
    def _folded_title(self) -> str:
        return fold(" ".join(self.title))

    @cached_property
    def _folded_keywords(self) -> str:
        return fold(" ".join(self.keywords()))

    def relevance(self, words: list[str], haystack: str) -> int:
        """How well folded query ``words`` match: 0 when any word is missing."""
        score = 0
        for word in words:
            if not _word_in(word, haystack):
                return 0
            if _word_in(word, self._folded_title):
                score += TITLE_WEIGHT
            elif _word_in(word, self._folded_keywords):
                score += KEYWORD_WEIGHT
            else:
                score += OTHER_WEIGHT
        return score


@dataclass(frozen=True)
class Service(ServiceFacts):
    """One service in full: its metadata and its (bundled) form schema."""

    @property
    def document(self) -> Mapping[str, Any]:
        """The whole service file, as the catalog build bundled it."""
        return self.facts

    @property
    def form(self) -> dict[str, Any]:
        """The JSON Schema of the form."""
        return dict(self.document["form"])

    @property
    def sla_working_days(self) -> int | None:
        """Working days the office has to decide, when one is published."""
        days = self.document["sla"]["working_days"]
        return int(days) if days is not None else None

    def sla_working_days_for(self, form: Mapping[str, Any] | None) -> int | None:
        """Working days for these answers: the chosen option's own time limit where the
        service sets one per option (``sla.by_option``, e.g. per delivery type), else the
        service's."""
        by_option = self.document["sla"].get("by_option")
        if not by_option or not isinstance(form, Mapping) or form.get(by_option["field"]) is None:
            return self.sla_working_days
        days = by_option["working_days"].get(str(form[by_option["field"]]))
        return int(days) if days is not None else self.sla_working_days

    def check_version(self, submitted: int) -> None:
        """Accept the current version and declared compatible ones.

        Raises ``Conflict`` (409 ``service_version_outdated``) otherwise, which tells
        the client to reload the form.
        """
        accepted = {self.version, *self.document.get("compatible_versions", [])}
        if submitted not in accepted:
            raise Conflict(
                "service_version_outdated",
                values={"current": self.version},
            )

    def address_fields(self) -> list[str]:
        """Top-level form fields that are addresses, in form order."""
        properties = self.document["form"].get("properties", {})
        addresses = [
            (spec.get("x-ui", {}).get("order", 0), name)
            for name, spec in properties.items()
            if spec.get("x-ui", {}).get("widget") == "address"
        ]
        return [name for _, name in sorted(addresses)]


def summary_of(document: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a service document the catalog index carries."""
    return {key: document[key] for key in SUMMARY_FIELDS if key in document}


class Catalog:
    """All services and categories, searchable. Full service documents load on demand."""

    def __init__(
        self,
        entries: Iterable[ServiceEntry],
        categories: Iterable[Category],
        agencies: Mapping[str, Mapping[str, Any]],
        load_service: Any,
        etag: str,
    ) -> None:
        self.entries = {entry.id: entry for entry in entries}
        self.categories = sorted(categories, key=lambda category: category.order)
        self.agencies = agencies
        self.etag = etag
        self._load_service = load_service
        self._services: dict[str, Service] = {}

    @cached_property
    def _haystacks(self) -> dict[str, str]:
        """Each service's searchable text, folded once, on the first search (not at start)."""
        titles = {category.id: category.title for category in self.categories}
        return {
            entry.id: entry.haystack(
                [*titles.get(entry.category, ()), *self._agency_names(entry.agency)]
            )
            for entry in self.entries.values()
        }

    def _agency_names(self, agency_id: str) -> list[str]:
        name = self.agencies.get(agency_id, {}).get("name", {})
        return [name.get("bn", ""), name.get("en", "")]

    def entry(self, service_id: str) -> ServiceEntry:
        """The index entry of a service; ``NotFound`` if there is none."""
        try:
            return self.entries[service_id]
        except (KeyError, TypeError):
            raise NotFound("service_not_found") from None

    def service(self, service_id: str) -> Service:
        """The full service, loaded once; ``NotFound`` if there is none."""
        self.entry(service_id)
        if service_id not in self._services:
            self._services[service_id] = Service(self._load_service(service_id))
        return self._services[service_id]

    def search(
        self, query: str | None = None, category: str | None = None, channel: str | None = None
    ) -> list[ServiceEntry]:
        """Services matching every word of ``query`` (Bangla or English) and the filters.

        A word matches inside longer words ("জন্ম" finds "জন্মের", "birth" finds
        "birth registration"), and wherever it appears: title, summary, keywords,
        category or agency name. With a query, services whose title carries the words
        come first; otherwise, and among equals, they come in category order.
        """
        words = fold(query or "").split()
        order = {category.id: category.order for category in self.categories}
        found: list[tuple[int, ServiceEntry]] = []
        for entry in self.entries.values():
            if category is not None and entry.category != category:
                continue
            if channel is not None and channel not in entry.channels:
                continue
            score = entry.relevance(words, self._haystacks[entry.id]) if words else 1
            if score:
                found.append((score, entry))
        found.sort(key=lambda item: (-item[0], order.get(item[1].category, 99), item[1].id))
        return [entry for _, entry in found]

    def agency_name(self, agency_id: str) -> Text | None:
        """The agency's name in both languages, if it is known."""
        name = self.agencies.get(agency_id, {}).get("name")
        return _text(name) if name else None
