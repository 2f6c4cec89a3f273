// The form rules the server applies (backend/chalicelib/validation.py), in JavaScript:
// the `x-normalise` clean-ups, the Bangladesh formats, and turning validator errors into
// field problems with the server's codes. schemas/examples/formats.json and the service
// examples are run against both (pwa/test/rules.test.mjs), so the two cannot drift.

import { addDays, toAsciiDigits, todayDhaka } from "./bangla.js";

// Python's str.split() / re's \s: Unicode whitespace, but not U+FEFF.
const WS = "\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const SPACES = new RegExp(`[${WS}]+`, "g");
const SPACE = new RegExp(`[${WS}]`, "g");
const SEPARATORS = new RegExp(`[${WS}\\-]`, "g");
const MOBILE_NOISE = new RegExp(`[${WS}\\-().]`, "g");
const EARLIEST = "1900-01-01";
const UPCOMING_WINDOW_DAYS = 366;

function mobile(text) {
  const digits = toAsciiDigits(text).replace(MOBILE_NOISE, "");
  for (const prefix of ["+88", "0088", "88"]) {
    if (digits.startsWith(prefix) && digits.length === prefix.length + 11) return digits.slice(prefix.length);
  }
  return digits;
}

export const NORMALISERS = {
  trim: (text) => text.split(SPACES).filter(Boolean).join(" "),
  digits: (text) => toAsciiDigits(text).replace(SEPARATORS, ""),
  "digits-keep-hyphen": (text) => toAsciiDigits(text).replace(SPACE, ""),
  "digits-keep-colon": (text) => toAsciiDigits(text).replace(SPACE, ""),
  mobile,
  upper: (text) => text.replace(SPACE, "").toUpperCase(),
  keep: (text) => text,
};

// Only ASCII (and, converted before this, Bangla) digits make a number, as on the server.
const INTEGER = /^[+-]?[0-9]+$/;
const DECIMAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

function asNumber(text, kind) {
  const compact = NORMALISERS.trim(toAsciiDigits(text).replaceAll(",", ""));
  if (!(kind === "integer" ? INTEGER : DECIMAL).test(compact)) return text;
  const number = Number(compact);
  return Number.isFinite(number) ? number : text;
}

const FORMAT_CHARACTER = /\p{Cf}/u;
const JOINERS = new Set(["\u200c", "\u200d"]); // ZWNJ, ZWJ: Bangla spells with them
const isBangla = (char) => char >= "\u0980" && char <= "\u09ff";

/** Text in one Unicode form (NFC), without invisible formatting characters; ZWJ/ZWNJ are
 * kept between two Bangla letters. The server's `clean_text` does the same. */
export function cleanText(text) {
  const normal = text.normalize("NFC");
  if (!FORMAT_CHARACTER.test(normal)) return normal;
  const chars = [...normal];
  return chars
    .filter((char, index) => !FORMAT_CHARACTER.test(char) ||
      (JOINERS.has(char) && index > 0 && index < chars.length - 1 && isBangla(chars[index - 1]) && isBangla(chars[index + 1])))
    .join("");
}

/** The value cleaned up as its schema's `x-normalise` rules say (strings always trimmed). */
export function normalise(value, schema = {}) {
  const kind = schema.type;
  if (typeof value === "string") {
    const cleaned = (NORMALISERS[schema["x-normalise"]] || NORMALISERS.trim)(cleanText(value));
    return kind === "integer" || kind === "number" ? asNumber(cleaned, kind) : cleaned;
  }
  if (kind === "object" && value && typeof value === "object" && !Array.isArray(value)) {
    const properties = schema.properties || {};
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v, properties[k] || {})]));
  }
  if (kind === "array" && Array.isArray(value)) return value.map((item) => normalise(item, schema.items || {}));
  return value;
}

// --- formats: each returns the problem code, or null when the value is fine ----------

function dateProblem(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return "date";
  const [year, month, day] = match.slice(1).map(Number);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return year >= 1 && days && day >= 1 && day <= days ? null : "date";
}

