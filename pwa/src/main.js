// The app: routes, navigation, language, the outbox's senders and the update notice.
import { formatMoment } from "./bangla.js";
import { loadCore, loadIndex, loadService, search } from "./catalog.js";
import { TRACK_MESSAGES } from "build-track-messages";
import { digits, fieldSentence, lang, setLang, t, table, pick } from "./i18n.js";
import { askToSync, flush, entryFor, onChange } from "./outbox.js";
import { NORMALISERS } from "./rules.js";
import { lapsed, onSessionChange, restore, signOut } from "./session.js";
import { StatusWatch, checkedAt, fetchApplication, refresh } from "./status.js";
import { adoptGuest, applications, drafts, outbox, wipe } from "./store.js";
import { localPhone } from "./tokens.js";
import { category, header, home, results } from "./views/home.js";
import { servicePage } from "./views/service.js";
import { applicationView, checkedLine, myApplications, outboxView, parseTrackingId, showTrackingId, trackForm } from "./views/track.js";
import { h, mount, toDOM } from "./vnode.js";

const main = document.getElementById("main");
const notices = document.getElementById("notices");
const state = { form: null, route: null, update: null, install: null, flash: null, watch: null, offline: null, signIn: false };
const DRAFT_DELAY_MS = 400;
const FLASH_MS = 8000; // a notice of something done goes away by itself after this long
const WARM_AFTER_MS = 10000; // the offline set is fetched this long after the page has loaded, once idle

// --- the notice bar: one bar at the foot of the screen, whatever it has to say ----------
// (offline and what still works, something just done, applications waiting, a new version,
// install), so that it never covers more of a phone's screen than a line or two.

/**
 * How much of the catalog this phone has for offline use: {services, total}, counting a
 * service when its page and its form's check are both in the app's caches.
 */
async function offlineShare() {
  if (state.offline) return state.offline;
  const catalog = await loadCore().catch(() => null);
  if (!catalog || typeof caches === "undefined") return { services: 0, total: 0 };
  // all at once: one by one, fifty services' lookups kept the offline notice away for a second
  const kept = await Promise.all(catalog.services.map(async (entry) => {
    const [doc, check] = await Promise.all([caches.match(entry.doc), entry.check ? caches.match(entry.check) : true]);
    return Boolean(doc && check);
  }));
  const services = kept.filter(Boolean).length;
  const share = { services, total: catalog.services.length };
  if (services === share.total) state.offline = share; // complete: it stays so for this version
  return share;
}

function offlineText(share) {
  if (share.total && share.services === share.total) return t("notice.offline_all");
  if (share.services) return t("notice.offline_some", { n: digits(share.services), total: digits(share.total) });
  return t("notice.offline_pages");
}

/** Say something done for a while (a link may come with it); it goes away by itself. */
function flash(text, link, ms = FLASH_MS) {
  state.flash = { text, link };
  clearTimeout(state.flashTimer);
  state.flashTimer = setTimeout(() => {
    state.flash = null;
    refreshNotices();
  }, ms);
}

async function refreshNotices() {
  const waiting = (await outbox.all().catch(() => [])).filter((entry) => entry.state === "pending").length;
  const parts = [];
  let tone = "";
  if (!navigator.onLine) {
    tone = "warn";
    parts.push(h("span", null, offlineText(await offlineShare())));
  }
  if (state.flash) {
    tone ||= "ok";
    parts.push(h("span", { class: "flash" }, state.flash.text, state.flash.link
      ? [" ", h("a", { href: state.flash.link.href }, state.flash.link.text)] : null));
  }
  if (waiting && state.signIn && state.route !== "signin") {
    parts.push(h("a", { href: "/signin", class: "sign-in-again" }, t("notice.sign_in_again", { n: digits(waiting) })));
  } else if (waiting && state.route !== "outbox") {
    parts.push(h("a", { href: "/outbox" }, t("notice.waiting", { n: digits(waiting) })));
  }
  if (state.update) {
    parts.push(h("span", null, t("notice.update"), " ",
      h("button", { type: "button", onclick: applyUpdate }, t("notice.update_button"))));
  }
  if (state.install && !parts.length) {
    parts.push(h("button", { type: "button", onclick: install }, t("notice.install")));
  }
  const closable = state.flash && !state.update;
  mount(notices, parts.length
    ? h("div", { class: `notice ${tone}`.trim() },
      h("p", null, parts.flatMap((part, i) => (i ? [h("span", { class: "sep", "aria-hidden": "true" }, " · "), part] : [part]))),
      closable ? h("button", { type: "button", class: "close", "aria-label": t("notice.close"), onclick: () => {
        clearTimeout(state.flashTimer);
        state.flash = null;
        refreshNotices();
      } }, "×") : null)
    : []);
}

