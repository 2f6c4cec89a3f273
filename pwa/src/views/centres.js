// The centre locator: /centres?district=&upazila=&type= lists the centres of a district
// (and upazila, and type) with their address and hours, a page at a time, from
// GET /api/centres. The choices are in the address, so a list can be shared as a link.
import { h } from "../vnode.js";
import { loadGeo } from "../geo.js";
import { digits, lang, pick, t } from "../i18n.js";

const TYPES = ["udc", "pourashava_dc", "city_dc", "nagorik_sheba", "epost"];

/** One page of centres: {centres, cursor}; throws when the API cannot answer. */
export async function fetchCentres(query, cursor) {
  const params = new URLSearchParams(query);
  if (cursor) params.set("cursor", cursor);
  const response = await fetch(`/api/centres?${params}`);
  if (!response.ok) throw new Error(`centres answered ${response.status}`);
  return response.json();
}

const byName = (rows) => {
  const collator = new Intl.Collator(lang() === "bn" ? "bn" : "en");
  const name = (row) => (lang() === "bn" ? row[2] : row[3]);
  return [...rows].sort((a, b) => collator.compare(name(a), name(b)));
};

function choice(id, label, rows, selected, onchange) {
  return h("div", { class: "field" },
    h("label", { for: id }, label),
    h("select", { id, name: id.replace("centre-", ""), onchange },
      h("option", { value: "" }, t("centres.any")),
      rows.map((row) => h("option", { value: row[0], selected: row[0] === selected }, lang() === "bn" ? row[2] : row[3]))));
}

function centreItem(centre) {
  return h("li", { class: "centre", "data-id": centre.id },
    h("h2", null, pick(centre.name), centre.demo ? h("span", { class: "badge" }, t("centres.demo")) : null),
    h("p", { class: "centre-type" }, pick(centre.type_name)),
    h("p", null, h("strong", null, t("centres.address"), ": "), pick(centre.address)),
    h("p", null, h("strong", null, t("centres.hours"), ": "), pick(centre.hours)));
}

/** The form and, once a district is chosen, the list. */
export function centresView(geo, query, list) {
  const districts = byName(geo.district);
  const upazilas = byName(geo.upazila.filter((row) => row[1] === query.district));
  const types = TYPES.map((type) => [type, "", t(`centres.types.${type}`), t(`centres.types.${type}`)]);
  return [
    h("h1", null, t("centres.title")),
    h("p", null, t("centres.lead")),
    h("form", { class: "centre-search", method: "get", action: "/centres" },
      choice("centre-district", t("centres.district"), districts, query.district, list.onDistrict),
      choice("centre-upazila", t("centres.upazila"), upazilas, query.upazila),
      choice("centre-type", t("centres.type"), types, query.type),
      h("button", { type: "submit" }, t("centres.search"))),
    list.node,
  ];
}

/** The list part: the centres found, a count, and "more" while there are more pages. */
export function centreList(found, { more, failed } = {}) {
  if (failed) return h("p", { class: "centres-result", role: "status" }, t("centres.unavailable"));
  if (!found) return h("p", { class: "centres-result" }, t("centres.choose_district"));
  return h("section", { class: "centres-result", "aria-live": "polite" },
    h("p", null, found.length ? t("centres.found", { n: digits(found.length) }) : t("centres.none")),
    h("ul", { class: "centres" }, found.map(centreItem)),
    more ? h("button", { type: "button", class: "more-centres", onclick: more }, t("centres.more")) : null);
}

/** The whole route. */
export async function centresPage(main, mount, title, search) {
  title(t("centres.title"));
  const query = Object.fromEntries(["district", "upazila", "type"]
    .map((name) => [name, search.get(name) || ""]).filter(([, value]) => value));
  let geo;
  try {
    geo = await loadGeo();
  } catch {
    mount(main, h("h1", null, t("centres.title")), centreList(null, { failed: true }));
    return;
  }
  const onDistrict = (event) => {
    const form = event.target.form;
    form.querySelector("#centre-upazila").value = "";
    form.requestSubmit();
  };
  const show = (node) => mount(main, ...centresView(geo, query, { onDistrict, node }));
  if (!query.district) {
    show(centreList(null));
    return;
  }
  const found = [];
  const load = async (cursor) => {
    let page;
    try {
      page = await fetchCentres(query, cursor);
    } catch {
      show(centreList(null, { failed: true }));
      return;
    }
    found.push(...page.centres);
    show(centreList(found, { more: page.cursor ? () => load(page.cursor) : null }));
  };
  await load(null);
}