function yearPrefix(text, code) {
  if (text.length !== 17 || !/^[0-9]+$/.test(text)) return null;
  const year = Number(text.slice(0, 4));
  return year >= 1900 && year <= Number(todayDhaka().slice(0, 4)) ? null : code;
}

export const FORMATS = {
  date: dateProblem,
  "bd-past-date": (text) =>
    dateProblem(text) || (text > todayDhaka() ? "future_date" : text < EARLIEST ? "too_old_date" : null),
  "bd-upcoming-date": (text) =>
    dateProblem(text) ||
    (text < todayDhaka() ? "past_date" : text > addDays(todayDhaka(), UPCOMING_WINDOW_DAYS) ? "too_far_date" : null),
  "bd-nid": (text) => yearPrefix(text, "nid"),
  "bd-brn": (text) => yearPrefix(text, "brn"),
};

/** The format checks as the validator wants them (true: valid). Non-strings always pass. */
export const formatChecks = Object.fromEntries(
  Object.entries(FORMATS).map(([name, problem]) => [name, (value) => typeof value !== "string" || !problem(value)]),
);

// --- conditional fields and narrowed choices ------------------------------------------
// A form's top-level `allOf` holds `{if, then, else}` clauses. The app understands what the
// catalog uses, and the build refuses a form that needs more (see `unsupportedConditions`):
//   if:   required, properties with const / enum / minimum / maximum (nested too), not, allOf, anyOf
//   then: required (a field shows while some clause requiring it holds) and properties that
//         narrow a field: enum or const (fewer options), minimum / maximum (a tighter range).

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const IF_KEYWORDS = new Set(["required", "properties", "const", "enum", "minimum", "maximum",
  "exclusiveMinimum", "exclusiveMaximum", "not", "allOf", "anyOf", "type"]);