async function applyUpdate() {
  await state.form?.saveNow?.();
  state.reloading = true;
  state.update.postMessage({ type: "skip-waiting" });
}

async function install() {
  const prompt = state.install;
  state.install = null;
  await prompt.prompt();
  refreshNotices();
}

// --- pages --------------------------------------------------------------------------

/** The header and footer the build wrote in Bangla, in the language in use. */
function relabelShell() {
  mount(document.getElementById("top"), header());
  const footer = document.querySelector("body > footer");
  if (footer) footer.textContent = t("app.footer");
  document.querySelector(".skip")?.replaceChildren(t("nav.skip"));
}

function title(text) {
  document.title = text ? `${text} · ${t("app.name")}` : t("app.name");
}

function notFound() {
  title(t("notfound.title"));
  mount(main, h("h1", null, t("notfound.title")), h("p", null, h("a", { href: "/" }, t("nav.home"))));
}

function offlinePage() {
  title(t("notice.unavailable_title"));
  mount(main, h("h1", null, t("notice.unavailable_title")), h("p", null, t("notice.unavailable")), h("p", null, h("a", { href: "/" }, t("nav.home"))));
}

async function homePage(query, first) {
  const catalog = await loadIndex();
  title(null);
  const prerendered = first && main.dataset.prerendered === "home" && lang() === "bn";
  if (prerendered) {
    const box = document.getElementById("q");
    if (!box.value && query) box.value = query;
    if (box.value) await updateResults(box.value); // a search link, or typed before the script arrived
  } else mount(main, home(catalog, query, query ? await search(catalog, query) : []));
}

async function updateResults(query) {
  const catalog = await loadIndex();
  const wanted = query.trim();
  const found = wanted ? await search(catalog, wanted) : [];
  const box = document.getElementById("q");
  const list = document.getElementById("results");
  if (!list || (box && box.value.trim() !== wanted)) return; // left the page, or typed on meanwhile
  mount(list, results(catalog, wanted, found));
  history.replaceState(null, "", query.trim() ? `/?q=${encodeURIComponent(query.trim())}` : "/");
}

async function categoryPage(id) {
  const catalog = await loadIndex();
  const view = category(catalog, id);
  if (!view) return notFound();
  title(pick(catalog.categories.find((item) => item.id === id).title));
  mount(main, view);
}

async function serviceRoute(id) {
  const [catalog, service] = await Promise.all([loadIndex(), loadService(id)]);
  if (!service) return notFound();
  title(pick(service.title));
  mount(main, servicePage(service, catalog));
}

/** The top of a form page (as the form draws it) and a loading sign. */
function formFrame(summary) {
  return h("div", { class: "form-page" },
    h("nav", { class: "crumbs", "aria-label": t("nav.crumbs") },
      h("a", { href: "/" }, t("nav.home")), " › ", h("a", { href: `/s/${summary.id}` }, pick(summary.title))),
    h("h1", null, pick(summary.title)),
    h("p", { class: "lead" }, t("form.intro")),
    h("p", { class: "boot shown", role: "status" }, t("app.loading")));
}

function clock(iso) {
  return formatMoment(iso, table()).time;
}

