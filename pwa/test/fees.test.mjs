// The browser's fee rules and cross-field rules against the cases the server is tested on:
// schemas/examples/fees.json and cross-field.json, with the services as the catalog build
// wrote them (.catalog/services/).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { crossFieldProblems, holds } from "../src/conditions.js";
import { quote, workingDaysFor } from "../src/fees.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const EXAMPLES = path.join(HERE, "..", "..", "schemas", "examples");
const SERVICES = path.join(HERE, "..", ".catalog", "services");
const built = fs.existsSync(SERVICES);
const readJSON = (file) => JSON.parse(fs.readFileSync(file, "utf8"));
const service = (id) => readJSON(path.join(SERVICES, `${id}.json`));
const fees = readJSON(path.join(EXAMPLES, "fees.json"));
const crossField = readJSON(path.join(EXAMPLES, "cross-field.json"));

for (const item of fees.cases) {
  test(`fee: ${item.service}: ${item.title}`, { skip: !built && "run `make catalog` first" }, () => {
    const found = quote(service(item.service), item.form, item.on);
    assert.deepEqual(found.lines.map((line) => ({ row: line.row, amount_poisha: line.amount_poisha })), item.lines);
    assert.equal(found.total_poisha, item.total_poisha);
    if ("awaiting" in item) assert.deepEqual(found.awaiting, item.awaiting);
  });
}

for (const item of crossField.conditions) {
  test(`condition: ${item.title}`, () => {
    assert.equal(holds(item.condition, item.form, item.on), item.holds);
  });
}

for (const item of crossField.cases) {
  test(`cross-field: ${item.service}: ${item.title}`, { skip: !built && "run `make catalog` first" }, () => {
    const found = crossFieldProblems(service(item.service).form, item.form, item.on);
    assert.deepEqual(found.map((problem) => ({ path: problem.path, code: problem.code })), item.problems);
  });
}

test("money stays in whole poisha and the cap is said unknown where no source sets it", { skip: !built && "run `make catalog` first" }, () => {
  const found = quote(service("epassport-new"), { pages: "48", validity_years: "5", delivery_type: "REGULAR", government_employee: false }, "2026-12-01");
  assert.ok(Number.isInteger(found.total_poisha));
  assert.equal(found.service_charge_cap_poisha, null);
  assert.equal(found.service_charge_cap_confirmed, false);
});

test("the time limit follows the delivery chosen", { skip: !built && "run `make catalog` first" }, () => {
  const passport = service("epassport-new");
  assert.equal(workingDaysFor(passport, { delivery_type: "EXPRESS" }), 7);
  assert.equal(workingDaysFor(passport, { delivery_type: "SUPER_EXPRESS" }), 2);
  assert.equal(workingDaysFor(passport, {}), 15);
});
