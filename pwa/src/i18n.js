// Every word the app shows comes from i18n/bn.json or i18n/en.json. Bangla is built in;
// English is loaded the first time someone switches to it.
import bn from "../i18n/bn.json" with { type: "json" };
import { toBanglaDigits } from "./bangla.js";

let strings = bn;
let current = "bn";

/**
 * Strings a staff page brings with it (i18n/centre.bn.json: the citizen's download does not
 * carry them): its Bangla joins the built-in table; its English is in en.json, loaded anyway.
 */
export const addStrings = (bnPart) => Object.assign(bn, bnPart);

/** The language in use: "bn" or "en". */
export const lang = () => current;

/** The whole string table in use (dates need its month names). */
export const table = () => strings;

/** The string at a dotted key, with {name} placeholders filled in. */
export function t(key, values) {
  let text = key.split(".").reduce((node, part) => (node == null ? node : node[part]), strings);
  if (typeof text !== "string") text = key;
  return values ? text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole)) : text;
}

/** A {bn, en} pair from the catalog in the language in use. */
export const pick = (text) => (text ? text[current] || text.bn || text.en || "" : "");

/**
 * One of the server's field sentences ({bn, en}, from its messages) for a field, in the
 * language in use: {label_bn}/{label_en} become the field's label, {limit}/{limit_bn} the limit.
 */
export function fieldSentence(text, label, limit) {
  const values = {
    label_bn: label.bn || label.en, label_en: label.en || label.bn,
    limit: limit ?? "", limit_bn: limit == null ? "" : toBanglaDigits(limit),
  };
  return pick(text).replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
}

/** Digits as this language writes them (ids, years: no grouping). */
export const digits = (value) => (current === "bn" ? toBanglaDigits(value) : String(value));

/** A number with grouping as the language writes it (১,০০,০০০ / 1,00,000). */
export const number = (value) => new Intl.NumberFormat(current === "bn" ? "bn-BD" : "en-IN").format(value);

/** Switch language; resolves once the strings are loaded. */
export async function setLang(next) {
  if (next === "en") strings = (await import("../i18n/en.json", { with: { type: "json" } })).default;
  else strings = bn;
  current = next === "en" ? "en" : "bn";
  document.documentElement.lang = current;
  try {
    localStorage.setItem("lang", current);
  } catch {
    // private mode: the choice lasts for this visit only
  }
}
