// The centre's tablet (/centre), for entrepreneurs only: a day's queue of citizens, several
// applications in progress at once, each with its citizen's name, service and sync state
// (draft, waiting to send, sent with its tracking id, refused), switched in one tap. Loaded
// only on this page (never in a citizen's download).
//
// An item is one citizen's application: their name and phone, the service's form (the
// citizen's own form view, form.js), their consent (a code sent to their phone through
// POST /api/consents, or a recorded reason) and the payment (cash or mobile banking, and the
// centre's service charge). Items live in the entrepreneur's own IndexedDB store (store.js
// `queue`), saved on every change, so nothing is lost offline or on a reload.
//
// Submitting puts the item's body in the outbox (outbox.js) under the item's Idempotency-Key,
// kept with the item: it is sent at once when online, or when the connection returns, and a
// dropped answer is resent with the same key, so the server makes it exactly once. A refusal
// (4xx naming fields) comes back to the item, field by field, to be corrected; the corrected
// body goes under a new key (the refused one made nothing on the server).
//
// "Done with this citizen" prints or shares the receipt (receipt.js), then deletes the
// citizen's item, outbox entry and application record from the tablet; an item not yet on
// the server is deleted only after a warning. Signing out deletes everything, after saying
// what is not sent. Nothing personal goes into the page's address, a log or a cache: the
// receipt is held in memory only, and every call carries Authorization, which the service
// worker never caches.
import { toAsciiDigits, todayDhaka } from "../bangla.js";
import { loadIndex, loadService } from "../catalog.js";
import { quote } from "../fees.js";
import { addStrings, digits, lang, pick, t } from "../i18n.js";
import { askToSync, flush } from "../outbox.js";
import { NORMALISERS } from "../rules.js";
import { ApiError, authorized, restore, signOut } from "../session.js";
import { applications, outbox, queue, wipe } from "../store.js";
import { h, mount, toDOM } from "../vnode.js";
import { taka } from "./fee.js";
import { APPLICANT, ServiceForm } from "./form.js";
import centreStrings from "../../i18n/centre.bn.json" with { type: "json" };
import { addStyle as receiptStyle, receiptView } from "./receipt.js";
import { staffSignIn } from "./staff-sign-in.js";

addStrings(centreStrings); // the page's own words, kept out of the citizen's download

// A citizen with no phone of their own gives a name alone (the server then asks for the
// consent on record, and sends no SMS).
const NAME_ONLY = { ...APPLICANT, required: ["name"], properties: { name: APPLICANT.properties.name } };

const RECHECK_MS = 2000; // how often the queue looks at what the outbox has sent meanwhile
const RETRY_MS = 20000; // how often waiting items are tried again while online
const SAVE_DELAY_MS = 250;
const NEW = "new"; // the work area shows the new citizen's form (data-showing), not an item
const MOBILE = /^01[3-9][0-9]{8}$/;
const state = { root: null, opening: 0, changed: () => {}, principal: null, current: null, view: null, item: null, timer: null, retry: null, saveTimer: null, notice: null, catalog: null };

const STYLE = `
body:has(.centre-page) main{max-width:80rem}
.centre-top{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}
.centre-top h1{margin:.25rem 0}
.centre-who{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:0}
.centre-page{display:grid;gap:1rem;align-items:start}
.centre-queue{background:#fff;border:1px solid var(--line);border-radius:8px;padding:.5rem .75rem;position:sticky;top:0;z-index:2}
.centre-queue-head{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between;margin-bottom:.5rem}
.centre-queue h2{font-size:1.1rem;margin:0}
.centre-queue ul{list-style:none;padding:0 0 .25rem;margin:0;display:flex;gap:.5rem;overflow-x:auto;scroll-snap-type:x proximity}
.centre-queue li{flex:0 0 14.5rem;scroll-snap-align:start}
.centre-queue li button{width:100%;height:100%;min-height:64px;flex-direction:column;align-items:flex-start;justify-content:flex-start;text-align:start;gap:.1rem;border-width:2px;padding:.4rem .75rem}
.centre-queue li button[aria-current=true]{background:#e7f3ee;border-width:4px;padding:calc(.4rem - 2px) calc(.75rem - 2px)}
.centre-queue .who{font-weight:700;font-size:1.05rem;color:var(--ink)}
.centre-queue .what{color:var(--soft);font-size:.9rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;max-width:100%}
.centre-queue .new{min-height:48px}
.sync{display:inline-block;padding:.1rem .5rem;border-radius:4px;font-size:.9rem;font-weight:600}
.sync{border:1px solid currentColor}
.sync-draft{background:#ececec;color:var(--ink)}
.sync-waiting{background:var(--warn-bg);color:var(--warn)}
.sync-sent{background:#fff;color:var(--green-dark)}
.sync-refused{background:var(--red);color:#fff}
.centre-work{min-width:0;margin:0}
.centre-work>:first-child{margin-top:0}
.centre-work .crumbs{display:none}
.centre-card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:.5rem 1rem 1rem;margin-bottom:1rem}
.centre-card h2{margin-top:.5rem}
.centre-refused{border:3px solid var(--red);border-radius:8px;background:#fff;padding:.5rem 1rem;margin-bottom:1rem}
.centre-refused ul{padding-left:1.25rem}
.centre-dl{display:grid;grid-template-columns:minmax(8rem,12rem) 1fr;gap:.35rem 1rem;margin:0 0 1rem}
.centre-dl dt{font-weight:600}.centre-dl dd{margin:0;overflow-wrap:anywhere}
.centre-charges{background:#e7f3ee;border-left:4px solid var(--green);padding:.5rem 1rem;margin:1rem 0}
.centre-charges h2{font-size:1.1rem;margin:.25rem 0 .5rem}
.centre-charges dl{display:grid;grid-template-columns:1fr auto;gap:.25rem 1rem;margin:0;max-width:28rem}
.centre-charges dd{margin:0;text-align:end;font-variant-numeric:tabular-nums}
.centre-charges .sum{font-weight:700;font-size:1.2rem;border-top:1px solid var(--green);padding-top:.25rem}
.centre-actions{display:flex;flex-wrap:wrap;gap:.75rem;margin:1rem 0}
.centre-actions button{min-height:56px;padding:.5rem 1.5rem}
.centre-page button.danger{border-color:var(--red);color:var(--red)}
.centre-message{border-left:4px solid var(--green);background:#e7f3ee;padding:.5rem 1rem}
.centre-message.warn{border-color:var(--warn);background:var(--warn-bg);color:var(--ink)}
.centre-code{display:flex;flex-wrap:wrap;gap:.75rem;align-items:end}
.centre-code .field{flex:1 1 12rem;margin:0}
.centre-code button{flex:none}
.centre-receipt{background:#fff;border:1px solid var(--line);border-radius:8px;padding:.5rem 1rem 1rem}
@media (min-width:64rem){
.centre-page{grid-template-columns:19rem minmax(0,1fr)}
.centre-queue{top:.5rem;max-height:calc(100vh - 1rem);overflow:auto;padding:.75rem}
.centre-queue-head{flex-direction:column;align-items:stretch}
.centre-queue-head .new{order:2;min-height:56px}
.centre-queue ul{flex-direction:column;overflow:visible}
.centre-queue li{flex:none}
.centre-queue li button{min-height:72px;padding:.5rem 1rem}
.centre-queue li button[aria-current=true]{padding:calc(.5rem - 2px) calc(1rem - 2px)}
.centre-queue .what{white-space:normal}
}
@media print{.centre-queue,.centre-top,.centre-actions,.centre-message{display:none!important}.centre-receipt{border:0;padding:0}}
`;

