// Conditions in a form (allOf[].if/then): which fields show, which options a condition
// leaves, and how an answer dropped by one condition settles the others. The forms below
// are cut down from the catalog's (utility bills, e-passport, land mutation, trade licence);
// the last tests run every service of the built catalog.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { allowed, conditionalFields, holds, narrowing, settle, unsupportedConditions } from "../src/rules.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CATALOG = path.join(HERE, "..", ".catalog", "services");
const EXAMPLES = path.join(HERE, "..", "..", "schemas", "examples");

const when = (name, test) => ({ properties: { [name]: test }, required: [name] });

const utility = {
  required: ["utility", "provider"],
  properties: {
    utility: { enum: ["ELECTRICITY", "GAS", "WATER"] },
    provider: { enum: ["DESCO", "DPDC", "TITAS", "OTHER_GAS", "DHAKA_WASA", "OTHER_WATER"] },
    provider_name: { type: "string" },
  },
  allOf: [
    { if: when("utility", { const: "ELECTRICITY" }), then: { properties: { provider: { enum: ["DESCO", "DPDC"] } } } },
    { if: when("utility", { const: "GAS" }), then: { properties: { provider: { enum: ["TITAS", "OTHER_GAS"] } } } },
    { if: when("utility", { const: "WATER" }), then: { properties: { provider: { enum: ["DHAKA_WASA", "OTHER_WATER"] } } } },
    { if: when("provider", { enum: ["OTHER_GAS", "OTHER_WATER"] }), then: { required: ["provider_name"] } },
  ],
};

const passport = {
  required: ["age_group", "pages", "validity_years"],
  properties: {
    age_group: { enum: ["UNDER_18", "OVER_20"] },
    pages: { enum: ["48", "64"] },
    validity_years: { enum: ["5", "10"] },
    brn: { type: "string" },
  },
  allOf: [
    { if: when("age_group", { const: "UNDER_18" }), then: { required: ["brn"], properties: { pages: { enum: ["48"] }, validity_years: { enum: ["5"] } } } },
  ],
};

test("an `if` testing with enum holds for any listed value, and only when the field is given", () => {
  const clause = when("acquired_by", { enum: ["PURCHASE", "GIFT"] });
  assert.equal(holds(clause, { acquired_by: "GIFT" }), true);
  assert.equal(holds(clause, { acquired_by: "INHERITANCE" }), false);
  assert.equal(holds(clause, {}), false);
  assert.equal(holds({ properties: { acquired_by: { enum: ["GIFT"] } } }, {}), true); // absent: nothing to test
});

test("an `if` on a tick box holds for false as well as true", () => {
  const clause = when("present_same_as_permanent", { const: false });
  assert.equal(holds(clause, { present_same_as_permanent: false }), true);
  assert.equal(holds(clause, { present_same_as_permanent: true }), false);
});

test("numbers, not, anyOf in an `if`", () => {
  assert.equal(holds({ properties: { age: { minimum: 18, exclusiveMaximum: 21 } } }, { age: 20 }), true);
  assert.equal(holds({ properties: { age: { minimum: 18, exclusiveMaximum: 21 } } }, { age: 21 }), false);
  assert.equal(holds({ not: when("kind", { const: "A" }) }, { kind: "B" }), true);
  assert.equal(holds({ anyOf: [when("kind", { const: "A" }), when("kind", { const: "B" })] }, { kind: "B" }), true);
  assert.equal(holds({ anyOf: [when("kind", { const: "A" }), when("kind", { const: "B" })] }, { kind: "C" }), false);
});

test("a field required by an enum condition shows for every listed value", () => {
  const form = { required: ["acquired_by"], allOf: [{ if: when("acquired_by", { enum: ["PURCHASE", "GIFT"] }), then: { required: ["deed_number"] } }] };
  assert.equal(conditionalFields(form, { acquired_by: "PURCHASE" }).get("deed_number"), true);
  assert.equal(conditionalFields(form, { acquired_by: "GIFT" }).get("deed_number"), true);
  assert.equal(conditionalFields(form, { acquired_by: "INHERITANCE" }).get("deed_number"), false);
});

test("a field required by either of two conditions shows while either holds; `else` counts too", () => {
  const form = {
    required: ["age_group"],
    allOf: [
      { if: when("age_group", { const: "OVER_20" }), then: { required: ["nid"] } },
      { if: when("identity_document", { const: "NID" }), then: { required: ["nid"] } },
      { if: when("age_group", { const: "UNDER_18" }), then: { required: ["brn"] }, else: { required: ["photo_consent"] } },
    ],
  };
  assert.equal(conditionalFields(form, { age_group: "OVER_20" }).get("nid"), true);
  assert.equal(conditionalFields(form, { age_group: "AGE_18_TO_20", identity_document: "NID" }).get("nid"), true);
  assert.equal(conditionalFields(form, { age_group: "AGE_18_TO_20", identity_document: "BRN" }).get("nid"), false);
  assert.equal(conditionalFields(form, { age_group: "UNDER_18" }).get("photo_consent"), false);
  assert.equal(conditionalFields(form, { age_group: "OVER_20" }).get("photo_consent"), true);
});

test("the utility kind leaves only its own providers", () => {
  assert.deepEqual(narrowing(utility, { utility: "GAS" }).get("provider").options, ["TITAS", "OTHER_GAS"]);
  assert.deepEqual(narrowing(utility, { utility: "WATER" }).get("provider").options, ["DHAKA_WASA", "OTHER_WATER"]);
  assert.equal(narrowing(utility, {}).has("provider"), false); // no kind yet: every provider
});

