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
};

function asNumber(text, kind) {
  const compact = NORMALISERS.trim(toAsciiDigits(text).replaceAll(",", ""));
  const integer = /^[+-]?\d+(?:_\d+)*$/;
  const decimal = /^[+-]?(?:\d+(?:_\d+)*)?(?:\.\d+(?:_\d+)*)?(?:[eE][+-]?\d+)?$/;
  if (kind === "integer") return integer.test(compact) ? Number(compact.replaceAll("_", "")) : text;
  if (!/\d/.test(compact) || !decimal.test(compact)) return text;
  return Number(compact.replaceAll("_", ""));
}

/** The value cleaned up as its schema's `x-normalise` rules say (strings always trimmed). */
export function normalise(value, schema = {}) {
  const kind = schema.type;
  if (typeof value === "string") {
    const cleaned = (NORMALISERS[schema["x-normalise"]] || NORMALISERS.trim)(value);
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

// --- conditional fields -------------------------------------------------------------

/** Whether `value` satisfies a (simple) `if` schema: required, properties with const/enum/type. */
export function holds(schema, value) {
  if (!schema || typeof schema !== "object") return true;
  const object = value && typeof value === "object" ? value : {};
  for (const name of schema.required || []) if (!(name in object) || object[name] === undefined) return false;
  if ("const" in schema && JSON.stringify(value) !== JSON.stringify(schema.const)) return false;
  if (schema.enum && !schema.enum.some((item) => JSON.stringify(item) === JSON.stringify(value))) return false;
  for (const [name, sub] of Object.entries(schema.properties || {})) {
    if (name in object && object[name] !== undefined && !holds(sub, object[name])) return false;
  }
  return true;
}

/**
 * Which top-level fields are conditional, and whether each shows now: a field named only
 * in some `allOf[].then.required` (never in the form's own `required`) shows while that `if` holds.
 */
export function conditionalFields(form, value) {
  const always = new Set(form.required || []);
  const shown = new Map();
  for (const clause of form.allOf || []) {
    const active = holds(clause.if, value);
    for (const name of clause.then?.required || []) {
      if (always.has(name)) continue;
      shown.set(name, (shown.get(name) || false) || active);
    }
  }
  return shown;
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

function valueAt(data, steps) {
  return steps.reduce((node, step) => (node == null ? undefined : node[step]), data);
}

function problemOf(error, form, data) {
  const steps = error.instancePath ? error.instancePath.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~")) : [];
  const { keyword, params } = error;
  if (keyword === "required") return [{ steps: [...steps, params.missingProperty], code: "required" }];
  if (keyword === "additionalProperties") return [{ steps: [...steps, params.additionalProperty], code: "unknown_field" }];
  if (keyword === "if") return [];
  const field = subschema(form, steps);
  const value = valueAt(data, steps);
  if (keyword === "format") return [{ steps, code: FORMATS[params.format]?.(value) || "invalid" }];
  if (keyword === "pattern") return [{ steps, code: field["x-problem"] || "pattern" }];
  if ((keyword === "minLength" && value === "") || (keyword === "const" && params.allowedValue === true)) {
    return [{ steps, code: "required" }];
  }
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