function addStyle() {
  if (document.getElementById("centre-style")) return;
  const style = document.createElement("style");
  style.id = "centre-style";
  style.textContent = STYLE;
  document.head.append(style);
}

const message = (body) => (body ? (lang() === "bn" ? body.message_bn : body.message_en) || body.message_bn || body.message_en : null);
const localPhone = (phone) => String(phone || "").replace(/^\+88/, "");
const trackingText = (id) => digits(String(id || "").replace(/(\d{4})(?=\d)/g, "$1-"));
const online = () => navigator.onLine;

/** The state a person sees: "draft" | "waiting" | "sent" | "refused". */
const stateLabel = (item) => t(`centre.state.${item.state}`);
const unsynced = (item) => item.state !== "sent";

// --- the page ------------------------------------------------------------------------

/**
 * The /centre route: the sign-in form, the refusal, or the entrepreneur's day. `changed()`
 * is called whenever the outbox may have changed (the app's notice counts what waits).
 */
export async function centrePage(main, changed = () => {}) {
  addStyle();
  receiptStyle();
  document.title = `${t("centre.title")} · ${t("app.name")}`;
  state.root = main;
  state.changed = changed;
  const principal = await restore();
  if (!principal) return signInForm();
  if (principal.role !== "entrepreneur") return forbidden();
  return dayPage(principal);
}

function signInForm(problem) {
  staffSignIn(state.root, {
    prefix: "centre", title: "centre.sign_in.title", lead: "centre.sign_in.lead", role: "entrepreneur",
    signedIn: dayPage, forbidden,
  }, problem);
}

function forbidden() {
  mount(state.root,
    h("h1", { tabindex: "-1" }, t("centre.title")),
    h("p", { class: "error", role: "alert" }, t("centre.forbidden")),
    h("p", null, h("button", { type: "button", onclick: () => finishSignOut() }, t("centre.sign_out"))));
}

async function dayPage(principal) {
  state.principal = principal;
  state.catalog = await loadIndex();
  mount(state.root,
    h("div", { class: "centre-top" },
      h("h1", { tabindex: "-1" }, t("centre.title")),
      h("p", { class: "centre-who" },
        h("span", null, t("centre.signed_in_as", { phone: digits(localPhone(principal.phone)) })),
        h("button", { type: "button", class: "centre-sign-out", onclick: askSignOut }, t("centre.sign_out")))),
    h("div", { class: "centre-sign-out-confirm", role: "alertdialog", "aria-labelledby": "centre-sign-out-q", hidden: true }),
    h("p", { class: "centre-notice", role: "status" }),
    h("div", { class: "centre-page" },
      h("nav", { class: "centre-queue", "aria-labelledby": "centre-queue-title" }),
      h("section", { class: "centre-work", "aria-live": "polite" })));
  const items = await queue.all();
  state.current = items.find((item) => item.id === state.current)?.id || items.at(-1)?.id || null;
  await renderQueue();
  await openCurrent();
  watch();
  if (online()) sendWaiting(); // anything left waiting (a lapsed sign-in, a closed tab) goes now
}

/** Keep the queue's states true while the page is open: what was sent, refused, retried. */
function watch() {
  clearInterval(state.timer);
  clearInterval(state.retry);
  state.timer = setInterval(async () => {
    if (!state.root?.querySelector(".centre-page")) return stopWatching();
    if (await reconcile()) {
      await refreshAfterSync();
      state.changed();
    }
  }, RECHECK_MS);
  state.retry = setInterval(() => {
    if (!state.root?.querySelector(".centre-page")) return stopWatching();
    if (online()) sendWaiting();
  }, RETRY_MS);
}

function stopWatching() {
  clearInterval(state.timer);
  clearInterval(state.retry);
  state.timer = null;
  state.retry = null;
}