test("under 18, a passport has only 48 pages and 5 years", () => {
  const narrowed = narrowing(passport, { age_group: "UNDER_18" });
  assert.deepEqual(narrowed.get("pages").options, ["48"]);
  assert.deepEqual(narrowed.get("validity_years").options, ["5"]);
  assert.equal(allowed(narrowed.get("pages"), "64"), false);
  assert.equal(narrowing(passport, { age_group: "OVER_20" }).size, 0);
});

test("two conditions narrowing one field leave what both allow; a range only tightens", () => {
  const form = {
    properties: { years: { type: "integer", minimum: 1, maximum: 5 }, kind: { enum: ["A", "B", "C"] } },
    allOf: [
      { if: when("authority", { enum: ["CITY", "UNION"] }), then: { properties: { years: { maximum: 1 } } } },
      { if: when("shop", { const: true }), then: { properties: { years: { maximum: 3 }, kind: { enum: ["A", "B"] } } } },
      { if: when("market", { const: true }), then: { properties: { kind: { const: "B" } } } },
    ],
  };
  const both = narrowing(form, { authority: "UNION", shop: true, market: true });
  assert.equal(both.get("years").maximum, 1);
  assert.deepEqual(both.get("kind").options, ["B"]);
  assert.equal(allowed(both.get("years"), 1), true);
  assert.equal(allowed(both.get("years"), 5), false);
  assert.equal(narrowing(form, { shop: true }).get("years").maximum, 3);
});

test("a choice a new condition disallows is dropped, and so is the field it called for", () => {
  // GIVEN gas from "another company", which asks for the company's name
  const before = settle(utility, { utility: "GAS", provider: "OTHER_GAS", provider_name: "Jalalabad Gas" });
  assert.equal(before.shown.get("provider_name"), true);
  // WHEN the utility becomes water
  const after = settle(utility, { utility: "WATER", provider: "OTHER_GAS", provider_name: "Jalalabad Gas" });
  // THEN the gas company is no longer a choice, and its name is no longer asked for
  assert.equal("provider" in after.value, false);
  assert.equal(after.shown.get("provider_name"), false);
  assert.deepEqual(after.value, { utility: "WATER" });
});

test("a hidden field's answer does not decide another condition", () => {
  const form = {
    required: ["age_group"],
    allOf: [
      { if: when("age_group", { const: "AGE_18_TO_20" }), then: { required: ["identity_document"] } },
      { if: when("identity_document", { const: "NID" }), then: { required: ["nid"] } },
    ],
  };
  assert.equal(settle(form, { age_group: "AGE_18_TO_20", identity_document: "NID" }).shown.get("nid"), true);
  assert.equal(settle(form, { age_group: "UNDER_18", identity_document: "NID" }).shown.get("nid"), false);
});

test("what the app cannot show is named, so the build can refuse it", () => {
  const form = {
    properties: { kind: {}, code: {} },
    allOf: [
      { if: when("kind", { pattern: "^A" }), then: { required: ["code"] } },
      { if: when("kind", { const: "B" }), then: { properties: { code: { pattern: "^[0-9]+$" } }, minProperties: 2 } },
      { if: when("kind", { const: "C" }), then: { required: ["missing"] } },
    ],
  };
  assert.deepEqual(unsupportedConditions(form), [
    'allOf[0].if.properties.kind: "pattern"',
    'allOf[1].then.properties.code: "pattern"',
    'allOf[1].then: "minProperties"',
    'allOf[2].then.required: no field "missing"',
  ]);
  assert.deepEqual(unsupportedConditions(utility), []);
});

// --- the built catalog ---------------------------------------------------------------------
const built = fs.existsSync(CATALOG) ? fs.readdirSync(CATALOG).filter((name) => name.endsWith(".json")) : [];
const skip = !built.length && "run `make catalog` first";
const DHAKA_OFFSET_MS = 6 * 3600 * 1000;
const dated = (value) => JSON.parse(JSON.stringify(value), (key, item) => {
  const match = typeof item === "string" && /^\{\{today([+-][0-9]+)\}\}$/.exec(item);
  return match ? new Date(Date.now() + DHAKA_OFFSET_MS + Number(match[1]) * 86400000).toISOString().slice(0, 10) : item;
});

test("the app understands every condition in the catalog", { skip }, () => {
  for (const name of built) {
    const service = JSON.parse(fs.readFileSync(path.join(CATALOG, name), "utf8"));
    assert.deepEqual(unsupportedConditions(service.form), [], service.id);
  }
});

test("a valid example keeps every choice, and loses only fields its answers do not ask for", { skip }, () => {
  for (const name of built) {
    const service = JSON.parse(fs.readFileSync(path.join(CATALOG, name), "utf8"));
    const dir = path.join(EXAMPLES, service.id);
    for (const file of fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith("valid-")) : []) {
      const example = dated(JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")));
      const state = settle(service.form, example);
      for (const [field, limits] of state.narrowed) assert.ok(allowed(limits, example[field]), `${service.id}/${file}: ${field}`);
      for (const field of Object.keys(example).filter((key) => !(key in state.value))) {
        assert.equal(state.shown.get(field), false, `${service.id}/${file}: ${field} dropped`);
      }
    }
  }
});

test("the catalog's narrowing examples are refused by narrowing alone", { skip }, () => {
  const cases = [["utility-bill-payment", "invalid-provider-enum.json", "provider"], ["trade-licence-renewal", "invalid-years-too_large.json", "years"]];
  for (const [id, file, field] of cases) {
    const service = JSON.parse(fs.readFileSync(path.join(CATALOG, `${id}.json`), "utf8"));
    const example = dated(JSON.parse(fs.readFileSync(path.join(EXAMPLES, id, file), "utf8")));
    const value = field === "years" ? { ...example, years: Number(example.years) } : example;
    assert.equal(allowed(narrowing(service.form, value).get(field), value[field]), false, `${id}/${file}`);
  }
});
