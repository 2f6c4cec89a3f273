// The browser's form rules against the cases the server is tested with:
// schemas/examples/formats.json (clean-ups and formats) and every service's examples.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import Ajv from "ajv";
import { todayDhaka } from "../src/bangla.js";
import { crossFieldProblems } from "../src/conditions.js";
import { cleanText, conditionalFields, formatChecks, normalise, NORMALISERS, PROBLEM_CODES, problemsOf } from "../src/rules.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SCHEMAS = path.join(HERE, "..", "..", "schemas");
const DIST = path.join(HERE, "..", "dist");
const cases = JSON.parse(fs.readFileSync(path.join(SCHEMAS, "examples", "formats.json"), "utf8"));
const defs = JSON.parse(fs.readFileSync(path.join(SCHEMAS, "defs", "bd.json"), "utf8")).definitions;

const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: true, formats: formatChecks });

for (const item of cases.normalise) {
  test(`normalise ${item.rule}: ${JSON.stringify(item.input)}`, () => {
    assert.equal(NORMALISERS[item.rule](item.input), item.output);
  });
}

for (const item of cases.text) {
  test(`every string is cleaned up first: ${item.why}`, () => {
    assert.equal(cleanText(item.input), item.output);
  });
}

for (const item of cases.numbers) {
  test(`typed number ${item.kind}: ${JSON.stringify(item.input)}`, () => {
    assert.strictEqual(normalise(item.input, { type: item.kind }), item.output);
  });
}

for (const item of cases.formats) {
  test(`format ${item.def}: ${item.value} -> ${item.problem}`, () => {
    const schema = { type: "object", properties: { value: defs[item.def] } };
    const data = normalise({ value: item.value }, schema);
    const validate = ajv.compile(schema);
    validate(data);
    const codes = problemsOf(validate.errors, schema, data).map((problem) => problem.code);
    assert.deepEqual(codes, item.problem ? [item.problem] : []);
  });
}

test("numbers typed with Bangla digits become numbers", () => {
  assert.equal(normalise("১২", { type: "integer" }), 12);
  assert.equal(normalise("১,০০,০০০.৫০", { type: "number" }), 100000.5);
  assert.equal(normalise("বারো", { type: "integer" }), "বারো");
});

test("a conditional field shows only while its condition holds", () => {
  const form = { required: ["kind"], allOf: [{ if: { properties: { kind: { const: "PHONE" } }, required: ["kind"] }, then: { required: ["imei"] } }] };
  assert.equal(conditionalFields(form, { kind: "PHONE" }).get("imei"), true);
  assert.equal(conditionalFields(form, { kind: "NID" }).get("imei"), false);
  assert.equal(conditionalFields(form, {}).get("imei"), false);
});

// The precompiled checks the build ships (dist/): each service's examples must come out
// as the server says (geo_* problems are left to the address picker and the server).
const catalogFile = fs.existsSync(path.join(DIST, "assets"))
  ? fs.readdirSync(path.join(DIST, "assets")).find((name) => /^catalog\..+\.json$/.test(name))
  : null;
const catalog = catalogFile ? JSON.parse(fs.readFileSync(path.join(DIST, "assets", catalogFile), "utf8")) : { services: [] };

test("the build shipped a check for every service", { skip: !catalogFile && "run the build first" }, () => {
  for (const service of catalog.services) assert.ok(fs.existsSync(path.join(DIST, service.check)), service.check);
});

// Examples that need a future date say "{{today+N}}": the Dhaka date N days from now.
const DHAKA_OFFSET_MS = 6 * 3600 * 1000;
function dated(value) {
  const match = typeof value === "string" && /^\{\{today([+-][0-9]+)\}\}$/.exec(value);
  if (match) return new Date(Date.now() + DHAKA_OFFSET_MS + Number(match[1]) * 86400000).toISOString().slice(0, 10);
  if (Array.isArray(value)) return value.map(dated);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, dated(v)]));
  return value;
}

