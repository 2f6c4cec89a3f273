// The service catalog, as built with this version of the app (the same files the API
// serves): the index for listing and search, one file per service for its page and form.
import { INDEX_URL } from "build-info";
import { toAsciiDigits } from "./bangla.js";

let index = null;
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

/** One service in full (documents, fees, sla, sources, form). */
export async function loadService(id) {
  const { services: summaries } = await loadIndex();
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

/** Text as search compares it: one Unicode form, ASCII digits, lower case, single spaces. */
export const fold = (text) => toAsciiDigits(String(text).normalize("NFC")).toLowerCase().split(/\s+/).filter(Boolean).join(" ");

function haystack(entry, categories) {
  const category = categories.find((item) => item.id === entry.category);
  const words = [
    entry.title.bn, entry.title.en, entry.summary.bn, entry.summary.en,
    ...(entry.keywords?.bn || []), ...(entry.keywords?.en || []),
    entry.id.replaceAll("-", " "),
    category?.title.bn, category?.title.en, entry.agency_name?.bn, entry.agency_name?.en,
  ];
  return fold(words.filter(Boolean).join(" "));
}

/** Services matching every word of `query` (Bangla or English), in catalog order. */
export function search(catalog, query, category) {
  const words = fold(query || "").split(" ").filter(Boolean);
  catalog.haystacks ||= new Map(catalog.services.map((entry) => [entry.id, haystack(entry, catalog.categories)]));
  return catalog.services.filter(
    (entry) => (!category || entry.category === category) && words.every((word) => catalog.haystacks.get(entry.id).includes(word)),
  );
}

/** Categories that have services, in their order, each with its services. */
export function byCategory(catalog) {
  return catalog.categories
    .map((category) => ({ category, services: catalog.services.filter((entry) => entry.category === category.id) }))
    .filter((group) => group.services.length);
}
