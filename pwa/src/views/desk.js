// The agency desk (/desk), for officers only: their agency's applications in one status,
// oldest first, a page at a time, with due-by and overdue; one application with its whole
// form (Bangla labels), its history and how consent was given; and the officer's decisions:
// approve, reject (with a reason), ask for information (a reason and the fields needed),
// mark delivered. Loaded only on this page.
//
// Answers come from GET /api/agencies/{agency}/applications and GET /api/me/applications/{id}
// (both no-store, and sent with Authorization, which the service worker never caches).
// Nothing about the application or the officer goes into the page's address.
import { formatMoment } from "../bangla.js";
import { loadService } from "../catalog.js";
import { loadGeo, unionsOf } from "../geo.js";
import { digits, lang, pick, t, table } from "../i18n.js";
import { ApiError, authorized, restore, signOut } from "../session.js";
import { staffSignIn } from "./staff-sign-in.js";
import { h, mount } from "../vnode.js";

const TABS = ["in_review", "resubmitted", "needs_info", "approved"];
const DECIDABLE = new Set(["in_review", "resubmitted"]);
const state = { root: null, principal: null, status: "in_review", rows: [], cursor: null, asked: 0 };

const STYLE = `
.desk-who{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:0}
.desk-tabs{display:flex;flex-wrap:wrap;gap:.5rem;margin:1rem 0}
.desk-tabs button[aria-pressed=true]{background:var(--green);color:#fff;font-weight:700}
.desk-table{width:100%;border-collapse:collapse;background:#fff;border:1px solid var(--line)}
.desk-table caption{text-align:left;font-weight:600;padding:.25rem 0}
.desk-table th,.desk-table td{padding:.5rem .75rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:middle}
.desk-table thead th{background:#eef2ef}
.desk-table button{width:100%;justify-content:flex-start;font-weight:700;font-size:1.05rem}
.desk-tid{white-space:nowrap;font-variant-numeric:tabular-nums}
.desk-table tr.overdue{background:#fdf1f0}
.badge.late{background:var(--red);color:#fff;font-weight:700}
.desk-more{margin:1rem 0}
.desk-app{background:#fff;border:1px solid var(--line);border-radius:8px;padding:.5rem 1rem 1rem;margin-top:1rem}
.desk-dl{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr;gap:.35rem 1rem;margin:0}
.desk-dl dt{font-weight:600}.desk-dl dd{margin:0;overflow-wrap:anywhere}
.desk-history{padding-left:1.25rem}
.desk-decide textarea{min-height:6rem}
.desk-missing{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.25rem 1rem;border:0;padding:0;margin:0 0 1rem}
.desk-missing legend{font-weight:600;margin-bottom:.25rem}
.desk-missing label{display:flex;gap:.6rem;align-items:center;min-height:48px;font-weight:400}
.desk-missing input{width:1.5rem;min-height:1.5rem;height:1.5rem;flex:none}
.desk-actions{display:flex;flex-wrap:wrap;gap:.75rem}
.desk-actions button{min-height:56px;padding:.5rem 1.5rem}
button.danger{border-color:var(--red);color:var(--red)}
.desk-message{border-left:4px solid var(--green);background:#e7f3ee;padding:.5rem 1rem}
.desk-message.error{border-color:var(--red);background:#fff}
@media (max-width:40rem){
.desk-table thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.desk-table,.desk-table caption,.desk-table tbody,.desk-table tr,.desk-table th,.desk-table td{display:block}
.desk-table caption{padding:.25rem .75rem}
.desk-table tr{border-bottom:2px solid var(--line);padding:.25rem 0}
.desk-table td,.desk-table th{border:0;padding:.2rem .75rem}
.desk-table td[data-label]::before{content:attr(data-label) ": ";font-weight:600}
.desk-dl{grid-template-columns:1fr}.desk-dl dd{margin-bottom:.5rem}
.desk-actions button{flex:1 1 100%}
}`;

function addStyle() {
  if (document.getElementById("desk-style")) return;
  const style = document.createElement("style");
  style.id = "desk-style";
  style.textContent = STYLE;
  document.head.append(style);
}