async function formRoute(id) {
  let ready = false;
  const loading = Promise.all([loadService(id), import("./views/form.js")]).finally(() => { ready = true; });
  // the form's heading at once, from the catalog's core (a few KB, preloaded by the shell),
  // while its fields and code come (a slow phone sees where it is; the form fills in below it)
  const summary = (await loadCore()).services.find((entry) => entry.id === id);
  if (summary && !ready) {
    mount(main, formFrame(summary));
    delete main.dataset.prerendered;
  }
  const [service, module] = await loading;
  if (!service) return notFound();
  title(`${pick(service.title)} · ${t("form.label")}`);
  let timer = null;
  let latest = null;
  const save = async () => {
    clearTimeout(timer);
    timer = null;
    if (!latest) return;
    const saved_at = new Date().toISOString();
    await drafts.put(id, { values: latest, saved_at, version: service.version });
    latest = null;
    view.savedAt(t("form.draft_saved", { time: clock(saved_at) }));
  };
  const view = new module.ServiceForm(service, module.APPLICANT, {
    onChange(values) {
      latest = values;
      clearTimeout(timer);
      timer = setTimeout(save, DRAFT_DELAY_MS);
    },
    onSubmit: (body) => submit(service, view, body, save),
  });
  view.saveNow = save;
  state.form = view;
  main.replaceChildren(view.element);
  const [draft, principal] = await Promise.all([drafts.get(id), restore()]);
  if (principal) showSignedIn(view, principal);
  if (draft) {
    await view.restore(draft.values);
    view.savedAt(t("form.draft_restored", { time: clock(draft.saved_at) }));
    if (draft.error) view.showServer(draft.error);
  }
  const phone = view.element.querySelector("#f-applicant-phone");
  if (principal && phone && !phone.value) phone.value = localPhone(principal.phone); // the signed-in number
}

/** "সাইন ইন করা আছে: ০১৭…" at the top of a form. */
function showSignedIn(view, principal) {
  const line = document.createElement("p");
  line.className = "signed-in-as help";
  line.textContent = t("account.signed_in_as", { phone: digits(localPhone(principal.phone)) });
  view.element.querySelector(".draft-status")?.before(line);
}

/**
 * Sign in before going on: the sign-in form in place of `hidden` (kept as it is, the form
 * the citizen filled in), resolved with the principal once signed in. `lead` says why.
 */
async function signInFirst(hidden, lead, phone) {
  const { signInPanel } = await import("./views/account.js");
  return new Promise((resolve) => {
    const panel = signInPanel({
      phone, lead, heading: hidden ? "h2" : "h1",
      onDone: async (principal) => {
        await adoptGuest(principal.id);
        panel.remove();
        if (hidden) hidden.hidden = false;
        resolve(principal);
      },
    });
    if (hidden) {
      hidden.hidden = true;
      hidden.before(panel);
    } else main.append(panel);
    window.scrollTo(0, 0);
    panel.querySelector("#sign-in-title").focus();
    panel.querySelector("input")?.focus();
  });
}

async function submit(service, view, body, save) {
  await save();
  if (!(await restore())) {
    // a submission is made as a signed-in citizen: sign in first, the form kept meanwhile
    if (!navigator.onLine) return view.showServer({ message_bn: t("account.sign_in_offline"), message_en: t("account.sign_in_offline") });
    const applicantPhone = view.element.querySelector("#f-applicant-phone")?.value || localPhone((await lapsed())?.phone);
    const principal = await signInFirst(view.element, t("account.sign_in_to_submit"), applicantPhone);
    if (!view.element.isConnected) return null; // left the page meanwhile: the draft is kept
    showSignedIn(view, principal);
    await save();
  }
  const entry = entryFor(body, service.title);
  await outbox.put(entry);
  await drafts.remove(service.id); // the application now lives in the outbox
  if (!navigator.onLine) {
    askToSync();
    return go("/outbox", t("outbox.queued"));
  }
  const report = await flush(entry.key);
  const result = report.results[entry.key];
  if (result?.outcome === "sent") return go(`/a/${result.application.tracking_id}`, t("track.sent"));
  if (result?.outcome === "sign_in") {
    state.signIn = true;
    return go("/signin");
  }
  if (result?.outcome === "invalid") {
    await outbox.remove(entry.key);
    await drafts.put(service.id, { values: view.values(), saved_at: new Date().toISOString(), version: service.version });
    return view.showServer(result.error);
  }
  askToSync();
  return go("/outbox", t("outbox.queued"));
}

