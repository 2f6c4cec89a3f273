// A service's application form, rendered from its JSON Schema: every field's widget,
// label and help come from `x-ui`; sections from the form's `x-ui.sections`; conditional
// fields and narrowed choices from `allOf[].if/then`. Errors (the browser's own check and
// the server's answer) are shown beside their fields and listed at the top, in the server's
// own words (its field messages, bundled by the build).
import { APPLICANT } from "build-applicant";
import { FIELD_MESSAGES } from "build-messages";
import { formatDay, toAsciiDigits, toBanglaDigits, todayDhaka } from "../bangla.js";
import { loadGeo, unionsOf } from "../geo.js";
import { digits, fieldSentence, lang, pick, t, table } from "../i18n.js";
import { crossFieldProblems } from "../conditions.js";
import { conditionalFields, normalise, problemsOf, settle, subschema } from "../rules.js";
import { h, toDOM, toHTML } from "../vnode.js";
import { feeView } from "./fee.js";

export { APPLICANT };

const GEO_LEVELS = ["division", "district", "upazila", "union"];
/** How long drawing the rest of a form works before it lets the page paint and answer. */
const TASK_BUDGET_MS = 4;
/** Let the browser paint and answer between two pieces of work. */
const nextTask = () => (globalThis.scheduler?.yield ? globalThis.scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0)));
const idOf = (path) => `f-${path.replaceAll(".", "-")}`;
const sorted = (properties) =>
  Object.entries(properties || {}).sort(([, a], [, b]) => (a["x-ui"]?.order ?? 1e4) - (b["x-ui"]?.order ?? 1e4));

/**
 * A date as typed in a date box (day/month/year, Bangla or ASCII digits, with / - . or
 * spaces; or year-month-day) as YYYY-MM-DD; anything else unchanged, for the check to name.
 */
export function isoDate(text) {
  const typed = toAsciiDigits(String(text ?? "")).trim();
  const pad = (n) => n.padStart(2, "0");
  let match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(typed);
  if (match) return `${match[1]}-${pad(match[2])}-${pad(match[3])}`;
  match = /^(\d{1,2})[\s/.-]+(\d{1,2})[\s/.-]+(\d{4})$/.exec(typed);
  if (match) return `${match[3]}-${pad(match[2])}-${pad(match[1])}`;
  return text;
}

/** YYYY-MM-DD as a date box shows it: day/month/year in the language's digits. */
const typedDate = (iso) => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  return match ? digits(`${match[3]}/${match[2]}/${match[1]}`) : iso;
};

function widgetOf(schema) {
  const widget = schema["x-ui"]?.widget;
  if (widget) return widget;
  if (schema.type === "object") return schema["x-geo"] ? "address" : "group";
  if (schema.type === "boolean") return "checkbox";
  if (schema.enum) return "select";
  return "text";
}

function optionsOf(schema) {
  const labels = { ...(schema["x-options"] || {}), ...(schema["x-ui"]?.options || {}) };
  return (schema.enum || []).map((value) => ({ value, label: labels[value] ? pick(labels[value]) : String(value) }));
}

/**
 * Flatten a body ({applicant, form}) into {path: value}, as `values()` gives them: rows of a
 * list by index (with their count at "<list>.#"), a multiple choice kept whole.
 */