const message = (body) => (body ? (lang() === "bn" ? body.message_bn : body.message_en) || body.message_bn || body.message_en : null);
/** A day as the server gives it ({date, date_bn}, or "YYYY-MM-DD"), in the language in use. */
function day(value) {
  if (!value) return "—";
  if (typeof value === "object" && lang() === "bn" && value.date_bn) return value.date_bn;
  const iso = typeof value === "object" ? value.date : value;
  return iso ? formatMoment(`${iso}T06:00:00Z`, table()).gregorian : "—";
}
const moment = (iso) => {
  const when = formatMoment(iso, table());
  return `${when.gregorian}, ${when.time}`;
};
const localPhone = (phone) => digits(String(phone || "").replace(/^\+88/, ""));

async function call(url, init) {
  const response = await authorized(url, init);
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

// --- the page ------------------------------------------------------------------------

/** The /desk route: the sign-in form, the refusal, or the officer's queue. */
export async function deskPage(main) {
  addStyle();
  document.title = `${t("desk.title")} · ${document.title.split(" · ").pop()}`;
  state.root = main;
  const principal = await restore();
  if (!principal) return signInForm();
  if (principal.role !== "officer") return forbidden();
  return queuePage(principal);
}

function signInForm(problem) {
  staffSignIn(state.root, {
    prefix: "desk", title: "desk.sign_in.title", lead: "desk.sign_in.lead", role: "officer",
    signedIn: queuePage, forbidden,
  }, problem);
}

function forbidden() {
  state.principal = null;
  state.rows = [];
  mount(state.root,
    h("h1", { tabindex: "-1" }, t("desk.title")),
    h("p", { class: "error", role: "alert" }, t("desk.forbidden")),
    h("p", null, h("button", { type: "button", onclick: leave }, t("desk.sign_out"))));
}

async function leave() {
  await signOut();
  state.principal = null;
  state.rows = [];
  signInForm();
}

function failed(error) {
  if (error instanceof ApiError && error.status === 403) return forbidden(), true;
  if (error instanceof ApiError && error.status === 401) return signInForm(error), true;
  return false;
}

// --- the queue ------------------------------------------------------------------------

async function queuePage(principal) {
  state.principal = principal;
  const choose = (status) => () => {
    state.status = status;
    for (const button of state.root.querySelectorAll(".desk-tabs button")) button.setAttribute("aria-pressed", String(button.dataset.status === status));
    loadQueue();
  };
  mount(state.root,
    h("h1", { tabindex: "-1" }, t("desk.title")),
    h("p", { class: "lead" }, t("desk.lead")),
    h("p", { class: "desk-who" }, principal.phone ? h("span", null, t("desk.signed_in_as", { phone: localPhone(principal.phone) })) : null,
      h("button", { type: "button", onclick: leave }, t("desk.sign_out"))),
    h("div", { class: "desk-tabs", role: "group", "aria-label": t("desk.tabs.label") },
      TABS.map((status) => h("button", { type: "button", "data-status": status, "aria-pressed": String(status === state.status), onclick: choose(status) }, t(`desk.tabs.${status}`)))),
    h("div", { id: "desk-view" }));
  await loadQueue();
}

async function loadQueue(more = false) {
  const asked = ++state.asked;
  const view = document.getElementById("desk-view");
  if (!view) return;
  if (!more) mount(view, h("p", { role: "status" }, t("desk.loading")));
  const query = new URLSearchParams({ status: state.status });
  if (more && state.cursor) query.set("cursor", state.cursor);
  try {
    const page = await call(`/api/agencies/${encodeURIComponent(state.principal.agency_id)}/applications?${query}`, { cache: "no-store" });
    if (asked !== state.asked) return;
    state.rows = more ? [...state.rows, ...page.applications] : page.applications;
    state.cursor = page.cursor;
    renderQueue();
  } catch (error) {
    if (asked !== state.asked || failed(error)) return;
    mount(view, h("p", { class: "error", role: "alert" }, t("desk.unavailable")),
      h("button", { type: "button", onclick: () => loadQueue() }, t("desk.retry")));
  }
}

function queueRow(row) {
  const id = row.tracking_id_bn && lang() === "bn" ? row.tracking_id_bn : row.tracking_id;
  return h("tr", { class: row.overdue ? "overdue" : null, "data-id": row.tracking_id },
    h("th", { scope: "row" }, h("button", { type: "button", class: "desk-open", "aria-label": t("desk.open", { id }), onclick: () => openApplication(row.tracking_id) }, h("span", { class: "desk-tid" }, id))),
    h("td", { "data-label": t("desk.columns.service") }, pick(row.service_title) || row.service_id),
    h("td", { "data-label": t("desk.columns.since") }, moment(row.since)),
    h("td", { "data-label": t("desk.columns.due_by") }, row.due_by ? day(row.due_by) : t("desk.no_due")),
    h("td", { "data-label": t("desk.columns.overdue") }, row.overdue
      ? h("span", { class: "badge late" }, t("desk.overdue"))
      : row.due_by ? h("span", { class: "badge soft" }, t("desk.on_time")) : "—"));
}

function renderQueue() {
  const view = document.getElementById("desk-view");
  if (!view) return;
  if (!state.rows.length) return mount(view, h("p", { role: "status" }, t("desk.none")));
  mount(view,
    h("table", { class: "desk-table" },
      h("caption", null, t("desk.caption", { status: t(`desk.tabs.${state.status}`) })),
      h("thead", null, h("tr", null, ["tracking_id", "service", "since", "due_by", "overdue"].map((column) => h("th", { scope: "col" }, t(`desk.columns.${column}`))))),
      h("tbody", null, state.rows.map(queueRow))),
    state.cursor ? h("p", { class: "desk-more" }, h("button", { type: "button", onclick: () => loadQueue(true) }, t("desk.more"))) : null);
}

// --- one application --------------------------------------------------------------------

async function openApplication(trackingId, notice) {
  const view = document.getElementById("desk-view");
  if (!view) return;
  state.asked += 1; // a queue still loading no longer answers
  mount(view, h("p", { role: "status" }, t("desk.loading")));
  try {
    const application = await call(`/api/me/applications/${encodeURIComponent(trackingId)}`, { cache: "no-store" });
    state.service = await loadService(application.service_id).catch(() => null);
    state.places = await places(application.form_fields || []).catch(() => ({}));
    renderApplication(application, notice);
  } catch (error) {
    if (failed(error)) return;
    mount(view, backButton(), h("p", { class: "error", role: "alert" }, error instanceof ApiError && error.status === 404 ? t("desk.not_found") : t("desk.unavailable")));
  }
  view.querySelector("h2")?.focus();
}

const backButton = () => h("p", null, h("button", { type: "button", class: "desk-back", onclick: () => loadQueue() }, t("desk.back")));

const AREAS = ["division", "district", "upazila", "union"];

/** The names of the areas an application's addresses name: {"district:47": {bn, en}, ...}. */
async function places(fields) {
  const addresses = fields.map((field) => field.value).filter((answer) => answer && typeof answer === "object" && !Array.isArray(answer) && answer.district);
  if (!addresses.length) return {};
  const geo = await loadGeo();
  const found = {};
  const keep = (kind, rows) => rows.forEach(([id, , bn, en]) => { found[`${kind}:${id}`] = { bn, en }; });
  for (const kind of AREAS.slice(0, 3)) keep(kind, geo[kind] || []);
  for (const address of addresses) if (address.union) keep("union", await unionsOf(address.district).catch(() => []));
  return found;
}

/** An answer as the officer reads it: a choice by its label (from the service's form), a day
 * as a date, yes or no; anything else as the citizen gave it. */
function value(answer, property = {}) {
  if (answer === true) return t("desk.application.yes");
  if (answer === false) return t("desk.application.no");
  if (Array.isArray(answer)) return answer.map((item) => value(item, property.items)).join(", ");
  if (answer && typeof answer === "object") {
    return Object.entries(answer).map(([name, item]) => (AREAS.includes(name) && state.places?.[`${name}:${item}`]
      ? pick(state.places[`${name}:${item}`]) : value(item, property.properties?.[name]))).filter(Boolean).join(", ");
  }
  const widget = property?.["x-ui"]?.widget;
  const option = property?.["x-ui"]?.options?.[answer];
  if (option) return pick(option);
  const paper = widget === undefined && state.service?.documents?.find((item) => item.id === answer);
  if (paper && property?.enum) return pick(paper.name);
  if (widget === "date" && /^\d{4}-\d{2}-\d{2}$/.test(answer)) return day(answer);
  return answer == null ? "" : String(answer);
}

const label = (field) => (lang() === "bn" ? field.label_bn || field.label_en : field.label_en || field.label_bn) || field.name;

function consentText(application) {
  if (application.consent === "code" || application.consent === "no_code") return t(`desk.consent.${application.consent}`);
  return t("desk.consent.own");
}

function renderApplication(application, notice) {
  const view = document.getElementById("desk-view");
  const id = lang() === "bn" ? application.tracking_id_bn : application.tracking_id_display || application.tracking_id;
  const fields = application.form_fields || [];
  const pair = (key, text) => [h("dt", null, t(`desk.application.${key}`)), h("dd", null, text)];
  mount(view,
    backButton(),
    h("article", { class: "desk-app", "data-id": application.tracking_id, "data-status": application.status },
      h("h2", { tabindex: "-1" }, h("span", { class: "tid" }, id)),
      notice ? h("p", { class: `desk-message${notice.error ? " error" : ""}`, role: notice.error ? "alert" : "status" }, notice.text) : null,
      h("dl", { class: "desk-dl" },
        pair("status", h("span", { class: "status desk-status" }, lang() === "bn" ? application.status_bn : application.status_en)),
        pair("service", pick(application.service_title) || application.service_id),
        pair("applicant", application.applicant?.name || "—"),
        pair("phone", localPhone(application.applicant?.phone)),
        pair("submitted", moment(application.created_at)),
        application.due_by ? pair("due_by", day(application.due_by)) : null,
        pair("consent", h("span", { class: "desk-consent" }, consentText(application)))),
      h("section", { "aria-labelledby": "desk-h-form" },
        h("h3", { id: "desk-h-form" }, t("desk.application.form")),
        h("dl", { class: "desk-dl desk-form" }, fields.map((field) => [h("dt", null, label(field)), h("dd", null, value(field.value, state.service?.form?.properties?.[field.name]))]))),
      h("section", { "aria-labelledby": "desk-h-history" },
        h("h3", { id: "desk-h-history" }, t("desk.application.history")),
        h("ol", { class: "desk-history" }, (application.history || []).map((entry) => h("li", null,
          h("strong", null, lang() === "bn" ? entry.status_bn : entry.status_en), " — ", moment(entry.at),
          entry.reason ? [h("br"), `${t("desk.application.reason")}: ${entry.reason}`] : null)))),
      actions(application, fields)));
}

function actions(application, fields) {
  if (application.status === "approved") {
    return h("section", { class: "desk-decide", "aria-labelledby": "desk-h-decide" },
      h("h3", { id: "desk-h-decide" }, t("desk.decide.title")),
      h("p", { class: "help" }, t("desk.decide.deliver_help")),
      h("p", { class: "error desk-problem", role: "alert", hidden: true }),
      h("div", { class: "desk-actions" },
        h("button", { type: "button", class: "primary", "data-action": "deliver", onclick: (event) => deliver(application, event.target) }, t("desk.decide.deliver"))));
  }
  if (!DECIDABLE.has(application.status)) return h("p", { class: "help" }, t("desk.decide.closed"));
  const button = (decision, cls) => h("button", { type: "button", class: cls, "data-action": decision, onclick: (event) => decide(application, decision, event.target.form, event.target) }, t(`desk.decide.${decision}`));
  return h("section", { class: "desk-decide", "aria-labelledby": "desk-h-decide" },
    h("h3", { id: "desk-h-decide" }, t("desk.decide.title")),
    h("form", { novalidate: true, onsubmit: (event) => event.preventDefault() },
      h("div", { class: "field" },
        h("label", { for: "desk-reason" }, t("desk.decide.reason")),
        h("p", { class: "help", id: "desk-reason-help" }, t("desk.decide.reason_help")),
        h("p", { class: "error", id: "desk-reason-error", hidden: true }),
        h("textarea", { id: "desk-reason", name: "reason", maxlength: "1000", "aria-describedby": "desk-reason-help" })),
      fields.length ? h("fieldset", { class: "desk-missing", id: "desk-missing" },
        h("legend", null, t("desk.decide.missing")),
        h("p", { class: "error", id: "desk-missing-error", hidden: true }),
        fields.map((field) => h("label", null, h("input", { type: "checkbox", name: "missing", value: field.name }), label(field)))) : null,
      h("p", { class: "error desk-problem", role: "alert", hidden: true }),
      h("div", { class: "desk-actions" },
        button("approve", "primary"), button("reject", "danger"), button("needs_info", ""))));
}

function showProblem(element, text) {
  if (!element) return;
  element.textContent = text || "";
  element.hidden = !text;
}

function clearProblems() {
  for (const element of state.root.querySelectorAll(".desk-decide .error")) showProblem(element, "");
  state.root.querySelector(".desk-decide .field")?.classList.remove("invalid");
  state.root.querySelector("#desk-reason")?.removeAttribute("aria-invalid");
}

/** Checks what the officer entered; returns the decision's body, or null (and says why). */
function decisionBody(form, decision) {
  const reason = form.reason.value.trim();
  const missing = [...form.querySelectorAll("input[name=missing]:checked")].map((input) => input.value);
  const body = { decision };
  if (decision !== "approve" && !reason) {
    const textarea = form.reason;
    textarea.closest(".field").classList.add("invalid");
    textarea.setAttribute("aria-invalid", "true");
    textarea.setAttribute("aria-describedby", "desk-reason-error desk-reason-help");
    showProblem(document.getElementById("desk-reason-error"), t("desk.decide.reason_needed"));
    textarea.focus();
    return null;
  }
  if (decision === "needs_info" && !missing.length && form.querySelector("input[name=missing]")) {
    showProblem(document.getElementById("desk-missing-error"), t("desk.decide.missing_needed"));
    form.querySelector("input[name=missing]").focus();
    return null;
  }
  if (decision !== "approve") body.reason = reason;
  if (decision === "needs_info" && missing.length) body.missing = missing;
  return body;
}

async function decide(application, decision, form, button) {
  clearProblems();
  const body = decisionBody(form, decision);
  if (!body) return;
  await send(application, `/api/applications/${encodeURIComponent(application.tracking_id)}/decisions`, body, decision, button);
}

async function deliver(application, button) {
  await send(application, `/api/applications/${encodeURIComponent(application.tracking_id)}/deliver`, {}, "deliver", button);
}

async function send(application, url, body, done, button) {
  const buttons = state.root.querySelectorAll(".desk-actions button");
  for (const item of buttons) item.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.textContent = t("desk.decide.working");
  const headers = { "Content-Type": "application/json" };
  if (application.version != null) headers["If-Match"] = `"${application.version}"`;
  try {
    const answer = await call(url, { method: "POST", headers, body: JSON.stringify(body), cache: "no-store" });
    renderApplication(answer, { text: t(`desk.decide.done.${done}`) });
    state.root.querySelector(".desk-message")?.focus?.();
  } catch (error) {
    if (failed(error)) return;
    if (error instanceof ApiError && error.status === 409) {
      return openApplication(application.tracking_id, { error: true, text: message(error.body) || t("desk.decide.conflict") });
    }
    renderApplication(application, { error: true, text: (error instanceof ApiError && message(error.body)) || t("desk.decide.failed") });
  }
}