async function applicationRoute(id) {
  let record = await applications.get(id);
  const principal = await restore();
  if (!record && principal) {
    const { mine } = await import("./views/account.js");
    const view = await mine(id).catch(() => null);
    if (view) {
      record = { tracking_id: view.tracking_id, service_id: view.service_id, saved_at: new Date().toISOString(), checked_at: new Date().toISOString(), view };
      await applications.put(record);
    }
  }
  if (!record) return go(`/track?id=${id}`);
  title(t("track.title"));
  mount(main,
    h("h1", { class: "visually-hidden" }, t("track.title")),
    h("div", { id: "app-view" }),
    h("div", { id: "app-actions" }),
    h("p", null, h("button", { type: "button", class: "refresh" }, t("track.refresh")), " ", h("a", { href: "/track" }, t("track.another"))),
    h("p", { class: "refresh-result", role: "status" }));
  let asked = 0; // the actions of the latest status shown win over any still being made
  const actions = async (shown) => {
    const place = main.querySelector("#app-actions");
    if (!place || !principal) return;
    const mine = ++asked;
    const { applicationActions } = await import("./views/account.js");
    const element = await applicationActions(shown.view, {
      onChanged: async (view, said) => {
        record = { ...record, view, checked_at: new Date().toISOString() };
        await applications.put(record);
        show(record);
        main.querySelector(".refresh-result").textContent = said;
        flash(said);
        refreshNotices();
      },
    }).catch(() => null);
    if (!place.isConnected || mine !== asked) return;
    // a citizen answering "cancel it?" keeps the question while it can still be cancelled:
    // the status moving from submitted to queued must not take it away under their finger
    if (place.querySelector(".confirm:not([hidden])") && element?.querySelector(".cancel-app")) return;
    place.replaceChildren(...(element ? [element] : []));
  };
  const show = (shown) => {
    const focused = document.activeElement && main.querySelector("#app-view")?.contains(document.activeElement);
    mount(main.querySelector("#app-view"), applicationView(shown.view, { checked: checkedAt(shown) }));
    if (focused) main.querySelector("#app-title")?.focus();
    actions(shown);
  };
  show(record);
  const result = main.querySelector(".refresh-result");
  state.watch = new StatusWatch([record], (fresh, changed) => {
    record = fresh;
    if (changed) {
      show(fresh);
      result.textContent = t("track.changed", { status: statusName(fresh.view) });
    } else main.querySelector("#app-view .checked")?.replaceChildren(checkedLine(checkedAt(fresh)));
  }).start();
  main.querySelector(".refresh").addEventListener("click", async () => {
    const fresh = await refresh(record);
    if (!fresh) {
      result.textContent = t("track.offline");
      return;
    }
    record = fresh;
    show(fresh);
    result.textContent = t("track.updated");
    state.watch?.restart();
  });
}

const statusName = (view) => (lang() === "bn" ? view.status_bn : view.status_en) || view.status;

/** Keep this phone's list of applications fresh while it is on screen. */
function watchMine(records) {
  state.watch = new StatusWatch(records, (fresh) => {
    const item = main.querySelector(`[data-id="${fresh.tracking_id}"]`);
    if (item) item.replaceWith(toDOM(myApplications([fresh], { itemOnly: true })));
  }).start();
}

async function trackRoute() {
  title(t("track.title"));
  const params = new URLSearchParams(location.search);
  const mine = await applications.all().catch(() => []);
  mount(main, h("h1", null, t("track.title")), h("p", { class: "lead" }, t("track.lead")),
    trackForm({ id: params.get("id") || "" }), h("div", { id: "track-result", "aria-live": "polite" }),
    myApplications(mine));
  main.querySelector("form.track").addEventListener("submit", trackSubmit);
  watchMine(mine);
}

async function trackSubmit(event) {
  event.preventDefault();
  const form = event.target;
  const show = (name, message) => {
    const el = document.getElementById(`t-${name}-error`);
    el.textContent = message || "";
    el.hidden = !message;
    document.getElementById(`t-${name}`).toggleAttribute("aria-invalid", Boolean(message));
  };
  const id = parseTrackingId(form.id.value);
  const phone = NORMALISERS.mobile(form.phone.value);
  const problem = (code, key) => fieldSentence(TRACK_MESSAGES[code], { [lang()]: t(key) });
  show("id", id ? null : problem("tracking_id", "track.tracking_id"));
  show("phone", /^01[3-9][0-9]{8}$/.test(phone) ? null : problem("mobile", "track.phone"));
  if (!id) return form.id.focus();
  if (!/^01[3-9][0-9]{8}$/.test(phone)) return form.phone.focus();
  const result = document.getElementById("track-result");
  try {
    const answer = await fetchApplication(id, phone);
    if (!answer.ok) {
      mount(result, h("p", { class: "error", role: "alert" }, answer.body ? (lang() === "bn" ? answer.body.message_bn : answer.body.message_en) : t("track.offline")));
      return;
    }
    const mine = await applications.get(id);
    if (mine && !answer.cached) await applications.put({ ...mine, view: answer.body, checked_at: new Date().toISOString() });
    mount(result, applicationView(answer.body, { offlineCopy: answer.cached }));
    result.querySelector("h2").setAttribute("tabindex", "-1");
    result.querySelector("h2").focus();
  } catch {
    mount(result, h("p", { class: "error", role: "alert" }, t("track.offline")));
  }
}