window.addEventListener("online", () => {
  if (state.root?.querySelector(".centre-page")) sendWaiting();
});

function say(text, tone = "") {
  const place = state.root.querySelector(".centre-notice");
  if (!place) return;
  place.className = `centre-notice${text ? ` centre-message ${tone}` : ""}`;
  place.textContent = text || "";
}

// --- the queue ------------------------------------------------------------------------

async function renderQueue() {
  const place = state.root.querySelector(".centre-queue");
  if (!place) return;
  const items = await queue.all();
  const entry = (item) => {
    const service = state.catalog?.services.find((s) => s.id === item.service_id);
    return h("li", null,
      h("button", { type: "button", class: "queue-item", "data-item": item.id, "aria-current": item.id === state.current ? "true" : null, onclick: () => switchTo(item.id) },
        h("span", { class: "who" }, item.name || t("centre.no_name")),
        h("span", { class: "what" }, service ? pick(service.title) : item.service_id),
        h("span", null,
          h("span", { class: `sync sync-${item.state}` }, stateLabel(item)),
          item.tracking_id ? [" ", h("span", { class: "queue-tid" }, trackingText(item.tracking_id))] : null)));
  };
  patch(place, // a tap on an item that stays as it was is not lost to the redraw
    h("div", { class: "centre-queue-head" },
      h("h2", { id: "centre-queue-title" }, t("centre.queue"), " (", digits(items.length), ")"),
      h("button", { type: "button", class: "primary new", "aria-current": state.current ? null : "true", onclick: () => switchTo(null) }, `+ ${t("centre.new")}`)),
    items.length ? h("ul", null, items.map(entry)) : h("p", { class: "help" }, t("centre.queue_empty")));
  place.querySelector("[aria-current=true]")?.scrollIntoView?.({ block: "nearest", inline: "nearest" });
}

/**
 * Draws the nodes into `parent` as `mount` does, but keeps every node already there that the
 * new drawing repeats (the same tag and attributes, recursively): the queue is redrawn as
 * items are sent, maybe under a finger, and a replaced button loses the tap that began on it.
 * A kept node keeps its listeners: a queue item's attributes name the item it opens. (Here,
 * not in vnode.js, which every citizen downloads.)
 */
function patch(parent, ...nodes) {
  keepEqual(parent, nodes.map(toDOM));
}

function keepEqual(parent, fresh) {
  const old = [...parent.childNodes];
  fresh.forEach((node, i) => {
    const before = old[i];
    if (!before) parent.append(node);
    else if (sameElement(before, node)) keepEqual(before, [...node.childNodes]);
    else if (!before.isEqualNode(node)) before.replaceWith(node);
  });
  for (const extra of old.slice(fresh.length)) extra.remove();
}

const sameElement = (a, b) => a.nodeType === Node.ELEMENT_NODE && b.nodeType === Node.ELEMENT_NODE
  && a.tagName === b.tagName && a.attributes.length === b.attributes.length
  && [...a.attributes].every(({ name, value }) => b.getAttribute(name) === value);

async function switchTo(id) {
  const work = state.root.querySelector(".centre-work");
  // A tap on what is already open (the new citizen's form, or the citizen's own item) draws
  // nothing again: drawn again after reading the queue, it would be replaced under a finger
  // already on it, and a letter typed or a tap on "start" landing on the old copy is lost.
  if (id !== state.current || work?.dataset.showing !== (id ?? NEW)) {
    await saveNow();
    state.current = id;
    await renderQueue();
    await openCurrent();
  }
  say("");
  window.scrollTo(0, 0);
  state.root.querySelector(".centre-work h2")?.focus({ preventScroll: true });
}

async function openCurrent() {
  const work = state.root.querySelector(".centre-work");
  const opening = ++state.opening; // a later tap wins over one still opening
  state.view = null;
  delete work.dataset.showing; // what the work area shows, once it is wholly drawn
  const item = state.current ? await queue.get(state.current) : null;
  if (opening !== state.opening) return;
  state.item = item;
  let drawn = true;
  if (!item) {
    state.current = null;
    startForm(work);
  } else if (item.state === "draft" || item.state === "refused") {
    drawn = await editItem(work, item, opening);
  } else {
    summaryOf(work, item);
  }
  if (drawn && opening === state.opening) work.dataset.showing = item?.id ?? NEW;
}

// --- a new citizen ------------------------------------------------------------------------

function startForm(work, problems = {}) {
  const services = [...(state.catalog?.services || [])].sort((a, b) => pick(a.title).localeCompare(pick(b.title), lang()));
  const field = (name, control, help) => h("div", { class: `field${problems[name] ? " invalid" : ""}` },
    h("label", { for: `cs-${name}` }, t(`centre.start.${name}`)),
    help ? h("p", { class: "help", id: `cs-${name}-help` }, help) : null,
    problems[name] ? h("p", { class: "error", id: `cs-${name}-error` }, problems[name]) : null,
    control);
  const described = (name, help) => [help ? `cs-${name}-help` : null, problems[name] ? `cs-${name}-error` : null].filter(Boolean).join(" ") || null;
  const previous = work.querySelector("form.centre-start");
  const kept = previous ? { name: previous.name.value, phone: previous.phone.value, service: previous.service.value, noPhone: previous.no_phone.checked } : {};
  mount(work,
    h("div", { class: "centre-card" },
      h("h2", { tabindex: "-1" }, t("centre.start.title")),
      h("form", { class: "centre-start", novalidate: true, onsubmit: startItem },
        field("name", h("input", { id: "cs-name", name: "name", type: "text", autocomplete: "off", maxlength: 100, value: kept.name || "", "aria-invalid": problems.name ? "true" : null, "aria-describedby": described("name") })),
        field("phone", h("input", { id: "cs-phone", name: "phone", type: "tel", inputmode: "tel", autocomplete: "off", value: kept.phone || "", disabled: kept.noPhone || null, "aria-invalid": problems.phone ? "true" : null, "aria-describedby": described("phone", true) }), t("centre.start.phone_help")),
        h("div", { class: "field" },
          h("label", { class: "choice" },
            h("input", { type: "checkbox", name: "no_phone", checked: kept.noPhone || null, "aria-describedby": "cs-no-phone-help",
              onchange: (event) => { event.target.form.phone.disabled = event.target.checked; } }),
            " ", t("centre.start.no_phone")),
          h("p", { class: "help", id: "cs-no-phone-help" }, t("centre.start.no_phone_help"))),
        field("service", h("select", { id: "cs-service", name: "service", "aria-invalid": problems.service ? "true" : null, "aria-describedby": described("service") },
          h("option", { value: "" }, t("centre.start.choose")),
          services.map((s) => h("option", { value: s.id, selected: s.id === kept.service }, pick(s.title))))),
        h("button", { type: "submit", class: "primary" }, t("centre.start.submit")))));
  work.querySelector("[aria-invalid=true]")?.focus();
}