for (const service of catalog.services) {
  const dir = path.join(SCHEMAS, "examples", service.id);
  if (!fs.existsSync(dir)) continue;
  const doc = JSON.parse(fs.readFileSync(path.join(DIST, service.doc), "utf8"));
  const submission = JSON.parse(fs.readFileSync(path.join(HERE, "..", ".catalog", "meta", "submission.json"), "utf8"));
  const root = { type: "object", properties: { applicant: submission.properties.applicant, form: doc.form } };
  for (const name of fs.readdirSync(dir).sort()) {
    const match = /^invalid-(.+)-([a-z_]+)\.json$/.exec(name);
    test(`${service.id} ${name}`, { skip: match?.[2].startsWith("geo_") ? "areas are checked by the picker and the server" : false }, async () => {
      const { default: validate } = await import(pathToFileURL(path.join(DIST, service.check)).href);
      const form = dated(JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")));
      const body = normalise({ service_id: service.id, service_version: service.version, applicant: { name: "রহিম উদ্দিন", phone: "০১৭১২-৩৪৫৬৭৮" }, form }, root);
      validate(body);
      const found = problemsOf(validate.errors, root, body).map((problem) => `${problem.path} ${problem.code}`);
      // then the form's cross-field rules, as the server runs them after the schema
      found.push(...crossFieldProblems(doc.form, body.form, todayDhaka(), new Set(found.map((line) => line.split(" ")[0].slice(5)))).map((problem) => `form.${problem.path} ${problem.code}`));
      // As the server's test reads the name: the problem is at the path or inside it.
      const expected = `form.${match?.[1]}`;
      const hit = (line) => { const [where, code] = line.split(" "); return code === match[2] && (where === expected || where.startsWith(`${expected}.`)); };
      if (match) assert.ok(found.some(hit), `expected ${expected} ${match[2]}, got ${found.join(", ") || "nothing"}`);
      else assert.deepEqual(found, []);
    });
  }
}

const readService = (service) => JSON.parse(fs.readFileSync(path.join(DIST, service.doc), "utf8"));

// Field errors are shown in the server's own sentences (.catalog/meta/messages.json, bundled
// by the build); the app keeps no copy of them.
const MESSAGES = path.join(HERE, "..", ".catalog", "meta", "messages.json");
test("every problem the browser can find has the server's sentence, in both languages", { skip: !fs.existsSync(MESSAGES) && "run `make catalog` first" }, () => {
  const { fields } = JSON.parse(fs.readFileSync(MESSAGES, "utf8"));
  const own = catalog.services.flatMap((service) => {
    const dir = path.join(SCHEMAS, "examples", service.id);
    // a cross-field rule's code comes with its own sentence, in the service file
    const own = new Set((readService(service).form["x-rules"] || []).map((rule) => rule.code));
    return fs.existsSync(dir) ? fs.readdirSync(dir).map((name) => /^invalid-.+-([a-z_]+)\.json$/.exec(name)?.[1]).filter((code) => code && !own.has(code)) : [];
  });
  const namesItself = new Set(["declaration"]); // "ঘোষণায় টিক দিন", not the whole sentence it ticks
  for (const code of new Set([...PROBLEM_CODES, ...own])) {
    assert.ok(fields[code]?.bn && fields[code]?.en, code);
    if (namesItself.has(code)) continue;
    assert.match(fields[code].bn, /\{label_bn\}/, code);
    assert.match(fields[code].en, /\{label_en\}/, code);
  }
  for (const file of ["bn.json", "en.json"]) {
    const strings = JSON.parse(fs.readFileSync(path.join(HERE, "..", "i18n", file), "utf8"));
    assert.equal("field_errors" in strings, false, `${file} repeats the server's field sentences`);
  }
});

test("a server sentence gets the field's label and the limit in the language's digits", { skip: !fs.existsSync(MESSAGES) && "run `make catalog` first" }, async () => {
  const { fields } = JSON.parse(fs.readFileSync(MESSAGES, "utf8"));
  const { fieldSentence } = await import("../src/i18n.js");
  assert.equal(fieldSentence(fields.too_long, { bn: "নাম", en: "Name" }, 100), "'নাম' সর্বোচ্চ ১০০ অক্ষরের হতে পারে।");
  assert.equal(fieldSentence(fields.required, { bn: "ঘোষণা", en: "Declaration" }), "'ঘোষণা' দিতে হবে।");
});