/** Sign in (again): then the outbox is sent, and the citizen sees their applications. */
async function signInRoute() {
  title(t("account.sign_in_title"));
  const again = state.signIn ? await lapsed() : null;
  mount(main);
  const route = location.pathname;
  signInFirst(null, again ? t("account.sign_in_again") : null, again ? localPhone(again.phone) : "").then(async () => {
    state.signIn = false;
    await sendWaiting();
    if (location.pathname === route) go(route === "/signin" ? "/me" : route, t("account.signed_in"));
  });
}

/** "আমার আবেদন": the signed-in citizen's applications from the server, a page at a time. */
async function mineRoute() {
  const principal = await restore();
  if (!principal) return signInRoute();
  title(t("account.mine_title"));
  const { minePage, signedInLine } = await import("./views/account.js");
  mount(main,
    h("h1", null, t("account.mine_title")),
    h("p", { class: "signed-in-as help" }, signedInLine(principal), " ",
      h("button", { type: "button", class: "link sign-out" }, t("account.sign_out"))),
    h("div", { class: "sign-out-confirm", hidden: true, role: "alertdialog", "aria-labelledby": "sign-out-q" }),
    h("p", { class: "lead" }, t("account.mine_lead")),
    h("p", { class: "mine-status", role: "status" }),
    h("ul", { class: "services mine server" }),
    h("p", null, h("button", { type: "button", class: "more", hidden: true }, t("account.more"))));
  const list = main.querySelector("ul.mine");
  const more = main.querySelector("button.more");
  const status = main.querySelector(".mine-status");
  const records = [];
  let cursor = null;
  const load = async () => {
    more.disabled = true;
    let page;
    try {
      page = await minePage(cursor);
    } catch {
      const kept = cursor ? [] : await applications.all();
      status.textContent = t("account.mine_offline");
      for (const record of kept) list.append(toDOM(myApplications([record], { itemOnly: true })));
      more.disabled = false;
      return;
    }
    const now = new Date().toISOString();
    for (const view of page.applications) {
      const kept = await applications.get(view.tracking_id);
      const record = { ...(kept || { saved_at: view.created_at }), tracking_id: view.tracking_id, service_id: view.service_id, view, checked_at: now };
      await applications.put(record);
      records.push(record);
      list.append(toDOM(myApplications([record], { itemOnly: true })));
    }
    cursor = page.cursor;
    more.hidden = !cursor;
    more.disabled = false;
    status.textContent = records.length ? "" : t("account.mine_empty");
  };
  more.addEventListener("click", load);
  main.querySelector(".sign-out").addEventListener("click", askSignOut);
  await load();
  watchMine(records);
}

/** Sign out; first say what is not sent yet (it would be deleted with the rest). */
async function askSignOut() {
  const unsent = (await outbox.all()).length + (await drafts.count());
  const box = main.querySelector(".sign-out-confirm");
  if (!unsent) return finishSignOut();
  mount(box,
    h("p", { id: "sign-out-q", class: "badge warn" }, t("account.sign_out_unsent", { n: digits(unsent) })),
    h("p", null,
      h("button", { type: "button", class: "danger sign-out-anyway", onclick: finishSignOut }, t("account.sign_out_anyway")), " ",
      h("button", { type: "button", class: "stay", onclick: () => { box.hidden = true; } }, t("account.stay"))));
  box.hidden = false;
  box.querySelector(".stay").focus();
}

async function finishSignOut() {
  state.watch?.stop();
  state.form = null;
  await signOut(async (person) => {
    await wipe(person);
    await forgetPersonalCaches();
  });
  state.signIn = false;
  go("/", t("account.signed_out"));
}

/** Any personal answer an older version of the service worker kept. */
async function forgetPersonalCaches() {
  if (typeof caches === "undefined") return;
  const data = await caches.open("ns-data");
  for (const request of await data.keys()) {
    if (/^\/api\/(me|auth|applications)(\/|$)/.test(new URL(request.url).pathname)) await data.delete(request);
  }
}

async function opsRoute() {
  const { opsPage } = await import("./views/ops.js"); // ops only: never in a citizen's download
  await opsPage(main);
}

