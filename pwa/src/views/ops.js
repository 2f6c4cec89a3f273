// The operations dashboard (/ops), for ops admins only: today's, this week's and this month's
// applications by status, service, office, channel and district, the district map, the
// 30-day trend, queue and dead-letter depths, overdue applications and the busiest and
// quietest centres. Loaded (with its strings, its styles and the map) only on this page.
//
// Figures come from GET /api/ops/stats, every 30 s while the page is visible; the last ones
// are kept on the device (IndexedDB) and shown, with their time, when offline.
import { createStore, get, set } from "idb-keyval";
import { addDays, formatMoment, todayDhaka } from "../bangla.js";
import { lang, number, pick, table } from "../i18n.js";
import { ApiError, authorized, restore, signOut } from "../session.js";
import { staffSignIn } from "./staff-sign-in.js";
import { h, mount } from "../vnode.js";
import { districtMap, STYLE, trendChart } from "./ops-charts.js";
import bn from "../../i18n/ops.bn.json" with { type: "json" };

export const REFRESH_MS = 30_000;
const ALL = "status,service,agency,channel,district,centre";
const saved = createStore("ns-ops", "figures");
const state = { period: "today", timer: null, figures: null, trend: null, at: null, offline: false, selected: null, root: null, strings: bn };

/** An ops string in the language in use ({name} placeholders filled). */
function tt(key, values) {
  let text = key.split(".").reduce((node, part) => (node == null ? node : node[part]), state.strings);
  if (typeof text !== "string") text = key;
  return values ? text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole)) : text;
}

async function strings() {
  state.strings = lang() === "en" ? (await import("../../i18n/ops.en.json", { with: { type: "json" } })).default : bn;
}

function addStyle() {
  if (document.getElementById("ops-style")) return;
  const style = document.createElement("style");
  style.id = "ops-style";
  style.textContent = STYLE;
  document.head.append(style);
}

// --- periods (Dhaka days) ---------------------------------------------------------------

function weekStart(today) {
  const [y, m, d] = today.split("-").map(Number);
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay(); // 6: Saturday
  return addDays(today, -((weekday + 1) % 7));
}

/** {today, week, month}: each a {from, to} range of Dhaka days up to today. */
export function periods(today = todayDhaka()) {
  return {
    today: { from: today, to: today },
    week: { from: weekStart(today), to: today },
    month: { from: `${today.slice(0, 8)}01`, to: today },
  };
}

function trendRange(today) {
  const month = periods(today).month.from;
  const thirty = addDays(today, -29);
  return { from: month < thirty ? month : thirty, to: today };
}

// --- fetching ---------------------------------------------------------------------------

async function stats(range, by) {
  const query = new URLSearchParams({ from: range.from, to: range.to });
  if (by) query.set("by", by);
  const response = await authorized(`/api/ops/stats?${query}`);
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return { body, cached: Boolean(response.headers.get("x-ns-cached")) };
}

async function refresh() {
  if (!state.root?.isConnected) return stop();
  const today = todayDhaka();
  const asked = (state.asked = (state.asked || 0) + 1);
  const period = state.period;
  try {
    const [figures, trend] = await Promise.all([stats(periods(today)[period], ALL), stats(trendRange(today), "")]);
    if (asked !== state.asked) return; // a later refresh (another period chosen) answers
    state.figures = figures.body;
    state.trend = trend.body;
    state.offline = figures.cached || trend.cached;
    state.at = state.figures.counted_at || state.figures.generated_at; // the counts' own time
    state.shown = period;
    if (!state.offline) await set("last", { period, figures: state.figures, trend: state.trend }, saved).catch(() => {});
  } catch (error) {
    if (asked !== state.asked) return;
    if (error instanceof ApiError && error.status === 403) return forbidden();
    if (error instanceof ApiError && error.status === 401 && error.body) return signInForm();
    const last = await get("last", saved).catch(() => null);
    if (last && !state.figures) Object.assign(state, { figures: last.figures, trend: last.trend, shown: last.period, at: last.figures.counted_at || last.figures.generated_at });
    state.offline = true;
  }
  renderFigures();
}