async function startItem(event) {
  event.preventDefault();
  const form = event.target;
  const name = form.name.value.trim();
  const noPhone = form.no_phone.checked; // no phone of their own: no code, no SMS
  const phone = noPhone ? "" : NORMALISERS.mobile(form.phone.value);
  const serviceId = form.service.value;
  const problems = {};
  if (name.length < 2) problems.name = t("centre.start.name_needed");
  if (!noPhone && !MOBILE.test(phone)) problems.phone = t("centre.start.phone_needed");
  if (!serviceId) problems.service = t("centre.start.service_needed");
  if (Object.keys(problems).length) return startForm(state.root.querySelector(".centre-work"), problems);
  const item = {
    id: crypto.randomUUID(),
    key: crypto.randomUUID(), // the Idempotency-Key: kept with the item until the server has it
    created_at: new Date().toISOString(),
    name, phone, service_id: serviceId, no_phone: noPhone,
    values: noPhone ? { "applicant.name": name } : { "applicant.name": name, "applicant.phone": phone },
    consent: { method: online() && !noPhone ? "code" : "recorded", challenge_id: null, code: "", reason: noPhone ? t("centre.start.no_phone_reason") : "" },
    payment: { method: "cash", mfs_provider: "", mfs_reference: "", service_charge_bdt: "" },
    state: "draft", error: null, tracking_id: null,
  };
  await queue.put(item);
  await switchTo(item.id);
}

// --- one citizen's application ------------------------------------------------------------

/** Draws a draft or refused item's form; false when it could not (its service is not to be had). */
async function editItem(work, item, opening) {
  const service = await loadService(item.service_id);
  if (opening !== state.opening) return false;
  if (!service) {
    mount(work, h("p", { class: "error", role: "alert" }, t("notice.unavailable")));
    return false; // a tap on the item tries again
  }
  const view = new ServiceForm(service, item.no_phone ? NAME_ONLY : APPLICANT, {
    onChange(values) {
      if (state.item?.id !== item.id) return;
      const name = String(values["applicant.name"] || "").trim();
      const renamed = name !== state.item.name;
      const phone = state.item.no_phone ? "" : NORMALISERS.mobile(String(values["applicant.phone"] || ""));
      Object.assign(state.item, { values, name, phone });
      refreshCharges();
      saveSoon(renamed); // the queue shows the name: redrawn only when it changes
    },
    onSubmit: (body) => submitItem(body),
  });
  state.view = view;
  // one heading for the page: the form's names the citizen and the service
  const heading = view.element.querySelector("h1");
  const title = document.createElement("h2");
  title.tabIndex = -1;
  title.textContent = `${item.name || t("centre.no_name")} · ${pick(service.title)}`;
  heading?.replaceWith(title);
  // what the citizen's form says of "this phone" is, here, this tablet until the citizen is done
  const lead = view.element.querySelector(".lead");
  if (lead) lead.textContent = t("centre.form_lead");
  const note = view.form.querySelector(":scope > p.help");
  if (note) note.textContent = t("centre.offline_note");
  const button = view.form.querySelector("button[type=submit]");
  button.textContent = t(item.state === "refused" ? "centre.resubmit" : "centre.submit");
  button.before(toDOM(consentPart(item)), toDOM(paymentPart(item, service)), toDOM(h("section", { class: "centre-charges", "aria-labelledby": "charges-title", "aria-live": "polite" })));
  work.replaceChildren(
    ...(item.state === "refused" ? [toDOM(refusal(item))] : []),
    view.element,
    toDOM(h("div", { class: "centre-actions" }, h("button", { type: "button", class: "danger done", onclick: () => done(item.id) }, t("centre.done")))));
  view.form.addEventListener("input", extrasChanged);
  view.form.addEventListener("change", extrasChanged);
  await view.restore(item.values || {});
  if (opening !== state.opening) return false;
  refreshCharges();
  if (item.state === "refused" && item.error) showRefusal(item.error);
  return true;
}

function radio(name, value, label, checked) {
  const id = `cz-${name}-${value}`;
  return h("label", { class: "choice", for: id },
    h("input", { type: "radio", id, name: `cz-${name}`, value, checked }), " ", label);
}

function fieldBox(id, label, control, help) {
  return h("div", { class: "field", id: `${id}-field` },
    h("label", { for: id }, label),
    help ? h("p", { class: "help", id: `${id}-help` }, help) : null,
    h("p", { class: "error", id: `${id}-error`, hidden: true }),
    control);
}

