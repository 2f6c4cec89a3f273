// The home page: search and the catalog by category. Also rendered to HTML by the build,
// so a citizen on a slow connection sees the services before any script has arrived.
import { byCategory, inCategory } from "../catalog.js";
import { digits, lang, pick, t } from "../i18n.js";
import { h } from "../vnode.js";

/** The header every page shares. */
export function header() {
  const other = lang() === "bn" ? "en" : "bn";
  return h("div", { class: "bar" },
    h("a", { class: "brand", href: "/" }, t("app.name")),
    h("button", { type: "button", class: "lang", "data-lang": other, lang: other }, t("nav.switch")),
    h("nav", { "aria-label": t("nav.label") },
      h("a", { href: "/me", id: "mine-link" }, t("nav.mine")),
      h("a", { href: "/track" }, t("nav.track")),
      h("a", { href: "/outbox", id: "outbox-link" }, t("nav.outbox"))));
}

/** One service as a link in a list. */
export function serviceItem(entry, withSummary) {
  return h("li", null,
    h("a", { href: `/s/${entry.id}` },
      h("span", { class: "title" }, pick(entry.title)),
      withSummary ? h("span", { class: "summary" }, pick(entry.summary)) : null));
}

/** The search box (a plain GET form, so it works before the script loads). */
export function searchBox(query) {
  return h("form", { class: "search", role: "search", action: "/", method: "get" },
    h("label", { for: "q" }, t("home.search_label")),
    h("div", { class: "row" },
      h("input", { id: "q", name: "q", type: "search", value: query || "", placeholder: t("home.search_placeholder"),
        autocomplete: "off", enterkeyhint: "search", "aria-describedby": "q-help" }),
      h("button", { type: "submit" }, t("home.search_button"))),
    h("p", { id: "q-help", class: "help" }, t("home.search_help")));
}

/** The search results, `found` for `query` (or the whole catalog when there is no query). */
export function results(catalog, query, found = []) {
  if (!query) {
    return byCategory(catalog).map(({ category, services }) =>
      h("section", { class: "category", "aria-labelledby": `cat-${category.id}` },
        h("h2", { id: `cat-${category.id}` },
          h("a", { href: `/c/${category.id}` }, pick(category.title)),
          " ", h("span", { class: "count" }, t("home.count", { n: digits(services.length) }))),
        h("ul", { class: "services" }, services.map((entry) => serviceItem(entry, false)))));
  }
  return [
    h("p", { class: "found" }, found.length ? t("home.found", { n: digits(found.length), q: query }) : t("home.none", { q: query })),
    found.length ? h("ul", { class: "services" }, found.map((entry) => serviceItem(entry, true))) : null,
  ];
}

/** The home page. */
export function home(catalog, query, found) {
  return [
    h("h1", null, t("home.title")),
    h("p", { class: "lead" }, t("home.lead")),
    searchBox(query),
    h("div", { id: "results", "aria-live": "polite" }, results(catalog, query, found)),
  ];
}

/** One category's services, with their summaries. */
export function category(catalog, id) {
  const found = catalog.categories.find((item) => item.id === id);
  if (!found) return null;
  return [
    h("nav", { class: "crumbs", "aria-label": t("nav.crumbs") }, h("a", { href: "/" }, t("nav.home"))),
    h("h1", null, pick(found.title)),
    h("ul", { class: "services" }, inCategory(catalog, id).map((entry) => serviceItem(entry, true))),
  ];
}