function stop() {
  clearInterval(state.timer);
  state.timer = null;
  document.removeEventListener("visibilitychange", onVisibility);
}

function onVisibility() {
  if (document.visibilityState === "visible") refresh();
}

function start() {
  stop();
  state.timer = setInterval(() => document.visibilityState === "visible" && refresh(), REFRESH_MS);
  document.addEventListener("visibilitychange", onVisibility);
  window.addEventListener("online", refresh, { once: true });
}

// --- pages --------------------------------------------------------------------------------

/** The /ops route: the sign-in form, the refusal, or the dashboard. */
export async function opsPage(main) {
  await strings();
  addStyle();
  document.title = `${tt("title")} · ${document.title.split(" · ").pop()}`;
  state.root = main;
  const principal = await restore();
  if (!principal) return signInForm();
  if (principal.role !== "ops") return forbidden();
  return dashboard(principal);
}

function signInForm(problem) {
  stop();
  staffSignIn(state.root, {
    prefix: "ops", title: "sign_in.title", lead: "sign_in.lead", say: tt, role: "ops",
    signedIn: dashboard, forbidden,
  }, problem);
}

function forbidden() {
  stop();
  mount(state.root,
    h("h1", null, tt("title")),
    h("p", { class: "error", role: "alert" }, tt("forbidden")),
    h("p", null, h("button", { type: "button", onclick: leave }, tt("sign_out"))));
}

async function leave() {
  stop();
  await signOut();
  state.figures = state.trend = null;
  signInForm();
}

async function dashboard(principal) {
  const main = state.root;
  const choose = (period) => () => {
    state.period = period;
    for (const button of main.querySelectorAll(".ops-periods button")) button.setAttribute("aria-pressed", String(button.dataset.period === period));
    refresh();
  };
  mount(main,
    h("h1", { tabindex: "-1" }, tt("title")),
    h("p", { class: "lead" }, tt("lead")),
    h("div", { class: "ops-bar" },
      h("p", { class: "ops-updated", role: "status" }, tt("loading")),
      h("p", { class: "ops-who" }, principal.phone ? tt("signed_in_as", { phone: localPhone(principal.phone) }) : null, " ",
        h("button", { type: "button", class: "ops-sign-out", onclick: leave }, tt("sign_out")))),
    h("div", { class: "ops-periods", role: "group", "aria-label": tt("periods.label") },
      ["today", "week", "month"].map((period) => h("button", { type: "button", "data-period": period, "aria-pressed": String(period === state.period), onclick: choose(period) }, tt(`periods.${period}`))),
      h("span", { class: "help" }, tt("week_note"))),
    h("div", { id: "ops-figures" }));
  start();
  await refresh();
}

const localPhone = (phone) => (lang() === "bn" ? phone.replace(/^\+88/, "").replace(/[0-9]/g, (c) => "০১২৩৪৫৬৭৮৯"[c]) : phone.replace(/^\+88/, ""));

// --- the figures ------------------------------------------------------------------------

const n = (value) => (value == null ? "?" : number(value));

function when(iso) {
  const moment = formatMoment(iso, table());
  return { time: moment.time, date: moment.gregorian };
}

function headline(figures, trend) {
  const today = todayDhaka();
  const ranges = periods(today);
  const sum = (range) => trend.trend.filter((day) => day.date >= range.from && day.date <= range.to).reduce((total, day) => total + day.submitted, 0);
  const dead = figures.queues.reduce((total, queue) => total + (queue.dead_letter || 0), 0);
  const waiting = figures.queues.reduce((total, queue) => total + (queue.waiting || 0), 0);
  const card = (label, value, warn) => h("div", { class: `ops-card${warn ? " warn" : ""}` }, h("span", { class: "ops-n" }, n(value)), h("span", null, label));
  return h("section", { "aria-labelledby": "ops-h-glance" },
    h("h2", { id: "ops-h-glance" }, tt("headline.title")),
    h("div", { class: "ops-cards" },
      ["today", "week", "month"].map((period) => card(`${tt("headline.submitted")}: ${tt(`periods.${period}`)}`, sum(ranges[period]))),
      card(tt("headline.overdue"), figures.overdue.total, figures.overdue.total > 0),
      card(tt("headline.dead_letters"), dead, dead > 0),
      card(tt("headline.waiting"), waiting),
      card(tt("headline.no_code"), figures.consents_without_code, figures.consents_without_code > 0)));
}