function consentPart(item) {
  const consent = item.consent;
  const byCode = consent.method === "code" && !item.no_phone;
  return h("fieldset", { class: "section centre-consent" },
    h("legend", null, t("centre.consent.title")),
    h("div", { class: "field", id: "cz-method-field" },
      h("fieldset", null,
        h("legend", null, t("centre.consent.method")),
        h("p", { class: "error", id: "cz-method-error", hidden: true }),
        h("div", { class: "choices" },
          item.no_phone ? h("p", { class: "help" }, t("centre.consent.no_phone")) : radio("method", "code", t("centre.consent.by_code"), byCode),
          radio("method", "recorded", t("centre.consent.by_reason"), !byCode)))),
    h("div", { class: "cz-by-code", hidden: !byCode },
      h("div", { class: "centre-code" },
        h("button", { type: "button", class: "send-code", onclick: sendCode }, t(consent.challenge_id ? "centre.consent.resend" : "centre.consent.send")),
        fieldBox("cz-code", t("centre.consent.code"),
          h("input", { id: "cz-code", name: "cz-code", type: "text", inputmode: "numeric", autocomplete: "one-time-code", maxlength: 6, value: consent.code || "", "aria-describedby": "cz-code-error" }))),
      h("p", { class: "cz-code-status help", role: "status" })),
    h("div", { class: "cz-by-reason", hidden: byCode },
      fieldBox("cz-reason", t("centre.consent.reason"),
        h("textarea", { id: "cz-reason", name: "cz-reason", rows: 2, maxlength: 300, value: consent.reason || "", "aria-describedby": "cz-reason-help cz-reason-error" }),
        t("centre.consent.reason_help"))));
}

function paymentPart(item, service) {
  const payment = item.payment;
  const cap = quote(service, {}, todayDhaka()).service_charge_cap_poisha;
  return h("fieldset", { class: "section centre-payment" },
    h("legend", null, t("centre.payment.title")),
    h("div", { class: "field", id: "cz-pay-method-field" },
      h("fieldset", null,
        h("legend", null, t("centre.payment.method")),
        h("p", { class: "error", id: "cz-pay-method-error", hidden: true }),
        h("div", { class: "choices" },
          radio("pay-method", "cash", t("centre.payment.cash"), payment.method === "cash"),
          radio("pay-method", "mfs", t("centre.payment.mfs"), payment.method === "mfs")))),
    h("div", { class: "cz-mfs", hidden: payment.method !== "mfs" },
      fieldBox("cz-pay-provider", t("centre.payment.provider"),
        h("input", { id: "cz-pay-provider", name: "cz-pay-provider", type: "text", autocomplete: "off", maxlength: 40, list: "cz-providers", value: payment.mfs_provider || "", "aria-describedby": "cz-pay-provider-error" })),
      h("datalist", { id: "cz-providers" }, ["bKash", "Nagad", "Rocket", "Upay"].map((name) => h("option", { value: name }))),
      fieldBox("cz-pay-reference", t("centre.payment.reference"),
        h("input", { id: "cz-pay-reference", name: "cz-pay-reference", type: "text", autocomplete: "off", spellcheck: "false", maxlength: 40, value: payment.mfs_reference || "", "aria-describedby": "cz-pay-reference-error" }))),
    fieldBox("cz-pay-charge", t("centre.payment.charge"),
      h("input", { id: "cz-pay-charge", name: "cz-pay-charge", type: "text", inputmode: "decimal", autocomplete: "off", maxlength: 9, value: digits(payment.service_charge_bdt ?? ""), "aria-describedby": "cz-pay-charge-help cz-pay-charge-error" }),
      [t("centre.payment.charge_help"), cap != null ? ` ${t("centre.payment.cap", { amount: taka(cap) })}` : ""].join("")));
}

/** Consent and payment answers, read from their inputs into the item (saved soon). */
function extrasChanged(event) {
  if (!event.target.name?.startsWith("cz-") || !state.item) return;
  const form = state.view.form;
  const value = (name) => form.querySelector(`[name="${name}"]`)?.value ?? "";
  const checked = (name) => form.querySelector(`[name="${name}"]:checked`)?.value || null;
  const method = state.item.no_phone ? "recorded" : checked("cz-method") || "code";
  Object.assign(state.item.consent, { method, code: value("cz-code"), reason: value("cz-reason") });
  Object.assign(state.item.payment, {
    method: checked("cz-pay-method") || "cash", mfs_provider: value("cz-pay-provider"),
    mfs_reference: value("cz-pay-reference"), service_charge_bdt: toAsciiDigits(value("cz-pay-charge")).trim(),
  });
  form.querySelector(".cz-by-code").hidden = state.item.consent.method !== "code";
  form.querySelector(".cz-by-reason").hidden = state.item.consent.method !== "recorded";
  form.querySelector(".cz-mfs").hidden = state.item.payment.method !== "mfs";
  refreshCharges();
  saveSoon(false);
}

/** The service charge as poisha, or null when it is not a sum of taka and poisha. */
function chargePoisha(text) {
  const typed = toAsciiDigits(String(text ?? "")).trim();
  if (!/^\d{1,6}(\.\d{1,2})?$/.test(typed)) return null;
  return Math.round(Number(typed) * 100);
}

