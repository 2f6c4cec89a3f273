// The condition language of service files and the form's cross-field rules (`x-rules`), as
// the server has them (backend/chalicelib/domain/conditions.py, where the language is
// described). A condition is true, false, or null (not yet known: an answer it needs is
// missing). Both are run on schemas/examples/fees.json and cross-field.json (pwa/test/).

const TESTS = ["equals", "one_of", "includes", "at_least", "at_most", "less_than", "more_than"];
const DAY_MS = 86400000;

/** Whether an answer counts as not given (missing, empty text or an empty list). */
export const isAbsent = (value) => value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);

function walk(node, steps) {
  if (!steps.length) return node;
  const [step, ...rest] = steps;
  if (step === "*") {
    if (!Array.isArray(node)) return null;
    return node.map((row) => walk(row, rest)).filter((item) => !isAbsent(item));
  }
  if (!node || typeof node !== "object" || Array.isArray(node)) return null;
  return walk(node[step], rest);
}

/** The answer at a dotted path (null when absent); `*` collects it from every row. */
export const answer = (form, path) => walk(form, path ? path.split(".") : []);

/** A YYYY-MM-DD answer as days since 1970 (UTC), or null when it is not a real date. */
export function dayNumber(value) {
  const match = typeof value === "string" && /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number);
  const moment = new Date(Date.UTC(year, month - 1, day));
  if (year < 1 || moment.getUTCFullYear() !== year || moment.getUTCMonth() !== month - 1 || moment.getUTCDate() !== day) return null;
  return moment.getTime() / DAY_MS;
}

/** Whole years from `born` to `on` (both YYYY-MM-DD); a birthday not yet reached is not counted. */
export function ageInYears(born, on) {
  const [by, bm, bd] = born.split("-").map(Number);
  const [oy, om, od] = on.split("-").map(Number);
  return oy - by - (om < bm || (om === bm && od < bd) ? 1 : 0);
}

/** What a condition compares: the answer, its count, or its age (null if not known). */
export function measured(condition, form, today) {
  const value = answer(form, condition.field || "");
  const measure = condition.measure || "value";
  if (measure === "count") return Array.isArray(value) ? value.length : isAbsent(value) ? 0 : null;
  if (measure === "age_days" || measure === "age_years") {
    const on = "on" in condition ? answer(form, condition.on) : today;
    const born = dayNumber(value);
    const until = dayNumber(on);
    if (born === null || until === null) return null;
    return measure === "age_days" ? until - born : ageInYears(value, on);
  }
  return isAbsent(value) ? null : value;
}

/** JSON equality: true is not 1, 1 is 1.0. */
export const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const isNumber = (value) => typeof value === "number";

function test(name, expected, value) {
  if (name === "equals") return same(value, expected);
  if (name === "one_of") return expected.some((item) => same(value, item));
  if (name === "includes") return Array.isArray(value) && value.some((item) => same(item, expected));
  if (!isNumber(value)) return false;
  return { at_least: value >= expected, at_most: value <= expected, less_than: value < expected, more_than: value > expected }[name];
}

/** Whether a condition holds for these answers on the day `today` (YYYY-MM-DD): true, false or null. */
export function holds(condition, form, today) {
  if (condition.any) return anyOf(condition.any, form, today);
  if (condition.all) return allOf(condition.all, form, today);
  if (condition.not) {
    const inner = holds(condition.not, form, today);
    return inner === null ? null : !inner;
  }
  if ("answered" in condition && !isAbsent(answer(form, condition.field)) !== condition.answered) return false;
  const tests = TESTS.filter((name) => name in condition);
  if (!tests.length) return true;
  const value = measured(condition, form, today);
  if (value === null || value === undefined) return null;
  return tests.every((name) => test(name, condition[name], value));
}

/** True if every condition holds, false if one fails, else null. */
export function allOf(conditions, form, today) {
  const results = (conditions || []).map((condition) => holds(condition, form, today));
  if (results.includes(false)) return false;
  return results.includes(null) ? null : true;
}

/** True if some condition holds, false if every one fails, else null. */
export function anyOf(conditions, form, today) {
  const results = (conditions || []).map((condition) => holds(condition, form, today));
  if (results.includes(true)) return true;
  return results.includes(null) ? null : false;
}

/** Every field path the conditions read (`on` dates included). */
export function fieldsNamed(conditions) {
  return (conditions || []).flatMap((condition) => [
    ...fieldsNamed(condition.any), ...fieldsNamed(condition.all), ...(condition.not ? fieldsNamed([condition.not]) : []),
    ...["field", "on"].filter((key) => key in condition).map((key) => condition[key]),
  ]);
}

/** The label ({bn, en}) of the field at a dotted path of a form schema. */
export function labelAt(schema, path) {
  let node = schema;
  for (const step of path.split(".")) node = (step === "*" ? node?.items : node?.properties?.[step]) || {};
  return node["x-ui"]?.label || { bn: path, en: path };
}

/**
 * The cross-field rules these answers break, as field problems:
 * [{path: "date_of_birth", code, message: {bn, en}, label}] (message still holding {label_bn}/{label_en}),
 * one per field, leaving out fields in `taken` (a Set of paths that already have a problem).
 */
export function crossFieldProblems(formSchema, value, today, taken = new Set()) {
  const found = [];
  for (const rule of formSchema["x-rules"] || []) {
    if (allOf(rule.if || [], value, today) !== true || allOf(rule.then, value, today) !== false) continue;
    if (taken.has(rule.field)) continue;
    taken.add(rule.field);
    found.push({ path: rule.field, code: rule.code, message: rule.message, label: labelAt(formSchema, rule.field) });
  }
  return found;
}