async function outboxRoute() {
  title(t("outbox.title"));
  const mine = await applications.all().catch(() => []);
  mount(main, outboxView(await outbox.all(), navigator.onLine), myApplications(mine));
  state.watch?.stop();
  watchMine(mine);
}

// --- routing ------------------------------------------------------------------------

async function render(first = false) {
  const path = location.pathname.replace(/\/+$/, "") || "/";
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (state.form && !first) await state.form.saveNow?.();
  state.form = null;
  state.watch?.stop();
  state.watch = null;
  state.route = ["outbox", "signin"].includes(parts[0]) ? parts[0] : path;
  try {
    if (!parts.length) await homePage(new URLSearchParams(location.search).get("q") || "", first);
    else if (parts[0] === "c" && parts.length === 2) await categoryPage(parts[1]);
    else if (parts[0] === "s" && parts.length === 2) await serviceRoute(parts[1]);
    else if (parts[0] === "s" && parts.length === 3 && parts[2] === "form") await formRoute(parts[1]);
    else if (parts[0] === "track" && parts.length === 1) await trackRoute();
    else if (parts[0] === "a" && parts.length === 2) await applicationRoute(parts[1]);
    else if (parts[0] === "outbox" && parts.length === 1) await outboxRoute();
    else if (parts[0] === "me" && parts.length === 1) await mineRoute();
    else if (parts[0] === "signin" && parts.length === 1) await signInRoute();
    else if (parts[0] === "ops" && parts.length === 1) await opsRoute();
    else if (parts[0] === "desk" && parts.length === 1) await (await import("./views/desk.js")).deskPage(main); // officers only
    else if (parts[0] === "centre" && parts.length === 1) await (await import("./views/centre.js")).centrePage(main, refreshNotices); // entrepreneurs only
    else if (parts[0] === "centres" && parts.length === 1) await (await import("./views/centres.js")).centresPage(main, mount, title, new URLSearchParams(location.search));
    else if (parts[0] === "receipt" && parts.length === 2) await (await import("./views/receipt.js")).receiptPage(main, mount, title, parts[1]);
    else if (parts[0] === "verify" && parts.length === 2) await (await import("./views/verify.js")).verifyPage(main, mount, title, parts[1], new URLSearchParams(location.search).get("c"));
    else notFound();
  } catch (error) {
    offlinePage();
  }
  delete main.dataset.prerendered; // whatever the build put there has been replaced
  await refreshNotices();
  if (!first) {
    window.scrollTo(0, 0);
    const heading = main.querySelector("h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: true });
    }
  }
}

function go(url, done) {
  history.pushState(null, "", url);
  if (done) flash(done);
  return render();
}

document.addEventListener("click", async (event) => {
  const link = event.target.closest?.("a[href]");
  if (link && link.origin === location.origin && !link.hasAttribute("download") && !event.ctrlKey && !event.metaKey && !event.shiftKey && event.button === 0) {
    if (link.getAttribute("href").startsWith("#")) return;
    event.preventDefault();
    if (link.pathname + link.search !== location.pathname + location.search) go(link.pathname + link.search);
    return;
  }
  const button = event.target.closest?.("button");
  if (!button) return;
  if (button.dataset.lang) {
    if (state.form) await state.form.saveNow?.();
    await setLang(button.dataset.lang);
    relabelShell();
    await render(false);
  } else if (button.classList.contains("send-now")) {
    button.disabled = true;
    const report = await flush();
    if (report.sign_in) {
      state.signIn = true; // the sign-in has lapsed: sign in again, then they are sent
      return go("/signin");
    }
    const sent = Object.values(report.results).filter((r) => r.outcome === "sent").length;
    sentNotice(report.results);
    await outboxRoute();
    main.querySelector(".outbox-result").textContent = report.pending ? t("outbox.still_waiting", { n: digits(report.pending) }) : t("outbox.all_sent", { n: digits(sent) });
    refreshNotices();
  } else if (button.classList.contains("fix")) {
    const entry = await outbox.get(button.dataset.key);
    if (!entry) return;
    if (entry.centre) return go("/centre"); // a centre's application is corrected on its tablet page
    const { flatten } = await import("./views/form.js");
    const values = flatten({ applicant: entry.body.applicant, form: entry.body.form });
    await drafts.put(entry.body.service_id, { values, saved_at: entry.created_at, error: entry.error });
    await outbox.remove(entry.key);
    go(`/s/${entry.body.service_id}/form`);
  }
});

