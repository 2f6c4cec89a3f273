"""The service catalog: which services exist, what they need, and finding them.

A service is described by one file in ``schemas/services/`` (see
``schemas/meta/service.schema.json``); the catalog build checks and bundles those
files, and this module works on the result. It never reads files itself: the
entries are handed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .errors import Conflict, NotFound
from .messages import Text

if TYPE_CHECKING:
    from . import search

# What a catalog listing carries; fees, documents and the form come with the service.
SUMMARY_FIELDS = (
    "id", "version", "category", "agency", "title", "summary", "keywords", "channels",
    "output", "sla",
)


def _text(raw: Mapping[str, str]) -> Text:
    return Text(raw["bn"], raw["en"])


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

    def keywords(self) -> list[str]:
        """The extra words people search this service with, both languages."""
        keywords = self.summary.get("keywords", {})
        return [*keywords.get("bn", []), *keywords.get("en", [])]


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

    def field_labels(self) -> list[tuple[str, Text]]:
        """Top-level form fields and their labels (Bangla and English), in form order."""
        properties = self.document["form"].get("properties", {})
        ordered = sorted(properties.items(),
                         key=lambda item: (item[1].get("x-ui", {}).get("order", 0), item[0]))
        found = []
        for name, spec in ordered:
            label = spec.get("x-ui", {}).get("label") or {}
            found.append((name, Text(label.get("bn") or name, label.get("en") or name)))
        return found

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
        *,
        vocabulary: Mapping[str, Any] | None = None,
    ) -> None:
        self.entries = {entry.id: entry for entry in entries}
        self.categories = sorted(categories, key=lambda category: category.order)
        self.agencies = agencies
        self.etag = etag
        self._load_service = load_service
        self._services: dict[str, Service] = {}
        self._vocabulary = vocabulary

    @cached_property
    def _searchable(self) -> dict[str, search.Searchable]:
        """Each service's searchable text, folded once, on the first search (not at start)."""
        from . import search  # only a search needs it: kept out of a submit's cold start

        titles = {category.id: category.title for category in self.categories}
        order = {category.id: category.order for category in self.categories}
        return {
            entry.id: search.searchable(
                entry.summary, category_title=titles.get(entry.category, ()),
                agency_name=self._agency_names(entry.agency),
                category_order=order.get(entry.category, 99),
            )
            for entry in self.entries.values()
        }

    @cached_property
    def vocabulary(self) -> search.Vocabulary:
        """The search's fillers and equivalent spellings (``schemas/search.json``)."""
        from . import search

        return search.Vocabulary.of(self._vocabulary)

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
        """Services matching ``query`` (Bangla, English or romanised Bangla), best first.

        See ``domain.search`` for how words match and rank. Without a query: every
        service passing the filters, in category order.
        """
        from . import search

        allowed = [
            self._searchable[entry.id] for entry in self.entries.values()
            if (category is None or entry.category == category)
            and (channel is None or channel in entry.channels)
        ]
        return [self.entries[found.id] for found in search.rank(allowed, query or "",
                                                                 self.vocabulary)]

    def agency_name(self, agency_id: str) -> Text | None:
        """The agency's name in both languages, if it is known."""
        name = self.agencies.get(agency_id, {}).get("name")
        return _text(name) if name else None