const STATUSES = ["submitted", "in_review", "approved", "rejected"];

function groupName(name, group) {
  if (name === "district" && group.key === "00") return tt("no_district");
  return pick(group.name) || group.key || tt("unknown");
}

function groupTable(name, groups, caption, { limit, extra } = {}) {
  const rows = limit ? groups.slice(0, limit) : groups;
  const head = h("tr", null, h("th", { scope: "col" }, tt("columns.name")), STATUSES.map((status) => h("th", { scope: "col", class: "num" }, tt(`columns.${status}`))), extra ? extra.head() : null);
  const body = rows.map((group) => h("tr", null, h("th", { scope: "row" }, groupName(name, group)), STATUSES.map((status) => h("td", { class: "num" }, n(group.counts[status] || 0))), extra ? extra.row(group) : null));
  return h("div", { class: "ops-scroll" }, h("table", { class: "ops-table" }, h("caption", null, caption), h("thead", null, head), h("tbody", null, body)));
}

function section(id, title, ...content) {
  return h("section", { "aria-labelledby": `ops-h-${id}` }, h("h2", { id: `ops-h-${id}` }, title), ...content);
}

function statusSection(figures) {
  return section("status", tt("groups.status"),
    h("ul", { class: "ops-statuses" }, figures.groups.status.filter((group) => group.total > 0 || STATUSES.includes(group.key)).map((group) =>
      h("li", null, h("span", { class: "ops-n" }, n(group.total)), " ", pick(group.name)))));
}

function channelSection(figures) {
  return section("channel", tt("groups.channel"), groupTable("channel", figures.groups.channel, tt("groups.channel")));
}

function serviceSection(figures) {
  const groups = figures.groups.service;
  return section("service", tt("groups.service"),
    groupTable("service", groups, tt("groups.service"), { limit: 10 }),
    groups.length > 10 ? h("details", null, h("summary", null, tt("groups.more", { count: n(groups.length) })), groupTable("service", groups, tt("groups.service"))) : null);
}

function agencySection(figures) {
  const queues = Object.fromEntries(figures.queues.map((queue) => [queue.agency_id, queue]));
  const overdue = Object.fromEntries(figures.overdue.by_agency.map((item) => [item.key, item.count]));
  const seen = new Set(figures.groups.agency.map((group) => group.key));
  const groups = [...figures.groups.agency, ...figures.queues.filter((queue) => !seen.has(queue.agency_id)).map((queue) => ({ key: queue.agency_id, name: queue.name, counts: {}, total: 0 }))];
  const extra = {
    head: () => ["waiting", "in_flight", "dead_letter", "overdue"].map((column) => h("th", { scope: "col", class: "num" }, tt(`columns.${column}`))),
    row: (group) => {
      const queue = queues[group.key] || {};
      return [
        h("td", { class: "num" }, n(queue.waiting)), h("td", { class: "num" }, n(queue.in_flight)),
        h("td", { class: `num${queue.dead_letter ? " alert" : ""}` }, n(queue.dead_letter)),
        h("td", { class: `num${overdue[group.key] ? " alert" : ""}` }, n(overdue[group.key] || 0)),
      ];
    },
  };
  return section("agency", tt("groups.agency"), groupTable("agency", groups, tt("groups.agency"), { extra }));
}

function centreSection(figures) {
  const centres = figures.groups.centre;
  const list = (items) => h("ol", { class: "ops-centres" }, items.map((group) => h("li", null, h("span", { class: "ops-n" }, n(group.total)), " ", group.key)));
  return section("centres", tt("groups.centres"),
    centres.length
      ? h("div", { class: "ops-two" },
        h("div", null, h("h3", null, tt("groups.busiest")), list(centres.slice(0, 5))),
        h("div", null, h("h3", null, tt("groups.quietest")), list(centres.slice(-5).reverse())))
      : h("p", null, tt("groups.no_centres")));
}