document.addEventListener("input", (event) => {
  if (event.target.id === "q") {
    clearTimeout(state.searchTimer);
    state.searchTimer = setTimeout(() => updateResults(event.target.value), 150);
  }
});

document.addEventListener("submit", (event) => {
  if (event.target.matches("form.search")) {
    event.preventDefault();
    updateResults(event.target.q.value);
  }
});

window.addEventListener("popstate", () => render());
onSessionChange(() => refreshNotices());

/** What was just sent, as the notice says it: "… ট্র্যাকিং নম্বর ১২২৬-…", linked to its page. */
function sentNotice(results) {
  const sent = Object.values(results).filter((r) => r.outcome === "sent").map((r) => r.application);
  if (!sent.length) return;
  const ids = sent.map((record) => showTrackingId(record.tracking_id)).join(", ");
  const text = t(sent.length === 1 ? "outbox.sent_back_online" : "outbox.sent_back_online_many", { ids, n: digits(sent.length) });
  const link = sent.length === 1 ? { href: `/a/${sent[0].tracking_id}`, text: t("outbox.see_status") } : { href: "/outbox", text: t("outbox.see_list") };
  flash(text, link, FLASH_MS * 2);
}

async function sendWaiting() {
  if (!navigator.onLine) return refreshNotices();
  const report = await flush().catch(() => null);
  if (report) {
    sentNotice(report.results);
    state.signIn = report.sign_in; // waiting for the citizen to sign in again: the notice asks
  }
  refreshNotices();
  if (state.route === "outbox") outboxRoute();
}

window.addEventListener("online", sendWaiting);
window.addEventListener("offline", refreshNotices);
onChange(async (detail) => {
  // another sender (the service worker's Background Sync, another tab) may have sent them
  if (detail?.sent?.length) {
    const records = (await Promise.all(detail.sent.map((id) => applications.get(id)))).filter(Boolean);
    sentNotice(Object.fromEntries(records.map((record) => [record.tracking_id, { outcome: "sent", application: record }])));
  }
  refreshNotices();
  if (state.route === "outbox") outboxRoute();
});

// --- service worker: offline use, and "a new version is ready" ------------------------

function watchForUpdates() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/sw.js").then((registration) => {
    const offer = (worker) => {
      if (!navigator.serviceWorker.controller) return;
      state.update = worker;
      refreshNotices();
    };
    if (registration.waiting) offer(registration.waiting);
    navigator.serviceWorker.ready.then((ready) => {
      ready.active?.postMessage({
        type: "keep", urls: performance.getEntriesByType("resource").map((entry) => entry.name).filter((url) => url.startsWith(location.origin)),
      });
      warmWhenIdle(ready);
      window.addEventListener("online", () => warmWhenIdle(ready));
    });
    registration.addEventListener("updatefound", () => {
      const worker = registration.installing;
      worker?.addEventListener("statechange", () => worker.state === "installed" && offer(worker));
    });
    document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && registration.update().catch(() => {}));
  }).catch(() => {});
  navigator.serviceWorker.addEventListener("controllerchange", () => state.reloading && location.reload());
}

/**
 * Once the app is idle, ask the service worker to fetch every service's page and form (and
 * the area lists) within the build's byte budget, so that they open offline from then on;
 * not when the phone asks to save data (the notice then says what works offline).
 */
function warmWhenIdle(registration) {
  if (navigator.connection?.saveData || state.offline) return;
  const ask = () => registration.active?.postMessage({ type: "warm" });
  const idle = () => ("requestIdleCallback" in window ? requestIdleCallback(ask, { timeout: 10000 }) : ask());
  setTimeout(idle, WARM_AFTER_MS); // the page's own first load goes first, unhurried
}

navigator.serviceWorker?.addEventListener("message", (event) => {
  if (event.data?.type === "warmed") {
    state.offline = null; // counted again
    refreshNotices();
  }
});

window.addEventListener("beforeinstallprompt", (event) => {
  event.preventDefault();
  state.install = event;
  refreshNotices();
});

async function start() {
  let saved = null;
  try {
    saved = localStorage.getItem("lang");
  } catch {
    saved = null;
  }
  if (saved === "en") {
    await setLang("en");
    relabelShell();
  }
  await render(true);
  if (document.readyState === "complete") watchForUpdates();
  else window.addEventListener("load", watchForUpdates, { once: true });
  sendWaiting();
}

start();
