// The web app's catalog search on the table of real queries the server is tested with
// (tests/search_queries.json), over the built catalog (.catalog/, from `make catalog`).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { rank, searchable, sound, vocabularyOf } from "../src/search.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CATALOG = path.join(HERE, "..", ".catalog");
const read = (file) => JSON.parse(fs.readFileSync(file, "utf8"));
const index = read(path.join(CATALOG, "index.json"));
const table = read(path.join(HERE, "..", "..", "tests", "search_queries.json"));

const services = index.services.map((entry) => {
  const category = index.categories.find((item) => item.id === entry.category);
  const agency = read(path.join(CATALOG, "services", `${entry.id}.json`)).agency_name;
  return searchable(entry, {
    categoryTitle: category ? [category.title.bn, category.title.en] : [],
    agencyName: agency ? [agency.bn, agency.en] : [],
    categoryOrder: category ? category.order : 99,
  });
});
const vocabulary = vocabularyOf(index.search);

for (const row of table.queries) {
  test(`search ${row.lang} "${row.q}" -> ${row.first}`, () => {
    const found = rank(services, row.q, vocabulary).map((service) => service.id);
    assert.equal(found[0], row.first, JSON.stringify(found));
    for (const id of row.absent || []) assert.ok(!found.includes(id), `${id} is listed: ${JSON.stringify(found)}`);
  });
}

test("Bangla and romanised Bangla sound alike", () => {
  for (const [bangla, latin] of [["জন্ম", "jonmo"], ["নিবন্ধন", "nibondhon"], ["সংশোধন", "songshodhon"], ["পরিচয়পত্র", "porichoypotro"]]) {
    assert.equal(sound(bangla), sound(latin), `${bangla} / ${latin}`);
  }
});
