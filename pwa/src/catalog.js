// The service catalog, as built with this version of the app (the same files the API
// serves): the index for listing and search, one file per service for its page and form.
import { CORE_URL, INDEX_URL } from "build-info";

let index = null;
let core = null;
const services = new Map();

async function getJSON(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

/** The catalog index: {categories, services: [summary + doc/check urls + agency_name]}. */
export async function loadIndex() {
  index ||= getJSON(INDEX_URL).catch((error) => {
    index = null;
    throw error;
  });
  return index;
}

/**
 * What a form's page needs of the catalog: the categories and, for each service, its id,
 * version, category, agency, title, channels and the URLs of its file and form check (the
 * index has all of it too, and is used when it is already here).
 */
export async function loadCore() {
  const fetchCore = () => (core ||= getJSON(CORE_URL).catch((error) => {
    core = null;
    throw error;
  }));
  return index ? index.catch(fetchCore) : fetchCore();
}

/** One service in full (documents, fees, sla, sources, form). */
export async function loadService(id) {
  const { services: summaries } = await loadCore();
  const summary = summaries.find((entry) => entry.id === id);
  if (!summary) return null;
  if (!services.has(id)) {
    services.set(id, getJSON(summary.doc).catch((error) => {
      services.delete(id);
      throw error;
    }));
  }
  return { ...(await services.get(id)), check: summary.check, agency_name: summary.agency_name };
}

/**
 * Services matching `query` (Bangla, English or romanised Bangla), best first, optionally of
 * one category; with no query, all of them (of that category) in catalog order. The ranking
 * is the server's (./search.js, loaded on the first search); it runs here, on the catalog the
 * app already has, offline too.
 */
export async function search(catalog, query, category) {
  const { rank, searchable, vocabularyOf } = await import("./search.js");
  catalog.searchables ||= new Map(catalog.services.map((entry) => {
    const found = catalog.categories.find((item) => item.id === entry.category);
    return [entry.id, searchable(entry, {
      categoryTitle: found ? [found.title.bn, found.title.en] : [],
      agencyName: entry.agency_name ? [entry.agency_name.bn, entry.agency_name.en] : [],
      categoryOrder: found ? found.order : 99,
    })];
  }));
  catalog.vocabulary ||= vocabularyOf(catalog.search);
  const byId = new Map(catalog.services.map((entry) => [entry.id, entry]));
  const allowed = catalog.services.filter((entry) => !category || entry.category === category).map((entry) => catalog.searchables.get(entry.id));
  return rank(allowed, query || "", catalog.vocabulary).map((found) => byId.get(found.id));
}

/** The services of one category, in catalog order. */
export const inCategory = (catalog, id) => catalog.services.filter((entry) => entry.category === id);

/** Categories that have services, in their order, each with its services. */
export function byCategory(catalog) {
  return catalog.categories
    .map((category) => ({ category, services: catalog.services.filter((entry) => entry.category === category.id) }))
    .filter((group) => group.services.length);
}