/** The government fee (by the service's rules, for the answers given), the charge and the total. */
function refreshCharges() {
  const place = state.view?.form.querySelector(".centre-charges");
  if (!place) return;
  const found = quote(state.view.service, state.view.body().form || {}, todayDhaka());
  const fee = found.total_poisha;
  const charge = chargePoisha(state.item.payment.service_charge_bdt);
  const shown = (poisha) => (poisha === null ? t("centre.charges.unknown") : taka(poisha));
  mount(place,
    h("h2", { id: "charges-title" }, t("centre.charges.title")),
    h("dl", null,
      h("dt", null, t("centre.charges.fee")),
      h("dd", { class: "gov-fee" }, fee === null && !found.lines.length ? t("centre.charges.awaiting") : shown(fee)),
      h("dt", null, t("centre.charges.charge")),
      h("dd", { class: "service-charge" }, shown(charge)),
      h("dt", { class: "sum" }, t("centre.charges.total")),
      h("dd", { class: "sum total" }, fee === null || charge === null ? t("centre.charges.unknown") : taka(fee + charge))));
}

function saveSoon(relabel) {
  clearTimeout(state.saveTimer);
  state.saveTimer = setTimeout(async () => {
    await saveNow();
    if (relabel) renderQueue();
  }, SAVE_DELAY_MS);
}

async function saveNow() {
  clearTimeout(state.saveTimer);
  state.saveTimer = null;
  const item = state.item;
  if (!item || !["draft", "refused"].includes(item.state)) return;
  const kept = await queue.get(item.id);
  if (!kept || !["draft", "refused"].includes(kept.state)) return; // sent or deleted meanwhile
  await queue.put(item);
}

async function sendCode() {
  const item = state.item;
  const form = state.view.form;
  const status = form.querySelector(".cz-code-status");
  const button = form.querySelector(".send-code");
  const phone = NORMALISERS.mobile(String(state.view.values()["applicant.phone"] || item.phone));
  if (!MOBILE.test(phone)) {
    state.view.show([{ path: "applicant.phone", message: t("centre.start.phone_needed") }], true);
    return;
  }
  button.disabled = true;
  status.textContent = t("centre.consent.sending");
  try {
    const response = await authorized("/api/consents", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ phone }),
    });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      status.textContent = message(body) || t("centre.consent.offline");
      return;
    }
    item.consent.challenge_id = body.challenge_id;
    item.consent.code = "";
    form.querySelector("#cz-code").value = "";
    await queue.put(item);
    status.textContent = t("centre.consent.sent", { phone: digits(phone) });
    button.textContent = t("centre.consent.resend");
    form.querySelector("#cz-code").focus();
  } catch {
    status.textContent = t("centre.consent.offline");
  } finally {
    button.disabled = false;
  }
}

/** What is wrong with the consent and payment, as {path, message} (the server's paths). */
function extrasProblems(item, service) {
  const found = [];
  const { consent, payment } = item;
  if (consent.method === "code") {
    if (!consent.challenge_id) found.push({ path: "consent.challenge_id", message: t("centre.consent.code_first") });
    else if (!/^\d{6}$/.test(toAsciiDigits(consent.code || "").trim())) found.push({ path: "consent.code", message: t("centre.consent.code_needed") });
  } else if ((consent.reason || "").trim().length < 3) found.push({ path: "consent.reason", message: t("centre.consent.reason_needed") });
  if (payment.method === "mfs") {
    if (!/^[A-Za-z][A-Za-z0-9 .-]{1,39}$/.test((payment.mfs_provider || "").trim())) found.push({ path: "payment.mfs_provider", message: t("centre.payment.provider_needed") });
    if (!/^[A-Za-z0-9-]{4,40}$/.test((payment.mfs_reference || "").trim())) found.push({ path: "payment.mfs_reference", message: t("centre.payment.reference_needed") });
  }
  const charge = chargePoisha(payment.service_charge_bdt);
  const cap = quote(service, {}, todayDhaka()).service_charge_cap_poisha;
  if (charge === null) found.push({ path: "payment.service_charge_bdt", message: t("centre.payment.charge_needed") });
  else if (cap != null && charge > cap) found.push({ path: "payment.service_charge_bdt", message: t("centre.payment.charge_over", { amount: taka(cap) }) });
  return found;
}

const EXTRA_INPUTS = {
  consent: "cz-method", "consent.method": "cz-method", "consent.challenge_id": "cz-code", "consent.code": "cz-code", "consent.reason": "cz-reason",
  payment: "cz-pay-method", "payment.method": "cz-pay-method", "payment.mfs_provider": "cz-pay-provider", "payment.mfs_reference": "cz-pay-reference", "payment.service_charge_bdt": "cz-pay-charge",
};

/** Consent and payment problems beside their inputs (the form's own are the form's). */
function markExtras(problems) {
  const form = state.view.form;
  for (const error of form.querySelectorAll(".centre-consent .error, .centre-payment .error")) {
    error.hidden = true;
    error.textContent = "";
    error.closest(".field")?.classList.remove("invalid");
  }
  for (const input of form.querySelectorAll(".centre-consent [aria-invalid], .centre-payment [aria-invalid]")) input.removeAttribute("aria-invalid");
  for (const problem of problems) {
    const id = EXTRA_INPUTS[problem.path] || (problem.path.startsWith("payment") ? "cz-pay-method" : "cz-method");
    const error = form.querySelector(`#${id}-error`);
    if (!error) continue;
    error.textContent = error.textContent ? `${error.textContent} ${problem.message}` : problem.message;
    error.hidden = false;
    error.closest(".field")?.classList.add("invalid");
    form.querySelector(`#${id}`)?.setAttribute("aria-invalid", "true");
  }
}

const isExtra = (path) => /^(consent|payment)(\.|$)/.test(path || "");

