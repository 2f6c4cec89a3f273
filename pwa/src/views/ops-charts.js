// The ops dashboard's pictures, drawn as small SVGs (no chart library): the district map,
// shaded by applications per district, and the 30-day trend.
//
// The map file (SVG paths by district id, simplified at build time: devtools/district_map.py)
// is fetched the first time this page draws it, and cached by the service worker after that.
import { MAP_URL } from "build-info";
import { lang, number } from "../i18n.js";
import { h, toHTML } from "../vnode.js";
import { breaks, shade } from "./ops-scale.js";

const SHADES = ["#f1f4f1", "#c7e9c0", "#74c476", "#31a354", "#00582a"];
let mapFile = null;

function loadMap() {
  mapFile ||= fetch(MAP_URL).then((response) => {
    if (!response.ok) throw new Error(`map ${response.status}`);
    return response.json();
  }).catch((error) => {
    mapFile = null;
    throw error;
  });
  return mapFile;
}

function legend(limits, title) {
  const items = SHADES.map((colour, index) => {
    const low = index ? limits[index - 1] + 1 : 0;
    const high = limits[index];
    if (low > high) return null; // a shade no count can have (few applications)
    return h("li", null, h("span", { class: `ops-swatch ops-s${index}`, "aria-hidden": "true" }), " ",
      low === high ? number(low) : `${number(low)}–${number(high)}`);
  });
  return h("div", { class: "ops-legend" }, h("p", { class: "ops-legend-title" }, title), h("ul", null, items));
}

/**
 * Draw (or, when drawn already, recolour) the map in `holder`: each district a button that
 * shows its figures when tapped, clicked or focused. Resolves to {names: {id: name}}.
 */
export async function districtMap(holder, groups, text, selected) {
  const map = await loadMap();
  const counts = Object.fromEntries(groups.map((group) => [Number(group.key), group.counts.submitted || 0]));
  const limits = breaks(Math.max(0, ...Object.values(counts)));
  const names = Object.fromEntries(Object.entries(map.names).map(([id, [bn, en]]) => [id, lang() === "bn" ? bn : en]));
  let svg = holder.querySelector("svg");
  if (!svg) {
    const paths = Object.entries(map.districts).map(([id, d]) => h("path", { d, "data-id": id, role: "button", tabindex: "0" }));
    // The chosen district's outline is drawn again on top (so neighbours never hide it),
    // by a copy no one can focus: the districts keep their order, and so the Tab order.
    const outline = h("path", { class: "ops-outline", d: "", "aria-hidden": "true" });
    holder.innerHTML = toHTML(h("svg", { viewBox: map.viewBox, role: "group", class: "ops-svg", xmlns: "http://www.w3.org/2000/svg" }, paths, outline));
    svg = holder.querySelector("svg");
    const pick = (event) => {
      const path = event.target.closest?.("path[data-id]");
      if (!path) return;
      for (const other of svg.querySelectorAll("path.sel")) other.classList.remove("sel");
      path.classList.add("sel");
      svg.querySelector(".ops-outline").setAttribute("d", path.getAttribute("d"));
      text.onPick(path.dataset.id);
    };
    svg.addEventListener("click", pick);
    svg.addEventListener("focusin", (event) => {
      if (!event.target.classList?.contains("sel")) pick(event);
    });
    svg.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        pick(event);
      }
    });
    holder.append(document.createElement("div"));
  }
  svg.setAttribute("aria-label", text.label);
  for (const path of svg.querySelectorAll("path[data-id]")) {
    const id = Number(path.dataset.id);
    const chosen = String(selected) === path.dataset.id;
    path.setAttribute("class", `ops-s${shade(counts[id] || 0, limits)}${chosen ? " sel" : ""}`);
    path.setAttribute("aria-label", text.district(names[id], counts[id] || 0));
    if (chosen) svg.querySelector(".ops-outline").setAttribute("d", path.getAttribute("d"));
  }
  const legendBox = holder.lastElementChild;
  legendBox.innerHTML = toHTML(legend(limits, text.legend));
  return { names };
}