const NARROWING_KEYWORDS = new Set(["enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]);
const TYPES = {
  string: (v) => typeof v === "string", boolean: (v) => typeof v === "boolean",
  integer: Number.isInteger, number: (v) => typeof v === "number", object: (v) => v !== null && typeof v === "object" && !Array.isArray(v),
  array: Array.isArray, null: (v) => v === null,
};

/** Whether `value` satisfies an `if` schema (the keywords above; absent properties pass, as in JSON Schema). */
export function holds(schema, value) {
  if (schema === true || schema == null) return true;
  if (schema === false) return false;
  if ("const" in schema && !same(value, schema.const)) return false;
  if (schema.enum && !schema.enum.some((item) => same(item, value))) return false;
  if (schema.type && ![].concat(schema.type).some((type) => TYPES[type]?.(value))) return false;
  if (typeof value === "number") {
    if (schema.minimum != null && value < schema.minimum) return false;
    if (schema.maximum != null && value > schema.maximum) return false;
    if (schema.exclusiveMinimum != null && value <= schema.exclusiveMinimum) return false;
    if (schema.exclusiveMaximum != null && value >= schema.exclusiveMaximum) return false;
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const name of schema.required || []) if (value[name] === undefined) return false;
    for (const [name, sub] of Object.entries(schema.properties || {})) {
      if (value[name] !== undefined && !holds(sub, value[name])) return false;
    }
  }
  if (schema.not && holds(schema.not, value)) return false;
  if (schema.allOf && !schema.allOf.every((sub) => holds(sub, value))) return false;
  if (schema.anyOf && !schema.anyOf.some((sub) => holds(sub, value))) return false;
  return true;
}

/** The part of each clause that applies now: its `then` while its `if` holds, else its `else`. */
const applying = (form, value) =>
  (form.allOf || []).map((clause) => (holds(clause.if, value || {}) ? clause.then : clause.else)).filter(Boolean);

/**
 * Which top-level fields are conditional, and whether each shows now: a field named only
 * in some clause's `then.required` (or `else.required`), never in the form's own `required`,
 * shows while such a clause applies.
 */
export function conditionalFields(form, value) {
  const always = new Set(form.required || []);
  const shown = new Map();
  for (const clause of form.allOf || []) {
    for (const branch of [clause.then, clause.else]) {
      for (const name of branch?.required || []) if (!always.has(name)) shown.set(name, false);
    }
  }
  for (const branch of applying(form, value)) {
    for (const name of branch.required || []) if (shown.has(name)) shown.set(name, true);
  }
  return shown;
}

/**
 * What the applying clauses allow of each top-level field they narrow:
 * Map name -> {options?: [values allowed], minimum?, maximum?, exclusiveMinimum?, exclusiveMaximum?}.
 * Several clauses narrowing one field each narrow it further.
 */
export function narrowing(form, value) {
  const found = new Map();
  for (const branch of applying(form, value)) {
    for (const [name, rule] of Object.entries(branch.properties || {})) {
      const base = form.properties?.[name] || {};
      const limits = found.get(name) || (base.enum ? { options: base.enum } : {});
      const allowed = "const" in rule ? [rule.const] : rule.enum;
      if (allowed) limits.options = (limits.options || allowed).filter((item) => allowed.some((other) => same(item, other)));
      for (const key of ["minimum", "exclusiveMinimum"]) if (rule[key] != null) limits[key] = Math.max(rule[key], limits[key] ?? -Infinity);
      for (const key of ["maximum", "exclusiveMaximum"]) if (rule[key] != null) limits[key] = Math.min(rule[key], limits[key] ?? Infinity);
      found.set(name, limits);
    }
  }
  return found;
}

/** Whether a field's value is inside what `narrowing` allows. */
export function allowed(limits, value) {
  if (!limits || value === undefined) return true;
  if (limits.options && !limits.options.some((item) => same(item, value))) return false;
  if (typeof value === "number") return holds(limits, value);
  return true;
}

/**
 * The form as it settles after an answer: which conditional fields show, what each narrowed
 * field allows, and the value the conditions were judged on (hidden fields and choices no
 * longer allowed left out, until nothing more changes: an answer dropped can hide a field).
 */
export function settle(form, value) {
  let current = { ...(value || {}) };
  for (let round = 0; ; round += 1) {
    const shown = conditionalFields(form, current);
    const narrowed = narrowing(form, current);
    const next = Object.fromEntries(Object.entries(current).filter(([name, item]) =>
      shown.get(name) !== false && !(narrowed.get(name)?.options && !allowed(narrowed.get(name), item))));
    if (Object.keys(next).length === Object.keys(current).length || round > 20) return { shown, narrowed, value: next };
    current = next;
  }
}

/** What in a form's conditions the app cannot show (each as "where: what"); empty when all is understood. */
export function unsupportedConditions(form) {
  const problems = [];
  const checkIf = (schema, where) => {
    if (typeof schema === "boolean") return;
    for (const [key, sub] of Object.entries(schema || {})) {
      if (!IF_KEYWORDS.has(key)) problems.push(`${where}: "${key}"`);
      else if (key === "properties") for (const [name, inner] of Object.entries(sub)) checkIf(inner, `${where}.properties.${name}`);
      else if (key === "not") checkIf(sub, `${where}.not`);
      else if (key === "allOf" || key === "anyOf") sub.forEach((inner, i) => checkIf(inner, `${where}.${key}[${i}]`));
    }
  };
  (form.allOf || []).forEach((clause, i) => {
    for (const key of Object.keys(clause)) if (!["if", "then", "else"].includes(key)) problems.push(`allOf[${i}]: "${key}"`);
    checkIf(clause.if, `allOf[${i}].if`);
    for (const part of ["then", "else"]) {
      for (const [key, sub] of Object.entries(clause[part] || {})) {
        const where = `allOf[${i}].${part}`;
        if (key === "required") {
          for (const name of sub) if (!form.properties?.[name]) problems.push(`${where}.required: no field "${name}"`);
        } else if (key === "properties") {
          for (const [name, rule] of Object.entries(sub)) {
            if (!form.properties?.[name]) problems.push(`${where}.properties: no field "${name}"`);
            for (const inner of Object.keys(rule)) if (!NARROWING_KEYWORDS.has(inner)) problems.push(`${where}.properties.${name}: "${inner}"`);
          }
        } else problems.push(`${where}: "${key}"`);
      }
    }
  });
  return problems;
}

// --- validator errors to field problems ----------------------------------------------

/** The part of `schema` a path (list of steps) points at. */
export function subschema(schema, steps) {
  let node = schema;
  for (const step of steps) {
    if (node.type === "array" || node.items) node = node.items || {};
    else node = (node.properties || {})[step] || {};
  }
  return node;
}

const LIMITS = {
  maxLength: "too_long", minLength: "too_short", minimum: "too_small", maximum: "too_large",
  exclusiveMinimum: "too_small", exclusiveMaximum: "too_large", minItems: "too_few", maxItems: "too_many",
};
const SIMPLE = { enum: "enum", const: "invalid", type: "type", uniqueItems: "duplicate" };

/** Every problem code this file can give (besides a field's own `x-problem`). */
export const PROBLEM_CODES = [...new Set([
  "required", "unknown_field", "invalid", "pattern", ...Object.values(LIMITS), ...Object.values(SIMPLE),
  "date", "future_date", "too_old_date", "past_date", "too_far_date", "nid", "brn", "must_tick",
])];

function valueAt(data, steps) {
  return steps.reduce((node, step) => (node == null ? undefined : node[step]), data);
}

// A box that must be ticked and is not: its own problem (the declaration's), or "must_tick".
const tickCode = (field) => field["x-problem"] || "must_tick";

function problemOf(error, form, data) {
  const steps = error.instancePath ? error.instancePath.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~")) : [];
  const { keyword, params } = error;
  if (keyword === "required") {
    const missing = subschema(form, [...steps, params.missingProperty]);
    return [{ steps: [...steps, params.missingProperty], code: missing.const === true ? tickCode(missing) : "required" }];
  }
  if (keyword === "additionalProperties") return [{ steps: [...steps, params.additionalProperty], code: "unknown_field" }];
  if (keyword === "if") return [];
  const field = subschema(form, steps);
  const value = valueAt(data, steps);
  if (keyword === "format") return [{ steps, code: FORMATS[params.format]?.(value) || "invalid" }];
  if (keyword === "pattern") return [{ steps, code: field["x-problem"] || "pattern" }];
  if (keyword === "const" && params.allowedValue === true) return [{ steps, code: tickCode(field) }];
  if (keyword === "minLength" && value === "") return [{ steps, code: "required" }];
  if (keyword in LIMITS) return [{ steps, code: LIMITS[keyword], limit: params.limit }];
  return [{ steps, code: SIMPLE[keyword] || "invalid" }];
}

/**
 * Field problems of a (normalised) form: [{path: "father.nid", steps, code, limit?}], one per
 * path and code, in form order, as the server would report them.
 */
export function problemsOf(errors, form, data) {
  const seen = new Set();
  const found = [];
  for (const error of errors || []) {
    for (const problem of problemOf(error, form, data)) {
      const path = problem.steps.join(".");
      if (seen.has(`${path} ${problem.code}`)) continue;
      seen.add(`${path} ${problem.code}`);
      found.push({ ...problem, path });
    }
  }
  // Form order: by the `x-ui.order` of the first two levels (the envelope's part, then the
  // form's top-level field), then by path, as the server sorts.
  const order = (problem, depth) => subschema(form, problem.steps.slice(0, depth + 1))["x-ui"]?.order ?? 10000;
  return found.sort((a, b) => order(a, 0) - order(b, 0) || order(a, 1) - order(b, 1) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The schema with only what validation needs (labels and layout stay in the service file). */
export function validationOnly(schema) {
  if (Array.isArray(schema)) return schema.map(validationOnly);
  if (!schema || typeof schema !== "object") return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith("x-") || key === "description" || key === "title") continue;
    if (key === "properties" || key === "definitions") {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, validationOnly(sub)]));
    } else out[key] = validationOnly(value);
  }
  return out;
}