async function submitItem(body) {
  const item = state.item;
  const service = state.view.service;
  const problems = extrasProblems(item, service);
  markExtras(problems);
  if (problems.length) {
    state.view.form.querySelector(`#${EXTRA_INPUTS[problems[0].path]}`)?.focus();
    return;
  }
  const { consent, payment } = item;
  const charge = chargePoisha(payment.service_charge_bdt) / 100;
  const assisted = {
    consent: consent.method === "code"
      ? { challenge_id: consent.challenge_id, code: toAsciiDigits(consent.code).trim() }
      : { method: "recorded", reason: consent.reason.trim() },
    payment: payment.method === "mfs"
      ? { method: "mfs", mfs_provider: payment.mfs_provider.trim(), mfs_reference: payment.mfs_reference.trim(), service_charge_bdt: charge }
      : { method: "cash", service_charge_bdt: charge },
  };
  clearTimeout(state.saveTimer);
  // a refused body made nothing on the server: the corrected one is a new request, with a new key
  if (item.state === "refused") item.key = crypto.randomUUID();
  const fee = quote(service, body.form || {}, todayDhaka()).total_poisha;
  Object.assign(item, { body: { ...body, ...assisted }, state: "waiting", error: null, submitted_at: new Date().toISOString(), fee_poisha: fee });
  await queue.put(item);
  await outbox.put({ key: item.key, body: item.body, title: service.title, created_at: item.submitted_at, state: "pending", attempts: 0, centre: item.id });
  if (online()) {
    await sendWaiting(item.key);
    const now = await queue.get(item.id);
    if (now?.state === "waiting") {
      askToSync(); // the service worker sends it when the connection returns, tab open or not
      say(t("centre.queued"), "warn");
    }
  } else {
    askToSync();
    say(t("centre.queued"), "warn");
    await refreshAfterSync();
    state.changed();
  }
}

/** Send what waits (or one key), then bring the queue up to date. */
async function sendWaiting(onlyKey) {
  await flush(onlyKey).catch(() => null);
  await reconcile();
  await refreshAfterSync();
  state.changed();
}

/**
 * The items waiting to be sent, brought up to date with the outbox (whoever sent them: this
 * page, another tab, the app's own sender when the connection returned): sent (the
 * application record made with the item's key) or refused (the outbox kept the answer).
 * Returns whether anything changed.
 */
async function reconcile() {
  let changed = false;
  let records = null;
  for (const item of await queue.all()) {
    if (item.state !== "waiting") continue;
    const entry = await outbox.get(item.key);
    if (entry?.state === "pending") continue;
    if (entry?.state === "invalid") {
      Object.assign(item, { state: "refused", error: entry.error || { code: "invalid" } });
      await outbox.remove(entry.key);
    } else {
      records ||= await applications.all();
      const record = records.find((found) => found.key === item.key);
      if (!record) continue;
      // the fee the server charged (its rules are the authority), and the charge it recorded
      const fee = record.view?.assisted?.fee_poisha;
      Object.assign(item, { state: "sent", tracking_id: record.tracking_id, fee_poisha: fee === undefined ? item.fee_poisha : fee });
    }
    await queue.put(item);
    changed = true;
  }
  return changed;
}

async function refreshAfterSync() {
  await renderQueue();
  if (!state.current) return;
  const fresh = await queue.get(state.current);
  if (!fresh) return openCurrent();
  // redraw the open item only when its state changed (an open form keeps what is being typed)
  if (!state.item || fresh.state !== state.item.state || fresh.tracking_id !== state.item.tracking_id) {
    await openCurrent();
    if (fresh.state !== "waiting") say(""); // the item itself now says what happened
  }
}

function refusal(item) {
  const problems = item.error?.fields?.length ? item.error.fields : [item.error || {}];
  return h("div", { class: "centre-refused", role: "alert" },
    h("p", null, h("strong", null, t("centre.refused"))),
    h("ul", null, problems.map((problem) => h("li", { "data-path": problem.path || null }, message(problem) || problem.code || "—"))));
}

function showRefusal(error) {
  const fields = error.fields || [];
  const own = fields.filter((item) => !isExtra(item.path));
  const extras = fields.filter((item) => isExtra(item.path)).map((item) => ({ path: item.path, message: message(item) }));
  if (own.length || !fields.length) state.view.showServer({ ...error, fields: own });
  markExtras(extras);
}

/** A waiting or sent item: what was sent, its state, and what can be done now. */
function summaryOf(work, item) {
  const service = state.catalog?.services.find((s) => s.id === item.service_id);
  const charge = item.body?.payment ? Math.round(item.body.payment.service_charge_bdt * 100) : null;
  const fee = item.fee_poisha ?? null;
  const pair = (key, value, cls) => [h("dt", null, t(`centre.summary.${key}`)), h("dd", { class: cls || null }, value)];
  const money = (key, poisha, cls) => [h("dt", null, t(`centre.charges.${key}`)), h("dd", { class: cls }, poisha === null ? t("centre.charges.unknown") : taka(poisha))];
  mount(work,
    h("div", { class: "centre-card" },
      h("h2", { tabindex: "-1" }, item.name),
      h("dl", { class: "centre-dl" },
        pair("service", service ? pick(service.title) : item.service_id),
        pair("state", h("span", { class: `sync sync-${item.state}` }, stateLabel(item)), "item-state"),
        item.tracking_id ? pair("tracking_id", h("strong", { class: "tid" }, trackingText(item.tracking_id))) : null,
        charge !== null ? [money("fee", fee, "gov-fee"), money("charge", charge, "service-charge"), money("total", fee === null ? null : fee + charge, "total")] : null),
      h("p", { class: `centre-message${item.state === "waiting" ? " warn" : ""}` }, t(item.state === "waiting" ? "centre.waiting_note" : "centre.sent_note")),
      h("div", { class: "centre-actions" },
        item.state === "waiting" ? h("button", { type: "button", class: "send-waiting", onclick: async (event) => {
          event.target.disabled = true;
          event.target.textContent = t("centre.sending");
          await sendWaiting();
          if (event.target.isConnected) {
            event.target.disabled = false;
            event.target.textContent = t("centre.send_now");
          }
        } }, t("centre.send_now")) : null,
        h("button", { type: "button", class: `${item.state === "sent" ? "primary" : "danger"} done`, onclick: () => done(item.id) }, t("centre.done"))),
      item.state === "sent" ? h("p", { class: "help" }, t("centre.done_help")) : null),
    h("div", { class: "centre-done" }));
}