/** The trend as bars, one a day (oldest first), with its summary as the image's name. */
export function trendChart(days, text) {
  const width = 300;
  const height = 80;
  const max = Math.max(1, ...days.map((day) => day.submitted));
  const busiest = days.reduce((best, day) => (day.submitted > best.submitted ? day : best), days[0] || { submitted: 0, date: "" });
  const total = days.reduce((sum, day) => sum + day.submitted, 0);
  const step = width / Math.max(1, days.length);
  const bars = days.map((day, index) => {
    const tall = Math.round((day.submitted / max) * (height - 4));
    return h("rect", { x: (index * step + 1).toFixed(1), y: height - tall, width: Math.max(1, step - 2).toFixed(1), height: tall, class: "ops-bar-rect" });
  });
  const label = text.label(total, busiest.submitted, busiest.date ? text.when(busiest.date) : "");
  const svg = toHTML(h("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": label, class: "ops-trend-svg", preserveAspectRatio: "none" }, bars));
  // vnode makes HTML elements only: the SVG goes in as markup, which the parser makes SVG
  return h("div", { class: "ops-trend", ref: (element) => element.insertAdjacentHTML("afterbegin", svg) },
    h("p", { class: "ops-axis", "aria-hidden": "true" },
      h("span", null, days[0] ? text.when(days[0].date) : ""), h("span", null, text.last)));
}

export const STYLE = `
.ops-bar{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.5rem}
.ops-updated{margin:.25rem 0;color:var(--soft)}
.ops-updated.warn{color:var(--warn);background:var(--warn-bg);padding:.25rem .5rem;border-radius:4px}
.ops-who{margin:.25rem 0}
.ops-periods{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.75rem 0}
.ops-periods button[aria-pressed=true]{background:var(--green);color:#fff;font-weight:700}
.ops-cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(9.5rem,1fr));gap:.5rem}
.ops-card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:.5rem .75rem;display:flex;flex-direction:column}
.ops-card.warn{border-color:#c98a00;background:var(--warn-bg)}
.ops-n{font-size:1.4rem;font-weight:700;font-variant-numeric:tabular-nums;color:var(--green-dark)}
.ops-card.warn .ops-n{color:var(--warn)}
.ops-map-row{display:grid;gap:1rem}
@media (min-width:48rem){.ops-map-row{grid-template-columns:minmax(0,3fr) minmax(0,2fr)}}
.ops-map{max-width:32rem}
.ops-svg{width:100%;height:auto;display:block}
.ops-svg path{stroke:#fff;stroke-width:.8;cursor:pointer}
.ops-svg path:focus{outline:none}
.ops-svg path:focus-visible{stroke:#1b1b1b;stroke-width:2}
.ops-svg .ops-outline{fill:none;stroke:#1b1b1b;stroke-width:2.5;pointer-events:none}
.ops-s0{fill:${SHADES[0]};background:${SHADES[0]}}.ops-s1{fill:${SHADES[1]};background:${SHADES[1]}}.ops-s2{fill:${SHADES[2]};background:${SHADES[2]}}.ops-s3{fill:${SHADES[3]};background:${SHADES[3]}}.ops-s4{fill:${SHADES[4]};background:${SHADES[4]}}
.ops-legend ul{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
.ops-legend-title{margin:.5rem 0 .25rem;font-weight:600}
.ops-swatch{display:inline-block;width:1.2rem;height:1.2rem;border:1px solid #8a8a8a;vertical-align:middle}
.ops-district{background:#fff;border:1px solid var(--line);border-radius:8px;padding:.5rem 1rem;align-self:start}
.ops-district h3{margin:.25rem 0}
.ops-dl{display:grid;grid-template-columns:auto auto;gap:.1rem 1rem;margin:0}
.ops-dl dd{margin:0;text-align:right;font-variant-numeric:tabular-nums;font-weight:600}
.ops-trend-svg{width:100%;height:6rem;display:block;background:#fff;border:1px solid var(--line)}
.ops-bar-rect{fill:var(--green)}
.ops-axis{display:flex;justify-content:space-between;margin:.2rem 0;color:var(--soft);font-size:.9rem}
.ops-scroll{overflow-x:auto}
.ops-table{border-collapse:collapse;width:100%;background:#fff;font-size:.95rem}
.ops-table caption{text-align:left;font-weight:600;padding:.25rem 0}
.ops-table th,.ops-table td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left}
.ops-table .num{text-align:right;font-variant-numeric:tabular-nums}
.ops-table .alert{color:var(--red);font-weight:700}
.ops-statuses{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem}
.ops-two{display:grid;gap:1rem}
@media (min-width:40rem){.ops-two{grid-template-columns:1fr 1fr}}
.ops-centres{padding-left:1.5rem}
details summary{cursor:pointer;min-height:44px;display:flex;align-items:center;color:var(--green-dark);text-decoration:underline}
`;