function districtInfo(figures, id) {
  const box = document.getElementById("ops-district");
  if (!box) return;
  const group = figures.groups.district.find((item) => Number(item.key) === Number(id));
  const name = state.names?.[id] || id;
  if (!id) return mount(box, h("p", null, tt("map.pick")));
  mount(box, h("h3", null, name),
    h("dl", { class: "ops-dl" }, STATUSES.map((status) => [h("dt", null, tt(`columns.${status}`)), h("dd", null, n(group?.counts[status] || 0))])));
}

async function mapSection(figures) {
  const holder = document.getElementById("ops-map");
  if (!holder) return;
  try {
    const { names } = await districtMap(holder, figures.groups.district, {
      label: tt("map.label"), legend: tt("map.legend"), district: (name, count) => tt("map.district", { name, count: n(count) }),
      onPick: (id) => {
        state.selected = id;
        districtInfo(state.figures, id);
      },
    }, state.selected);
    state.names = names;
    districtInfo(figures, state.selected);
    mountDistrictTable(figures);
  } catch {
    mount(holder, h("p", { class: "help" }, tt("map.unavailable")));
  }
}

/** Every district (those without applications too, once the map has named them all). */
function mountDistrictTable(figures) {
  const holder = document.getElementById("ops-district-table");
  if (!holder) return;
  const open = holder.querySelector("details")?.open;
  // the 64 districts of the map: applications without a district (id 0) are in the totals
  const known = state.names ? new Set(Object.keys(state.names).map(Number)) : null;
  const placed = figures.groups.district.filter((group) => !known || known.has(Number(group.key)));
  const seen = new Set(placed.map((group) => Number(group.key)));
  const quiet = Object.entries(state.names || {}).filter(([id]) => !seen.has(Number(id)))
    .map(([id, name]) => ({ key: id, name: { bn: name, en: name }, counts: {}, total: 0 }));
  mount(holder, h("details", { class: "ops-district-table", open: Boolean(open) }, h("summary", null, tt("map.table")),
    groupTable("district", [...placed, ...quiet], tt("groups.district"))));
}

function renderFigures() {
  const holder = document.getElementById("ops-figures");
  const status = state.root?.querySelector(".ops-updated");
  if (!holder || !status) return;
  if (!state.figures) {
    status.textContent = tt("no_figures");
    return;
  }
  status.textContent = tt(state.offline ? "offline" : "updated", when(state.at));
  status.classList.toggle("warn", state.offline);
  const { figures, trend } = state;
  const open = [...holder.querySelectorAll("details")].map((item) => item.open);
  const periodLabel = tt(`periods.${state.shown || state.period}`);
  let map = document.getElementById("ops-map-section");
  if (!map) {
    mount(holder,
      h("div", { id: "ops-top" }),
      h("section", { id: "ops-map-section", "aria-labelledby": "ops-h-map" },
        h("h2", { id: "ops-h-map" }),
        h("p", { class: "help" }, tt("map.hint")),
        h("div", { class: "ops-map-row" },
          h("div", { id: "ops-map", class: "ops-map" }, h("p", { class: "help" }, tt("map.loading"))),
          h("div", { id: "ops-district", class: "ops-district", "aria-live": "polite" })),
        h("div", { id: "ops-district-table" })),
      h("div", { id: "ops-rest" }));
    map = document.getElementById("ops-map-section");
  }
  map.querySelector("h2").textContent = tt("map.title", { period: periodLabel });
  mount(document.getElementById("ops-top"), headline(figures, trend),
    section("trend", tt("trend.title"), trendChart(trend.trend.slice(-30), { label: (total, max, day) => tt("trend.label", { total: n(total), max: n(max), day }), first: tt("trend.first"), last: tt("trend.last"), when: (iso) => when(`${iso}T06:00:00Z`).date })));
  mountDistrictTable(figures);
  mount(document.getElementById("ops-rest"), statusSection(figures), channelSection(figures), agencySection(figures), serviceSection(figures), centreSection(figures));
  holder.querySelectorAll("details").forEach((item, index) => { item.open = Boolean(open[index]); });
  mapSection(figures);
}