// --- done with this citizen ------------------------------------------------------------------

async function done(id) {
  await saveNow();
  const item = await queue.get(id);
  if (!item) return;
  const work = state.root.querySelector(".centre-work");
  if (unsynced(item)) {
    const box = toDOM(h("div", { class: "centre-card centre-confirm", role: "alertdialog", "aria-labelledby": "done-q" },
      h("p", { id: "done-q", class: "centre-message warn" }, t("centre.done_unsynced", { state: stateLabel(item) })),
      h("div", { class: "centre-actions" },
        h("button", { type: "button", class: "danger wipe-anyway", onclick: () => forget(item) }, t("centre.wipe_anyway")),
        h("button", { type: "button", class: "keep", onclick: () => { box.remove(); } }, t("centre.keep")))));
    work.querySelector(".centre-confirm")?.remove();
    work.prepend(box);
    box.querySelector(".keep").focus();
    return;
  }
  const place = work.querySelector(".centre-done") || work;
  mount(place, h("p", { role: "status" }, t("centre.receipt_loading")));
  let receipt = null;
  try {
    const response = await authorized(`/api/applications/${encodeURIComponent(item.tracking_id)}/receipt`, { cache: "no-store" });
    receipt = response.ok ? await response.json() : null;
  } catch {
    receipt = null;
  }
  if (!receipt) {
    mount(place,
      h("p", { class: "centre-message warn", role: "alert" }, t("centre.receipt_offline")),
      h("div", { class: "centre-actions" },
        h("button", { type: "button", class: "retry", onclick: () => done(id) }, t("centre.retry")),
        h("button", { type: "button", class: "danger wipe-anyway", onclick: () => forget(item) }, t("centre.wipe_without_receipt"))));
    return;
  }
  const shown = toDOM(receiptView(receipt));
  // printing (either paper) is giving the receipt: once the print dialog closes, the citizen's data goes
  for (const button of shown.querySelectorAll(".receipt-actions button")) {
    button.addEventListener("click", () => forget(item));
  }
  const actions = shown.querySelector(".receipt-actions");
  if (navigator.share) {
    actions.append(" ", toDOM(h("button", { type: "button", class: "share", onclick: async () => {
      try {
        await navigator.share({ title: t("receipt.title"), text: t("centre.share_text", { service: pick(receipt.service_title), id: digits(receipt.tracking_id_display), url: receipt.verify_url }), url: receipt.verify_url });
      } catch {
        return; // not shared (cancelled): nothing is deleted
      }
      forget(item);
    } }, t("centre.share"))));
  }
  actions.append(" ", toDOM(h("button", { type: "button", class: "danger wipe-anyway", onclick: () => forget(item) }, t("centre.wipe_without_receipt"))));
  for (const button of work.querySelectorAll(".centre-card .done")) button.hidden = true; // the receipt's own buttons finish now
  place.replaceChildren(toDOM(h("div", { class: "centre-receipt" })));
  place.firstChild.append(shown);
  place.scrollIntoView({ block: "start" });
  shown.querySelector("h1")?.setAttribute("tabindex", "-1");
  shown.querySelector("h1")?.focus({ preventScroll: true });
}

/** Delete everything of one citizen from the tablet: the item, its outbox entry, its record. */
async function forget(item) {
  const name = item.name;
  await queue.remove(item.id);
  if (item.key) await outbox.remove(item.key);
  if (item.tracking_id) await applications.remove(item.tracking_id);
  await forgetPersonalCaches();
  if (state.current === item.id) {
    state.current = null;
    state.item = null;
    state.view = null;
  }
  await renderQueue();
  await openCurrent();
  say(t("centre.wiped", { name }));
  state.changed();
}

/** Any answer about applications a service worker kept (it keeps none with a token; older ones may have). */
async function forgetPersonalCaches() {
  if (typeof caches === "undefined") return;
  const data = await caches.open("ns-data");
  for (const request of await data.keys()) {
    if (/^\/api\/(me|auth|applications|consents)(\/|$)/.test(new URL(request.url).pathname)) await data.delete(request);
  }
}

// --- signing out -------------------------------------------------------------------------------

async function askSignOut() {
  await saveNow();
  const left = (await queue.all()).filter(unsynced).length;
  if (!left) return finishSignOut();
  const box = state.root.querySelector(".centre-sign-out-confirm");
  mount(box,
    h("p", { id: "centre-sign-out-q", class: "centre-message warn" }, t("centre.sign_out_unsynced", { n: digits(left) })),
    h("div", { class: "centre-actions" },
      h("button", { type: "button", class: "danger sign-out-anyway", onclick: finishSignOut }, t("centre.sign_out_anyway")),
      h("button", { type: "button", class: "stay", onclick: () => { box.hidden = true; } }, t("centre.stay"))));
  box.hidden = false;
  box.querySelector(".stay").focus();
}

async function finishSignOut() {
  stopWatching();
  clearTimeout(state.saveTimer);
  Object.assign(state, { principal: null, current: null, view: null, item: null });
  await signOut(async (person) => {
    await wipe(person);
    await forgetPersonalCaches();
  });
  signInForm();
  state.root.querySelector("h1")?.focus();
}
