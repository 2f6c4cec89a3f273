// An application's status and history (after submitting, or found by tracking id and
// phone), and the list of this device's applications and outbox.
import { formatMoment, formatDay, toAsciiDigits } from "../bangla.js";
import { digits, lang, pick, t, table } from "../i18n.js";
import { h } from "../vnode.js";
import { workingDays } from "./service.js";

// The Damm check digit (as the server's tracking ids carry): a mistyped id is caught here.
const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3], [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6], [6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7], [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

/** The canonical 16-digit id from what a person typed, or null if it cannot be one. */
export function parseTrackingId(text) {
  const candidate = toAsciiDigits(text || "").replace(/[\s\-_.]/g, "");
  if (!/^[0-9]{16}$/.test(candidate)) return null;
  let interim = 0;
  for (const char of candidate) interim = DAMM[interim][Number(char)];
  return interim === 0 ? candidate : null;
}

/** 1226-1128-4839-2071 in the language's digits. */
export const showTrackingId = (id) => digits(id.replace(/(\d{4})(?=\d)/g, "$1-"));

function when(iso) {
  const moment = formatMoment(iso, table());
  return t("track.when", moment);
}

/** "অবস্থা শেষ দেখা হয়েছে: ১৪:০৫" (the date too when it was not today). */
export function checkedLine(iso, short = false) {
  if (!iso) return "";
  const moment = formatMoment(iso, table());
  const today = formatMoment(Date.now(), table()).gregorian === moment.gregorian;
  const at = today ? moment.time : t("track.day_time", moment);
  return t(short ? "track.checked_short" : "track.checked", { when: at });
}

// Decided or withdrawn: no deadline and no "usually N days" any more.
const DECIDED = new Set(["approved", "rejected", "delivered", "cancelled"]);

/**
 * When to expect a decision: the office's deadline once it has received the application;
 * before that, how long the service usually takes (its working days), if that is published.
 */
function dueBy(app) {
  if (DECIDED.has(app.status)) return null;
  if (app.due_by) {
    const [year, month, day] = app.due_by.date.split("-").map(Number);
    const both = formatDay({ year, month, day }, table());
    return h("p", null, h("strong", null, t("track.due_by")), " ", `${both.gregorian} (${both.bangla})`);
  }
  const usual = workingDays(app.sla_working_days);
  return usual ? [h("p", null, h("strong", null, t("track.usual_label")), " ", t("track.usual", { days: usual })), h("p", { class: "help" }, t("track.usual_note"))] : null;
}

const statusName = (item) => (lang() === "bn" ? item.status_bn : item.status_en) || item.status;

/** Once approved: what the applicant gets, and where and how (else: from the agency). */
function collect(app) {
  if (app.status !== "approved" || !app.collect) return null;
  return h("section", { class: "collect", "aria-labelledby": "h-collect" },
    h("h3", { id: "h-collect" }, t("track.collect_title")),
    h("p", null, h("strong", null, t("track.collect_what")), " ", pick(app.collect.name)),
    h("p", null, h("strong", null, t("track.collect_where")), " ",
      app.collect.where ? pick(app.collect.where) : t("track.collect_agency", { agency: pick(app.agency_name) || "" })));
}

/**
 * An application as its applicant reads it: tracking id, status (and when it was last
 * checked), dates, what to collect once approved, history.
 */
export function applicationView(app, { offlineCopy, checked } = {}) {
  return h("article", { class: "application", "aria-labelledby": "app-title" },
    h("h2", { id: "app-title" }, pick(app.service_title) || app.service_id),
    h("p", { class: "tid-label" }, t("track.tracking_id")),
    h("p", { class: "tid", lang: lang() }, showTrackingId(app.tracking_id)),
    h("p", { class: "help" }, t("track.keep_id")),
    h("p", null, h("strong", null, t("track.status")), " ", h("span", { class: `status s-${app.status}` }, statusName(app))),
    checked ? h("p", { class: "checked help" }, checkedLine(checked)) : null,
    collect(app),
    app.agency_name ? h("p", null, h("strong", null, t("service.agency")), " ", pick(app.agency_name)) : null,
    h("p", null, h("strong", null, t("track.submitted")), " ", when(app.created_at)),
    dueBy(app),
    offlineCopy ? h("p", { class: "badge warn" }, t("track.offline_copy")) : null,
    h("h3", null, t("track.history")),
    h("ol", { class: "history" }, (app.history || []).map((item) =>
      h("li", null, h("span", { class: "status" }, statusName(item)), h("span", { class: "when" }, when(item.at)),
        item.reason ? h("span", { class: "when" }, item.reason) : null))));
}

/** The tracking form (tracking id + phone). */
export function trackForm(values = {}) {
  return h("form", { class: "track", novalidate: true, "aria-label": t("track.title") },
    h("div", { class: "field" },
      h("label", { for: "t-id" }, t("track.tracking_id")),
      h("p", { class: "help", id: "t-id-help" }, t("track.id_help")),
      h("p", { class: "error", id: "t-id-error", hidden: true }),
      h("input", { id: "t-id", name: "id", inputmode: "numeric", autocomplete: "off", value: values.id || "", "aria-describedby": "t-id-help t-id-error" })),
    h("div", { class: "field" },
      h("label", { for: "t-phone" }, t("track.phone")),
      h("p", { class: "error", id: "t-phone-error", hidden: true }),
      h("input", { id: "t-phone", name: "phone", type: "tel", autocomplete: "tel", value: values.phone || "", "aria-describedby": "t-phone-error" })),
    h("button", { type: "submit", class: "primary" }, t("track.submit")));
}

/** This device's applications (links to their status, and when each was last checked). */
export function myApplications(records, { itemOnly = false } = {}) {
  const item = (record) => h("li", { "data-id": record.tracking_id }, h("a", { href: `/a/${record.tracking_id}` },
    h("span", { class: "title" }, pick(record.view.service_title) || record.service_id),
    h("span", { class: "summary" }, showTrackingId(record.tracking_id), " · ",
      h("span", { class: `status s-${record.view.status}` }, statusName(record.view))),
    h("span", { class: "summary checked" }, checkedLine(record.checked_at || record.saved_at, true))));
  if (itemOnly) return item(records[0]);
  if (!records.length) return null;
  return h("section", { "aria-labelledby": "h-mine" },
    h("h2", { id: "h-mine" }, t("track.mine")),
    h("ul", { class: "services mine" }, records.map(item)));
}

/** The outbox: applications waiting to be sent, or sent back for correction. */
export function outboxView(entries, online) {
  return [
    h("h1", null, t("outbox.title")),
    h("p", { class: "lead" }, entries.length ? t("outbox.lead") : t("outbox.empty")),
    entries.length && !online ? h("p", { class: "badge warn" }, t("outbox.offline")) : null,
    h("ul", { class: "outbox" }, entries.map((entry) =>
      h("li", { "data-key": entry.key },
        h("span", { class: "title" }, pick(entry.title)),
        h("span", { class: "when" }, t("outbox.made", { when: when(entry.created_at) })),
        entry.state === "pending"
          ? h("span", { class: "status s-pending" }, t("outbox.pending"))
          : [h("span", { class: "status s-invalid" }, t("outbox.invalid")),
            h("span", { class: "error" }, entry.error ? (lang() === "bn" ? entry.error.message_bn : entry.error.message_en) || "" : ""),
            h("button", { type: "button", class: "fix", "data-key": entry.key }, t("outbox.fix"))]))),
    entries.some((entry) => entry.state === "pending")
      ? h("p", null, h("button", { type: "button", class: "primary send-now" }, t("outbox.send_now")))
      : null,
    h("p", { class: "outbox-result", role: "status" }),
  ];
}