export function flatten(value, prefix = "", out = {}) {
  for (const [key, item] of Object.entries(value || {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(item) && item.some((row) => row && typeof row === "object")) {
      out[`${path}.#`] = item.length;
      flatten(Object.fromEntries(item.map((row, index) => [index, row])), path, out);
    } else if (item && typeof item === "object" && !Array.isArray(item)) flatten(item, path, out);
    else out[path] = item;
  }
  return out;
}

export class ServiceForm {
  /**
   * @param service the full service (with `form`), @param applicant the applicant schema
   * from the submission envelope, @param callbacks {onSubmit(body), onChange(values)}.
   */
  constructor(service, applicant, callbacks) {
    this.service = service;
    this.callbacks = callbacks;
    this.root = {
      type: "object",
      required: ["applicant", "form"],
      properties: { applicant: { ...applicant, "x-ui": { ...applicant["x-ui"], order: -1 } }, form: service.form },
    };
    this.fields = new Map();
    this.tops = new Map();
    // top-level fields some condition narrows (fewer options, a tighter range)
    this.narrowable = new Set((service.form.allOf || []).flatMap((clause) =>
      [clause.then, clause.else].flatMap((branch) => Object.keys(branch?.properties || {}))));
    this.submitted = false;
    this.later = []; // sections drawn after the page's frame, one task each (see rest())
    this.element = toDOM(this.view());
    this.form = this.element.querySelector("form");
    this.summary = this.element.querySelector(".error-summary");
    this.status = this.element.querySelector(".draft-status");
    this.fee = this.element.querySelector(".fee-quote");
    this.form.addEventListener("input", (event) => this.changed(event));
    this.form.addEventListener("change", (event) => this.changed(event));
    this.form.addEventListener("submit", (event) => this.submit(event));
    // the service's compiled check is fetched when the form is first touched (or sent), not
    // while the page draws; it is in the offline set, so it is there offline too
    this.checker = null;
    this.form.addEventListener("focusin", () => this.loadChecker(), { once: true });
    this.geo = null;
    this.complete = false;
    /** Resolves once every section is drawn and the conditions applied. */
    this.built = this.rest();
  }

  /**
   * The sections after the first, drawn one task each so that a slow phone shows the page
   * at once and no single task blocks it for long (a long form is 300 elements, and Bangla
   * text is costly to lay out); each is hidden where the empty form's conditions say so
   * before it is shown. Then the address lists, the conditions and the fee.
   */
  async rest() {
    const shown = this.later.length ? settle(this.service.form, {}).shown : new Map();
    let began = performance.now();
    for (const [slot, title, fields] of this.later) {
      const section = toDOM(h("fieldset", { class: "section" }, h("legend", null, title)));
      slot.replaceWith(section);
      for (const draw of fields) {
        if (performance.now() - began > TASK_BUDGET_MS) {
          await nextTask();
          began = performance.now();
        }
        const before = this.fields.size;
        const field = toDOM(draw());
        // a field some condition hides on an empty form is hidden before it is ever shown
        for (const [path, entry] of [...this.fields].slice(before)) {
          if (entry.wrapper && path.split(".").length === 2 && shown.has(path.slice(5))) entry.wrapper.hidden = !shown.get(path.slice(5));
        }
        section.append(field);
      }
    }
    const drawn = this.later.length > 0;
    this.later = [];
    if (this.element.querySelector("[data-geo], [data-geo-list]")) this.geo = this.fillGeo();
    if (drawn) await nextTask();
    this.refreshConditions();
    if (this.callbacks.answer) this.blank = this.body().form || {};
    this.complete = true;
  }

  /** The service's compiled check (module or null), fetched once. */
  loadChecker() {
    if (!this.checker && this.service.check) this.checker = import(this.service.check).catch(() => null);
    return this.checker;
  }

  // --- rendering --------------------------------------------------------------------

  view() {
    const form = this.service.form;
    const sections = form["x-ui"]?.sections || [];
    const bySection = new Map(sections.map((section) => [section.id, []]));
    const loose = [];
    for (const [name, schema] of sorted(form.properties)) {
      (bySection.get(schema["x-ui"]?.section) || loose).push([name, schema]);
    }
    const required = new Set(form.required || []);
    const conditional = conditionalFields(form, {});
    const block = (name, schema) => this.field(name, schema, `form.${name}`, required.has(name) || conditional.has(name), name);
    const answer = this.callbacks.answer;
    if (answer) {
      // answering a request for information: the service's fields only, none required here
      // (only what is filled in is sent, and checked), and a note for the office
      return h("div", { class: "form-page answer-form" },
        h("div", { class: "error-summary", tabindex: "-1", hidden: true, "aria-labelledby": "error-summary-title" }),
        h("form", { novalidate: true, "aria-label": answer.button },
          sections.map((section) => (bySection.get(section.id).length
            ? h("fieldset", { class: "section" }, h("legend", null, pick(section.title)),
              bySection.get(section.id).map(([name, schema]) => this.field(name, schema, `form.${name}`, false, name)))
            : null)),
          loose.length ? h("fieldset", { class: "section" }, h("legend", null, t("form.other_section")), loose.map(([n, s]) => this.field(n, s, `form.${n}`, false, n))) : null,
          h("div", { class: "field" },
            h("label", { for: "answer-note" }, answer.note),
            h("textarea", { id: "answer-note", name: "note", maxlength: "1000", rows: "3" })),
          h("p", { class: "draft-status", role: "status" }),
          h("section", { class: "fee-quote", hidden: true }),
          h("button", { type: "submit", class: "primary" }, answer.button)));
    }
    return h("div", { class: "form-page" },
      h("nav", { class: "crumbs", "aria-label": t("nav.crumbs") },
        h("a", { href: "/" }, t("nav.home")), " › ", h("a", { href: `/s/${this.service.id}` }, pick(this.service.title))),
      h("h1", null, pick(this.service.title)),
      h("p", { class: "lead" }, t("form.intro")),
      h("p", { class: "draft-status", role: "status" }),
      h("div", { class: "error-summary", tabindex: "-1", hidden: true, "aria-labelledby": "error-summary-title" }),
      h("form", { novalidate: true, "aria-label": t("form.label") },
        h("fieldset", { class: "section" },
          h("legend", null, t("form.applicant_section")),
          h("p", { class: "help" }, t("form.applicant_help")),
          sorted(this.root.properties.applicant.properties).map(([name, schema]) =>
            this.field(name, schema, `applicant.${name}`, (this.root.properties.applicant.required || []).includes(name), null))),
        sections.map((section) => (bySection.get(section.id).length
          ? this.slot(pick(section.title), bySection.get(section.id).map(([name, schema]) => () => block(name, schema)))
          : null)),
        loose.length ? this.slot(t("form.other_section"), loose.map(([n, s]) => () => block(n, s))) : null,
        h("section", { class: "fee-quote", "aria-labelledby": "fee-title", "aria-live": "polite" }),
        h("p", { class: "help" }, t("form.offline_note")),
        h("button", { type: "submit", class: "primary" }, t("form.submit"))));
  }

  /** A place kept for a section drawn a moment later (see rest()): its title, and a drawing of each field. */
  slot(title, fields) {
    return h("div", { class: "section-slot", ref: (el) => this.later.push([el, title, fields]) });
  }

  register(path, entry) {
    this.fields.set(path, { path, ...entry });
    if (entry.top) {
      const list = this.tops.get(entry.top) || [];
      list.push(path);
      this.tops.set(entry.top, list);
    }
  }

  parts(path, schema, required) {
    const ui = schema["x-ui"] || {};
    const id = idOf(path);
    const help = ui.help ? h("p", { class: "help", id: `${id}-help` }, pick(ui.help)) : null;
    const error = h("p", { class: "error", id: `${id}-error`, hidden: true });
    // what a condition elsewhere in the form allows here just now ("here, at most 1")
    const name = path.startsWith("form.") && path.split(".").length === 2 ? path.slice(5) : null;
    const limit = name && this.narrowable.has(name) ? h("p", { class: "help limit", id: `${id}-limit`, hidden: true }) : null;
    const described = [help ? `${id}-help` : null, limit ? `${id}-limit` : null, `${id}-error`].filter(Boolean).join(" ");
    // a yes/no box is never "required" to look at: only a box that must be ticked has a star
    const yesNo = schema.type === "boolean" && schema.const !== true;
    const mark = required && !yesNo ? h("span", { class: "req" }, " ", h("abbr", { title: t("form.required") }, "*")) : null;
    return { ui, id, help: [help, limit], error, described, mark, label: pick(ui.label) };
  }

  field(name, schema, path, required, top) {
    const widget = widgetOf(schema);
    if (widget === "group" || widget === "address") return this.group(name, schema, path, required, top, widget === "address");
    if (widget === "radio") return this.radio(schema, path, required, top);
    if (widget === "documents") return this.documents(schema, path, required, top);
    if (widget === "list") return this.list(schema, path, required, top || name);
    if (widget === "checkbox" && schema.type === "array") return this.choices(schema, path, required, top);
    if (widget === "checkbox") return this.checkbox(schema, path, required, top);
    const p = this.parts(path, schema, required);
    let control;
    const common = { id: p.id, name: path, "aria-describedby": p.described, "aria-required": required ? "true" : null,
      ref: (el) => this.register(path, { schema, kind: "value", control: el, top, required, error: null, wrapper: null }) };
    if (widget === "district") {
      control = h("select", { ...common, "data-geo-list": "district" }, h("option", { value: "" }, t("form.choose")));
    } else if (widget === "select") {
      control = h("select", { ...common, "data-geo": schema["x-geo-level"] || null },
        h("option", { value: "" }, t("form.choose")), optionsOf(schema).map((o) => h("option", { value: o.value }, o.label)));
    } else if (widget === "textarea") {
      control = h("textarea", { ...common, rows: 4, maxlength: schema.maxLength });
    } else {
      const rule = schema["x-normalise"];
      const numeric = schema.type === "integer" || schema.type === "number" || rule === "digits" || widget === "nid";
      const attrs = { ...common, type: "text", maxlength: schema.maxLength, placeholder: p.ui.placeholder ? pick(p.ui.placeholder) : null };
      if (widget === "date") {
        // typed as day/month/year in the language in use, never a picker's mm/dd/yyyy
        Object.assign(attrs, { inputmode: "numeric", autocomplete: /birth/.test(path) ? "bday" : "off", spellcheck: "false", maxlength: 10,
          "aria-describedby": `${p.id}-format ${p.described}`, "data-date": "" });
      } else if (widget === "phone" || rule === "mobile") Object.assign(attrs, { type: "tel", autocomplete: "tel", inputmode: "tel" });
      else if (numeric) Object.assign(attrs, { inputmode: schema.type === "number" ? "decimal" : "numeric", autocomplete: "off", spellcheck: "false" });
      else if (schema.pattern === undefined && rule === "trim" && /name/.test(path) && path.startsWith("applicant")) attrs.autocomplete = "name";
      control = h("input", attrs);
    }
    const format = widget === "date" ? h("p", { class: "help", id: `${p.id}-format` }, t("form.date_hint")) : null;
    const reads = widget === "date" ? h("p", { class: "help date-reads", id: `${p.id}-reads`, "aria-live": "polite" }) : null;
    return h("div", { class: "field", "data-path": path, "data-top": top, ref: (el) => this.attach(path, el) },
      h("label", { for: p.id }, p.label, p.mark), format, p.help, p.error, control, reads);
  }

  /** Under a date box: the date as read back in words ("১ ডিসেম্বর ১৯৮৫"), once it is one. */
  readBack(input) {
    const out = input.parentElement?.querySelector(".date-reads");
    if (!out) return;
    const iso = isoDate(input.value);
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
    const [year, month, day] = match ? match.slice(1).map(Number) : [];
    const valid = match && month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
    out.textContent = valid ? t("form.date_reads", { date: formatDay({ year, month, day }, table()).gregorian }) : "";
  }

  attach(path, wrapper) {
    const entry = this.fields.get(path);
    if (entry) Object.assign(entry, { wrapper, error: wrapper.querySelector(`#${idOf(path)}-error`) });
  }

  radio(schema, path, required, top) {
    const p = this.parts(path, schema, required);
    const inputs = [];
    const options = optionsOf(schema).map((o, i) =>
      h("label", { class: "choice" },
        h("input", { type: "radio", name: path, value: o.value, id: i ? `${p.id}--${i}` : p.id, required, ref: (el) => inputs.push(el) }), " ", o.label));
    return h("div", { class: "field", "data-path": path, "data-top": top,
      ref: (el) => this.register(path, { schema, kind: "radio", inputs, top, required, wrapper: el, error: el.querySelector(`#${p.id}-error`) }) },
    h("fieldset", { "aria-describedby": p.described },
      h("legend", null, p.label, p.mark), p.help, p.error, h("div", { class: "choices" }, options)));
  }

  checkbox(schema, path, required, top) {
    const p = this.parts(path, schema, required);
    let input;
    return h("div", { class: "field check", "data-path": path, "data-top": top,
      ref: (el) => this.register(path, { schema, kind: "checkbox", control: input, top, wrapper: el, error: el.querySelector(`#${p.id}-error`) }) },
    p.error,
    h("label", { class: "choice", for: p.id },
      h("input", { type: "checkbox", id: p.id, name: path, "aria-describedby": p.described, "aria-required": required ? "true" : null, ref: (el) => { input = el; } }),
      " ", h("span", null, p.label, p.mark)),
    p.help);
  }

  documents(schema, path, required, top) {
    const p = this.parts(path, schema, required);
    const byId = new Map(this.service.documents.map((doc) => [doc.id, doc]));
    const inputs = [];
    const items = (schema.items?.enum || []).map((value, i) => {
      const doc = byId.get(value);
      return h("label", { class: "choice" },
        h("input", { type: "checkbox", name: path, value, id: i ? `${p.id}--${i}` : p.id, ref: (el) => inputs.push(el) }), " ",
        h("span", null, doc ? pick(doc.name) : value,
          doc ? h("span", { class: "when" }, doc.required ? t("service.required") : doc.when ? pick(doc.when) : t("service.sometimes")) : null));
    });
    return h("div", { class: "field", "data-path": path, "data-top": top,
      ref: (el) => this.register(path, { schema, kind: "documents", inputs, top, wrapper: el, error: el.querySelector(`#${p.id}-error`) }) },
    h("fieldset", { "aria-describedby": p.described },
      h("legend", null, p.label, p.mark), p.help[0] || h("p", { class: "help" }, t("form.documents_help")), p.error, h("div", { class: "choices" }, items)));
  }

  /** A multiple choice: an array whose items carry an enum, one box per option. */
  choices(schema, path, required, top) {
    const p = this.parts(path, schema, required);
    const inputs = [];
    const items = optionsOf({ ...schema.items, "x-ui": schema["x-ui"] }).map((o, i) =>
      h("label", { class: "choice" },
        h("input", { type: "checkbox", name: path, value: o.value, id: i ? `${p.id}--${i}` : p.id, ref: (el) => inputs.push(el) }), " ", o.label));
    return h("div", { class: "field", "data-path": path, "data-top": top,
      ref: (el) => this.register(path, { schema, kind: "documents", inputs, top, wrapper: el, error: el.querySelector(`#${p.id}-error`) }) },
    h("fieldset", { "aria-describedby": p.described },
      h("legend", null, p.label, p.mark), p.help, p.error, h("div", { class: "choices" }, items)));
  }

  /** An array of objects: a row per item, rows added and removed within minItems..maxItems. */
  list(schema, path, required, top) {
    const p = this.parts(path, schema, required);
    const entry = { schema, kind: "list", top, count: 0, min: Math.max(schema.minItems || 0, required ? 1 : 0) };
    const add = h("button", { type: "button", class: "add-row", onclick: () => {
      this.addRow(path);
      this.callbacks.onChange?.(this.values());
    } }, t("form.add_row"));
    const remove = h("button", { type: "button", class: "remove-row", onclick: () => this.removeRow(path) }, t("form.remove_row"));
    return h("div", { class: "field group list", "data-path": path, "data-top": top,
      ref: (el) => {
        this.register(path, { ...entry, wrapper: el, error: el.querySelector(`#${p.id}-error`), rows: el.querySelector(".rows"),
          add: el.querySelector(".add-row"), remove: el.querySelector(".remove-row") });
        for (let i = 0; i < Math.max(entry.min, 1); i += 1) this.addRow(path);
      } },
    h("fieldset", { "aria-describedby": p.described },
      h("legend", null, p.label, p.mark), p.help, p.error,
      h("div", { class: "rows" }),
      h("p", { class: "row-buttons" }, add, " ", remove)));
  }

  addRow(path) {
    const entry = this.fields.get(path);
    if (entry.schema.maxItems && entry.count >= entry.schema.maxItems) return;
    const index = entry.count;
    const label = entry.schema["x-ui"]?.label || { bn: "", en: "" };
    const row = { ...entry.schema.items, "x-ui": { label: { bn: `${label.bn} ${toBanglaDigits(index + 1)}`, en: `${label.en} ${index + 1}` } } };
    entry.rows.append(toDOM(this.group(String(index), row, `${path}.${index}`, true, entry.top, false)));
    entry.count += 1;
    this.rowButtons(entry);
  }

  removeRow(path) {
    const entry = this.fields.get(path);
    if (entry.count <= Math.max(entry.min, 1)) return;
    entry.count -= 1;
    const prefix = `${path}.${entry.count}`;
    for (const key of [...this.fields.keys()]) if (key === prefix || key.startsWith(`${prefix}.`)) this.fields.delete(key);
    entry.rows.lastElementChild?.remove();
    this.rowButtons(entry);
    this.callbacks.onChange?.(this.values());
  }

  rowButtons(entry) {
    if (!entry.add) return;
    entry.add.hidden = Boolean(entry.schema.maxItems) && entry.count >= entry.schema.maxItems;
    entry.remove.hidden = entry.count <= Math.max(entry.min, 1);
  }

  group(name, schema, path, required, top, address) {
    const p = this.parts(path, schema, required);
    const inner = new Set(schema.required || []);
    const children = sorted(schema.properties).map(([child, sub]) => {
      if (address && GEO_LEVELS.includes(child)) sub = { ...sub, "x-geo-level": child, "x-ui": { ...sub["x-ui"], widget: "select" } };
      return this.field(child, sub, `${path}.${child}`, inner.has(child), top || name);
    });
    return h("div", { class: address ? "field group address" : "field group", "data-path": path, "data-top": top,
      ref: (el) => this.register(path, { schema, kind: "group", top, wrapper: el, error: el.querySelector(`#${p.id}-error`) }) },
    h("fieldset", { "aria-describedby": p.described },
      h("legend", null, p.label, p.mark), p.help, p.error,
      address ? h("p", { class: "help geo-note", hidden: true }) : null,
      children));
  }

  // --- the address picker -------------------------------------------------------------

  async fillGeo() {
    let geo;
    try {
      geo = await loadGeo();
    } catch {
      for (const note of this.element.querySelectorAll(".geo-note")) {
        note.textContent = t("form.geo_offline");
        note.hidden = false;
      }
      return;
    }
    // a district on its own (a birthplace): every district, under its division
    for (const list of this.element.querySelectorAll('[data-geo-list="district"]')) {
      const name = (row) => (lang() === "bn" ? row[2] : row[3]);
      const order = new Intl.Collator(lang()).compare;
      const keep = list.value;
      list.replaceChildren(toDOM(h("option", { value: "" }, t("form.choose"))), ...geo.division.map((division) =>
        toDOM(h("optgroup", { label: name(division) }, geo.district.filter((row) => row[1] === division[0])
          .sort((a, b) => order(name(a), name(b))).map((row) => h("option", { value: row[0] }, name(row)))))));
      list.value = keep;
    }
    for (const address of this.element.querySelectorAll(".address")) {
      const select = (level) => address.querySelector(`[data-geo="${level}"]`);
      const options = (level, rows, keep) => {
        const el = select(level);
        if (!el) return;
        const value = keep ?? el.value;
        el.replaceChildren(toDOM(h("option", { value: "" }, t("form.choose"))),
          ...rows.map((row) => toDOM(h("option", { value: row[0] }, lang() === "bn" ? row[2] : row[3]))));
        el.value = rows.some((row) => row[0] === value) ? value : "";
      };
      const cascade = async (from, keep = {}) => {
        const division = select("division")?.value;
        const district = select("district")?.value;
        if (from <= 0) options("district", geo.district.filter((r) => r[1] === division), keep.district);
        const districtNow = select("district")?.value;
        if (from <= 1) options("upazila", geo.upazila.filter((r) => r[1] === districtNow), keep.upazila);
        const upazila = select("upazila")?.value;
        if (from <= 2) {
          let rows = [];
          const note = address.querySelector(".geo-note");
          note.hidden = true;
          if (districtNow && upazila) {
            try {
              rows = (await unionsOf(districtNow)).filter((r) => r[1] === upazila);
            } catch {
              note.textContent = t("form.geo_offline");
              note.hidden = false;
            }
          }
          options("union", rows, keep.union);
        }
        return district;
      };
      options("division", geo.division);
      address.addEventListener("change", (event) => {
        const level = GEO_LEVELS.indexOf(event.target.dataset?.geo);
        if (level >= 0 && level < 3) cascade(level);
      });
      address.cascade = cascade;
    }
  }

  // --- values -------------------------------------------------------------------------

  /** Every input's raw value by path (hidden ones too), for the draft. */
  values() {
    const out = {};
    for (const [path, entry] of this.fields) {
      if (entry.kind === "value") out[path] = entry.control.value;
      else if (entry.kind === "checkbox") out[path] = entry.control.checked;
      else if (entry.kind === "radio") out[path] = entry.inputs.find((el) => el.checked)?.value ?? "";
      else if (entry.kind === "documents") out[path] = entry.inputs.filter((el) => el.checked).map((el) => el.value);
      else if (entry.kind === "list") out[`${path}.#`] = entry.count;
    }
    return out;
  }

  /** Put saved values back (a draft, or an application sent back for correction). */
  async restore(values) {
    await this.built;
    const geoValues = {};
    for (const [path, entry] of [...this.fields]) {
      if (entry.kind !== "list") continue;
      const indices = Object.keys(values || {}).filter((key) => key.startsWith(`${path}.`)).map((key) => Number(key.slice(path.length + 1).split(".")[0]));
      const rows = Math.max(values?.[`${path}.#`] || 0, ...indices.filter(Number.isInteger).map((i) => i + 1));
      while (entry.count < rows && !(entry.schema.maxItems && entry.count >= entry.schema.maxItems)) this.addRow(path);
    }
    for (const [path, value] of Object.entries(values || {})) {
      const entry = this.fields.get(path);
      if (!entry) continue;
      if (entry.kind === "value") {
        if (entry.control.dataset.geo || entry.control.dataset.geoList) geoValues[path] = String(value ?? "");
        else if ("date" in entry.control.dataset) {
          entry.control.value = value == null ? "" : typedDate(String(value));
          this.readBack(entry.control);
        } else entry.control.value = value == null ? "" : String(value);
      } else if (entry.kind === "checkbox") entry.control.checked = value === true;
      else if (entry.kind === "radio") for (const el of entry.inputs) el.checked = el.value === String(value);
      else if (entry.kind === "documents") for (const el of entry.inputs) el.checked = (value || []).includes(el.value);
    }
    this.refreshConditions();
    if (this.geo && Object.keys(geoValues).length) {
      await this.geo;
      for (const [path, value] of Object.entries(geoValues)) {
        const control = this.fields.get(path)?.control;
        if (control?.dataset.geoList) control.value = value;
      }
      for (const address of this.element.querySelectorAll(".address")) {
        if (!address.cascade) continue;
        const base = address.dataset.path;
        const keep = Object.fromEntries(GEO_LEVELS.map((level) => [level, geoValues[`${base}.${level}`]]));
        const division = address.querySelector('[data-geo="division"]');
        if (division) division.value = keep.division || "";
        await address.cascade(0, keep);
      }
    }
  }

  /** The request body: visible fields only, blanks left out, normalised as the server does. */
  body() {
    const raw = this.values();
    const build = (schema, prefix, required) => {
      const out = {};
      for (const name of Object.keys(schema.properties || {})) {
        const path = `${prefix}.${name}`;
        const entry = this.fields.get(path);
        if (!entry || entry.wrapper?.hidden || entry.wrapper?.closest("[hidden]")) continue;
        const inner = (schema.required || []).includes(name);
        if (entry.kind === "group") {
          const value = build(entry.schema, path, inner);
          if (value !== undefined) out[name] = value;
        } else if (entry.kind === "list") {
          const rows = Array.from({ length: entry.count }, (_, i) => build(entry.schema.items, `${path}.${i}`, true));
          if (rows.some((row) => Object.keys(row).length) || inner) out[name] = rows;
        } else if (entry.kind === "documents") {
          if (raw[path].length || inner) out[name] = raw[path];
        } else if (entry.kind === "checkbox") {
          // unticked is "no", except for a box that can only be ticked and need not be
          if (raw[path] || inner || entry.schema.const !== true) out[name] = raw[path];
        } else if (raw[path] !== "" && raw[path] != null) {
          out[name] = entry.kind === "value" && "date" in entry.control.dataset ? isoDate(raw[path]) : raw[path];
        }
      }
      return Object.keys(out).length || required ? out : undefined;
    };
    const applicant = build(this.root.properties.applicant, "applicant", true);
    const form = build(this.service.form, "form", true);
    return normalise(
      { service_id: this.service.id, service_version: this.service.version, applicant, form },
      { type: "object", properties: { applicant: this.root.properties.applicant, form: this.service.form } },
    );
  }

  /**
   * Show the conditional fields whose condition holds, offer only the options a condition
   * allows (a choice no longer allowed is dropped; a required choice left with one option
   * takes it), and repeat while that changes an answer (which may change a condition).
   */
  refreshConditions() {
    let form = {};
    for (let round = 0; round < 8; round += 1) {
      form = this.body().form || {};
      const state = settle(this.service.form, form);
      let changed = false;
      for (const [name, visible] of state.shown) {
        const wrapper = this.fields.get(`form.${name}`)?.wrapper;
        if (wrapper && wrapper.hidden === visible) {
          wrapper.hidden = !visible;
          changed = true;
        }
      }
      for (const name of this.narrowable) changed = this.narrow(name, state.narrowed.get(name)) || changed;
      if (!changed) break;
    }
    this.refreshFee(form);
  }

  /** The fee for the answers as they stand, and the time limit for the option chosen (redrawn only when it changes). */
  refreshFee(form) {
    const view = feeView(this.service, form, todayDhaka());
    const html = toHTML(view);
    if (!this.fee || html === this.feeShown) return;
    this.feeShown = html;
    this.fee.replaceChildren(toDOM(view));
  }

  /** Apply what the conditions allow of one field; true when that changed its answer. */
  narrow(name, limits) {
    const entry = this.fields.get(`form.${name}`);
    if (!entry) return false;
    const ok = (value) => !limits?.options || limits.options.some((item) => String(item) === value);
    let changed = false;
    let choices = [];
    if (entry.kind === "radio") {
      choices = entry.inputs.map((input) => ({ input, holder: input.closest("label"), value: input.value }));
    } else if (entry.kind === "value" && entry.control.tagName === "SELECT") {
      choices = [...entry.control.options].filter((option) => option.value).map((option) => ({ input: option, holder: option, value: option.value }));
    }
    for (const choice of choices) {
      const offered = ok(choice.value);
      choice.holder.hidden = !offered;
      choice.input.disabled = !offered;
      const chosen = entry.kind === "radio" ? choice.input.checked : choice.input.selected;
      if (!offered && chosen) {
        if (entry.kind === "radio") choice.input.checked = false;
        else entry.control.value = "";
        changed = true;
      }
    }
    const open = choices.filter((choice) => !choice.holder.hidden);
    const answered = entry.kind === "radio" ? entry.inputs.some((input) => input.checked) : entry.control.value !== "";
    if (limits?.options && open.length === 1 && entry.required && !answered && !entry.wrapper.hidden) {
      if (entry.kind === "radio") open[0].input.checked = true;
      else entry.control.value = open[0].value;
      changed = true;
    }
    const hint = entry.wrapper?.querySelector(`#${idOf(`form.${name}`)}-limit`);
    if (hint) {
      const text = this.range(entry.schema, limits);
      hint.textContent = text;
      hint.hidden = !text;
    }
    return changed;
  }

  /** "Here, at most 1" when a condition tightens a number's range; "" when none does. */
  range(schema, limits) {
    if (!limits || !["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"].some((key) => key in limits)) return "";
    // an exclusive bound is shown as the next whole number; for other numbers it is left to the check
    const whole = schema.type === "integer";
    const low = Math.max(schema.minimum ?? -Infinity, limits.minimum ?? -Infinity, whole ? (limits.exclusiveMinimum ?? -Infinity) + 1 : -Infinity);
    const high = Math.min(schema.maximum ?? Infinity, limits.maximum ?? Infinity, whole ? (limits.exclusiveMaximum ?? Infinity) - 1 : Infinity);
    if (low === high) return t("form.limit_only", { n: digits(low) });
    if (Number.isFinite(high) && high !== schema.maximum) return t("form.limit_max", { n: digits(high) });
    if (Number.isFinite(low) && low !== schema.minimum) return t("form.limit_min", { n: digits(low) });
    return "";
  }

  changed(event) {
    if (!this.complete) {
      this.built.then(() => this.changed(event)); // typed into the first section while the rest is drawn
      return;
    }
    if (event.target.matches?.("[data-date]")) this.readBack(event.target);
    if (event.target.matches?.("input, select, textarea")) {
      this.refreshConditions();
      if (this.submitted && event.type === "input") this.check(false); // not on "change": see check()
      this.callbacks.onChange?.(this.values());
    }
  }

  // --- errors -------------------------------------------------------------------------

  /** Run the service's precompiled check; returns problems with messages (may be empty). */
  async problems(body) {
    const module = await this.loadChecker();
    if (!module) return [];
    const validate = module.default;
    validate(body);
    const found = problemsOf(validate.errors, this.root, body).map((problem) => {
      const name = String(problem.steps.at(-1));
      const field = subschema(this.root, problem.steps);
      const label = field["x-ui"]?.label || { bn: name, en: name };
      // a date box asks for day/month/year, so its problem says so (the server's says year-month-day)
      if (problem.code === "date" && field["x-ui"]?.widget === "date") return { path: problem.path, message: t("form.date_invalid", { label: pick(label) }) };
      return { path: problem.path, message: fieldSentence(FIELD_MESSAGES[problem.code] || FIELD_MESSAGES.invalid, label, problem.limit) };
    });
    // the form's cross-field rules, after the schema's check, in each rule's own sentence (as the server does)
    const taken = new Set(found.filter((item) => item.path.startsWith("form.")).map((item) => item.path.slice(5)));
    return [...found, ...crossFieldProblems(this.service.form, body.form || {}, todayDhaka(), taken)
      .map((problem) => ({ path: `form.${problem.path}`, message: fieldSentence(problem.message, problem.label) }))];
  }

  // Checked on submit, then again on every change (never on blur: an error appearing as the
  // focus leaves a field moves the submit button away from the finger pressing it).
  async check(focus) {
    const problems = await this.problems(this.body());
    this.show(problems, focus);
    return problems;
  }

  clear() {
    for (const entry of this.fields.values()) {
      if (entry.error) {
        entry.error.hidden = true;
        entry.error.textContent = "";
      }
      entry.wrapper?.classList.remove("invalid");
      for (const el of this.inputsOf(entry)) el.removeAttribute("aria-invalid");
    }
  }

  inputsOf(entry) {
    if (entry.kind === "group" || entry.kind === "list") return [];
    return entry.inputs || [entry.control];
  }

  /** The registered field for a path, or its nearest registered ancestor. */
  owner(path) {
    const steps = path.split(".");
    while (steps.length) {
      const entry = this.fields.get(steps.join("."));
      if (entry && !entry.wrapper?.closest("[hidden]")) return entry;
      steps.pop();
    }
    return null;
  }

  mark(problems) {
    for (const problem of problems) {
      const entry = this.owner(problem.path);
      if (!entry?.error) continue;
      entry.error.hidden = false;
      entry.error.textContent = entry.error.textContent ? `${entry.error.textContent} ${problem.message}` : problem.message;
      entry.wrapper.classList.add("invalid");
      for (const el of this.inputsOf(entry)) el.setAttribute("aria-invalid", "true");
    }
  }

  /** Where a problem is: its first control, its field, its section, and the group it is in. */
  place(problem) {
    const entry = this.owner(problem.path);
    if (!entry) return { ...problem, id: null, anchor: null, section: null, group: null };
    const first = entry.kind === "group" || entry.kind === "list" ? entry.wrapper.querySelector("input, select, textarea") : this.inputsOf(entry)[0];
    const parent = this.fields.get(entry.path.split(".").slice(0, -1).join("."));
    const group = parent?.kind === "group" ? pick(parent.schema["x-ui"]?.label) : null;
    return { ...problem, id: first?.id || null, anchor: entry.wrapper, section: entry.wrapper.closest("fieldset.section"), group };
  }

  /**
   * Show problems beside their fields and in the summary at the top: in the form's order,
   * under the name of their section, each named with the group it is in ("স্থায়ী ঠিকানা:
   * 'জেলা' দিতে হবে।"); focus goes to the summary's heading, which stays in view.
   */
  show(problems, focus = true) {
    this.clear();
    this.mark(problems);
    if (!problems.length) {
      this.summary.hidden = true;
      this.summary.replaceChildren();
      return;
    }
    const placed = problems.map((problem) => this.place(problem));
    const before = (a, b) => {
      if (a.anchor === b.anchor) return 0;
      if (!a.anchor || !b.anchor) return a.anchor ? 1 : -1;
      return a.anchor.compareDocumentPosition(b.anchor) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    };
    placed.sort(before);
    const blocks = [];
    for (const item of placed) {
      if (!blocks.length || blocks.at(-1).section !== item.section) blocks.push({ section: item.section, items: [] });
      blocks.at(-1).items.push(item);
    }
    const line = (item) => {
      const text = item.group ? t("form.in_group", { group: item.group, message: item.message }) : item.message;
      return h("li", null, item.id ? h("a", { href: `#${item.id}`, onclick: (event) => { event.preventDefault(); document.getElementById(item.id)?.focus(); } }, text) : text);
    };
    this.summary.replaceChildren(toDOM(h("div", null,
      h("h2", { id: "error-summary-title", tabindex: "-1" }, t("form.problems", { n: digits(problems.length) })),
      blocks.map((block) => [
        block.section ? h("h3", null, block.section.querySelector(":scope > legend")?.textContent || "") : null,
        h("ul", null, block.items.map(line)),
      ]))));
    this.summary.hidden = false;
    if (focus) {
      this.summary.scrollIntoView({ block: "start" });
      this.summary.querySelector("h2").focus({ preventScroll: true });
    }
  }

  /** The server's answer (an error body), field by field in the language in use. */
  showServer(error) {
    const message = (item) => (lang() === "bn" ? item.message_bn : item.message_en) || item.message_bn || item.code;
    // (an answer's problems are named within the form: "nid" is "form.nid" here)
    const at = (path) => (this.callbacks.answer && path && !/^(form|applicant)(\.|$)/.test(path) ? `form.${path}` : path);
    const problems = (error.fields || []).map((item) => ({ path: at(item.path), message: message(item) }));
    if (!problems.length) problems.push({ path: "", message: message(error) });
    this.show(problems, true);
  }

  savedAt(text) {
    this.status.textContent = text;
  }

  /**
   * What an answer to a request for information sends: the top-level fields whose value
   * differs from the empty form's (filled in or changed), or null when none does.
   */
  changes() {
    const now = this.body().form || {};
    const changed = Object.fromEntries(Object.entries(now).filter(([name, value]) => JSON.stringify(value) !== JSON.stringify(this.blank?.[name])));
    return Object.keys(changed).length ? changed : null;
  }

  /** An answer: the form's own rules, on the fields it sends; then `onSubmit(changes, note)`. */
  async submitAnswer() {
    const changes = this.changes();
    if (!changes) {
      this.show([{ path: "", message: this.callbacks.answer.nothing }], true);
      return;
    }
    const sent = (path) => Object.keys(changes).some((name) => path === `form.${name}` || path.startsWith(`form.${name}.`));
    const problems = (await this.problems(this.body())).filter((item) => sent(item.path));
    this.show(problems, true);
    if (problems.length) return;
    const note = this.form.note.value.trim();
    await this.callbacks.onSubmit(changes, note || null);
  }

  async submit(event) {
    event.preventDefault();
    await this.built;
    this.submitted = true;
    if (this.callbacks.answer) {
      const button = this.form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        await this.submitAnswer();
      } finally {
        button.disabled = false;
      }
      return;
    }
    const problems = await this.check(true);
    if (problems.length) return;
    // a slow connection may take seconds: say so, and take no second press meanwhile
    const button = this.form.querySelector("button[type=submit]");
    const label = button.textContent;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    button.textContent = t("form.sending");
    try {
      await this.callbacks.onSubmit(this.body());
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
      button.textContent = label;
    }
  }
}
