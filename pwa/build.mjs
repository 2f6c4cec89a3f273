// Builds the web app into dist/ from src/, i18n/, public/ and the catalog (.catalog/,
// written by `make catalog`): every file the app fetches carries a content hash in its name.
//
//   dist/index.html              the shell, with the CSS inlined and the home page prerendered
//   dist/sw.js                   the service worker, listing what to precache
//   dist/assets/main.<hash>.js   the app (plus chunks: the form, English strings)
//   dist/assets/check-<id>.<hash>.js   each service's form check, compiled from its schema
//   dist/assets/catalog.<hash>.json    the catalog index; svc-<id>.<hash>.json each service
//   dist/assets/catalog-core.<hash>.json  what a form's page needs of the index (titles, files)
//   dist/assets/geo.<hash>.json  divisions, districts, upazilas; geo-u<district>.<hash>.json unions
//   dist/assets/district-map.<hash>.json   the ops dashboard's map (SVG paths by district id)
//
// Field error sentences are the server's own (.catalog/meta/messages.json), bundled into the
// form's code; a form whose conditions the app cannot show stops the build.
import { createHash } from "node:crypto";
import zlib from "node:zlib";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import Ajv from "ajv";
import standalone from "ajv/dist/standalone/index.js";
import * as esbuild from "esbuild";
import { unsupportedConditions, validationOnly } from "./src/rules.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CATALOG = path.join(HERE, ".catalog");
const DIST = path.join(HERE, "dist");
const ASSETS = path.join(DIST, "assets");
const WORK = path.join(HERE, "node_modules", ".cache", "nagorik-build");

const readJSON = (file) => JSON.parse(fs.readFileSync(file, "utf8"));
const hash = (data) => createHash("sha256").update(data).digest("base64url").replace(/[-_]/g, "").slice(0, 10);

function emit(name, data) {
  const text = typeof data === "string" ? data : JSON.stringify(data);
  const file = name.replace("[hash]", hash(text));
  fs.writeFileSync(path.join(ASSETS, file), text);
  return `/assets/${file}`;
}

function fail(message) {
  console.error(`pwa build: ${message}`);
  process.exit(1);
}

if (!fs.existsSync(path.join(CATALOG, "index.json"))) fail(".catalog/index.json is missing: run `make catalog` first");
fs.rmSync(DIST, { recursive: true, force: true });
fs.rmSync(WORK, { recursive: true, force: true });
fs.mkdirSync(ASSETS, { recursive: true });
fs.mkdirSync(WORK, { recursive: true });

// --- the catalog -------------------------------------------------------------------------
const index = readJSON(path.join(CATALOG, "index.json"));
const submission = readJSON(path.join(CATALOG, "meta", "submission.json"));
const applicant = submission.properties.applicant;
// The form asks every applicant for a phone (a citizen's own; at a centre, where the citizen's
// SMS go): the server's envelope leaves it out only for a citizen with no phone of their own,
// whom the centre's page (views/centre.js) serves with an applicant of a name alone.
const shownApplicant = { ...applicant, required: [...new Set([...(applicant.required || []), "phone"])] };
const messages = readJSON(path.join(CATALOG, "meta", "messages.json"));

// Each service's form check: Ajv compiles the very schema the server validates with
// (labels stripped) into a standalone module; the formats come from src/rules.js.
const ajv = new Ajv({
  allErrors: true, strict: false, unicodeRegExp: true,
  code: { source: true, esm: true, lines: false, formats: Ajv._`require(${path.join(HERE, "src", "rules.js")}).formatChecks` },
});
const formatNames = ["date", "bd-past-date", "bd-upcoming-date", "bd-nid", "bd-brn"];
for (const name of formatNames) ajv.addFormat(name, () => true);

const checkEntries = {};
const services = [];
for (const summary of index.services) {
  const file = path.join(CATALOG, "services", `${summary.id}.json`);
  const service = readJSON(file);
  const unsupported = unsupportedConditions(service.form);
  if (unsupported.length) fail(`${summary.id}: the form's conditions use what the app cannot show yet:\n  ${unsupported.join("\n  ")}`);
  const envelope = validationOnly({
    type: "object",
    required: ["applicant", "form"],
    properties: { applicant, form: service.form },
  });
  const code = standalone(ajv, ajv.compile(envelope));
  const source = path.join(WORK, `check-${summary.id}.js`);
  fs.writeFileSync(source, code);
  checkEntries[`check-${summary.id}`] = source;
  const doc = emit(`svc-${summary.id}.[hash].json`, service);
  // listing and search need no time limit or output (a first-visit byte budget): the service's own file has them
  const { sla: _sla, output: _output, ...listed } = summary;
  services.push({ ...listed, agency_name: service.agency_name || null, doc });
}

// --- geography, split so nothing heavy reaches a page that does not need it ---------------
const geo = readJSON(path.join(CATALOG, "geo.json"));
const unions = {};
for (const [, districtId] of geo.district.map((row) => [row[0], row[0]])) {
  const upazilas = new Set(geo.upazila.filter((row) => row[1] === districtId).map((row) => row[0]));
  const rows = geo.union.filter((row) => upazilas.has(row[1]));
  if (rows.length) unions[districtId] = emit(`geo-u${districtId}.[hash].json`, rows);
}
const geoTop = emit("geo.[hash].json", { division: geo.division, district: geo.district, upazila: geo.upazila, unions });
// The ops dashboard's district map (simplified by `make catalog`): fetched by that page only.
const mapFile = path.join(CATALOG, "district-map.json");
if (!fs.existsSync(mapFile)) fail(".catalog/district-map.json is missing: run `make catalog` first");
const mapURL = emit("district-map.[hash].json", readJSON(mapFile));

// --- the app --------------------------------------------------------------------------------
// The check modules are compiled first so that their names can go into the index.
const virtual = (modules) => ({
  name: "virtual",
  setup(build) {
    build.onResolve({ filter: new RegExp(`^(${Object.keys(modules).join("|")})$`) }, (args) => ({ path: args.path, namespace: "virtual" }));
    build.onLoad({ filter: /.*/, namespace: "virtual" }, (args) => ({ contents: modules[args.path], loader: "js", resolveDir: HERE }));
  },
});
const common = { bundle: true, format: "esm", minify: true, target: "es2020", legalComments: "none", charset: "utf8", logLevel: "warning" };

// Checks and the app share rules.js; build them together so it becomes one shared chunk.
const catalogJSON = { categories: index.categories, services: null, search: index.search || {}, etag: index.etag };
let built = await esbuild.build({
  ...common,
  entryPoints: { main: path.join(HERE, "src", "main.js"), ...checkEntries },
  outdir: ASSETS, splitting: true, metafile: true, write: false,
  entryNames: "[name].[hash]", chunkNames: "c.[hash]",
  plugins: [virtual({
    "build-info": `export const INDEX_URL = "/assets/catalog.json"; export const CORE_URL = "/assets/catalog-core.json"; export const GEO_URL = ${JSON.stringify(geoTop)}; export const MAP_URL = ${JSON.stringify(mapURL)};`,
    "build-applicant": `export const APPLICANT = ${JSON.stringify(shownApplicant)};`,
    "build-messages": `export const FIELD_MESSAGES = ${JSON.stringify(messages.fields)};`,
    "build-track-messages": `export const TRACK_MESSAGES = ${JSON.stringify({ tracking_id: messages.fields.tracking_id, mobile: messages.fields.mobile })};`,
  })],
});
// Entry names are known only after bundling, and the index must name them: bundle once to
// learn the check names, write the index, then bundle again with its real URL.
const outputName = (entry) => Object.entries(built.metafile.outputs).find(([, out]) => out.entryPoint && path.resolve(HERE, out.entryPoint) === path.resolve(entry))?.[0];
for (const service of services) service.check = `/${path.relative(DIST, path.resolve(HERE, outputName(checkEntries[`check-${service.id}`])))}`;
catalogJSON.services = services;
const indexURL = emit("catalog.[hash].json", catalogJSON);
// The part of the index a form's page (and the offline count) needs, a few KB: a direct link to
// a form draws its heading from it without waiting for the search data of every service.
const CORE_FIELDS = ["id", "version", "category", "agency", "agency_name", "title", "channels", "doc", "check"];
const coreURL = emit("catalog-core.[hash].json", {
  categories: catalogJSON.categories, etag: catalogJSON.etag,
  services: services.map((service) => Object.fromEntries(CORE_FIELDS.map((key) => [key, service[key] ?? null]))),
});
built = await esbuild.build({
  ...common,
  entryPoints: { main: path.join(HERE, "src", "main.js"), ...checkEntries },
  outdir: ASSETS, splitting: true, metafile: true, write: true,
  entryNames: "[name].[hash]", chunkNames: "c.[hash]",
  plugins: [virtual({
    "build-info": `export const INDEX_URL = ${JSON.stringify(indexURL)}; export const CORE_URL = ${JSON.stringify(coreURL)}; export const GEO_URL = ${JSON.stringify(geoTop)}; export const MAP_URL = ${JSON.stringify(mapURL)};`,
    "build-applicant": `export const APPLICANT = ${JSON.stringify(shownApplicant)};`,
    "build-messages": `export const FIELD_MESSAGES = ${JSON.stringify(messages.fields)};`,
    "build-track-messages": `export const TRACK_MESSAGES = ${JSON.stringify({ tracking_id: messages.fields.tracking_id, mobile: messages.fields.mobile })};`,
  })],
});
for (const service of services) {
  const now = `/${path.relative(DIST, path.resolve(HERE, outputName(checkEntries[`check-${service.id}`])))}`;
  if (now !== service.check) fail(`check module name changed between passes for ${service.id}`);
}
const mainURL = `/${path.relative(DIST, path.resolve(HERE, outputName(path.join(HERE, "src", "main.js"))))}`;
// The form's code, fetched at once when a link opens a form directly (a slow phone then waits
// for the form and the page's script together, not one after the other); the shell's inline
// script reads it from a <meta>, so that the script itself (allowed by its hash) never changes.
const formOut = outputName(path.join(HERE, "src", "views", "form.js"));
// A module's static imports, followed: the browser learns of them only once it has the
// module, so the shell names them at once and they come side by side, not one after another.
const staticImports = (out, seen = new Set()) => {
  for (const item of built.metafile.outputs[out]?.imports || []) {
    if (item.kind === "import-statement" && !seen.has(item.path)) {
      seen.add(item.path);
      staticImports(item.path, seen);
    }
  }
  return seen;
};
const urlOfOutput = (out) => `/${path.relative(DIST, path.resolve(HERE, out)).split(path.sep).join("/")}`;
const mainStatic = [...staticImports(outputName(path.join(HERE, "src", "main.js")))];
const preloads = [mainURL, ...mainStatic.map(urlOfOutput)].map((url) => `<link rel="modulepreload" href="${url}">`).join("\n");
const formURL = formOut ? [formOut, ...staticImports(formOut)].filter((out) => !mainStatic.includes(out)).map(urlOfOutput).join(" ") : null;


// --- the shell: CSS inlined, home page prerendered in Bangla ---------------------------------
const css = (await esbuild.transform(fs.readFileSync(path.join(HERE, "src", "app.css"), "utf8"), { loader: "css", minify: true })).code.trim();
const prerender = path.join(WORK, "prerender.mjs");
await esbuild.build({
  ...common, minify: false, platform: "node", outfile: prerender,
  stdin: {
    contents: `import { h, toHTML } from "./src/vnode.js"; import { header, home } from "./src/views/home.js"; import { t } from "./src/i18n.js";
      export const page = (catalog) => ({ header: toHTML(header()), home: home(catalog, "").map(toHTML).join(""), t });`,
    resolveDir: HERE,
  },
  plugins: [virtual({ "build-info": "export const INDEX_URL = ''; export const CORE_URL = ''; export const GEO_URL = ''; export const MAP_URL = '';" })],
});
const { page } = await import(pathToFileURL(prerender).href);
const rendered = page(catalogJSON);
const esc = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
const html = fs.readFileSync(path.join(HERE, "index.html"), "utf8")
  .replace("{{title}}", esc(rendered.t("app.name")))
  .replace("{{description}}", esc(rendered.t("app.description")))
  .replace("{{css}}", () => css)
  .replace("{{preloads}}", preloads)
  .replaceAll("{{main}}", mainURL)
  .replace("{{index}}", indexURL)
  .replace("{{core}}", coreURL)
  .replace("{{skip}}", esc(rendered.t("nav.skip")))
  .replace("{{form_code}}", formURL || "")
  .replace("{{loading}}", esc(rendered.t("app.loading")))
  .replace("{{loading_en}}", esc(JSON.parse(fs.readFileSync(path.join(HERE, "i18n", "en.json"), "utf8")).app.loading))
  .replace("{{header}}", () => rendered.header)
  .replace("{{home}}", () => rendered.home)
  .replace("{{footer}}", esc(rendered.t("app.footer")))
  .replace(/>\s*\n\s*</g, ">\n<");
fs.writeFileSync(path.join(DIST, "index.html"), html);

// --- static files: manifest and icons ---------------------------------------------------------
for (const file of fs.readdirSync(path.join(HERE, "public"))) fs.copyFileSync(path.join(HERE, "public", file), path.join(DIST, file));

// --- the service worker ------------------------------------------------------------------------
const all = [];
const walk = (dir) => {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else all.push(`/${path.relative(DIST, full).split(path.sep).join("/")}`);
  }
};
walk(DIST);
const assets = all.filter((file) => file.startsWith("/assets/")).sort();
// The shell: the page, its script and the chunks it imports at start, the English strings
// and the form code (so a switch of language or a form opened offline works), the index.
// The ops dashboard's, the agency desk's and the centre tablet's code is for staff only: not precached for
// everyone (the service worker caches it the first time that page is opened, like the map).
const opsOnly = (out) => Object.keys(built.metafile.outputs[out]?.inputs || {}).some((input) => /(views\/ops|i18n\/ops|views\/desk|views\/centre|views\/staff-sign-in)/.test(input));
const mainImports = new Set();
const follow = (out) => {
  for (const item of built.metafile.outputs[out]?.imports || []) {
    if (!mainImports.has(item.path) && !opsOnly(item.path)) {
      mainImports.add(item.path);
      follow(item.path);
    }
  }
};
const mainOut = outputName(path.join(HERE, "src", "main.js"));
follow(mainOut);
const precache = [
  "/", "/manifest.webmanifest", "/icon.svg", "/icon-192.png", mainURL, indexURL, coreURL,
  ...[...mainImports].map((out) => `/${path.relative(DIST, path.resolve(HERE, out))}`),
];
// What the service worker fetches in the background once the app is idle, so that every
// service's page and form opens offline after the first visit: the area lists, then each
// service's file and form check, then each district's unions; in that order, within the
// budget (gzip, as sent). What does not fit is left to be fetched when first opened.
const WARM_BUDGET_BYTES = 640 * 1024;
const gzipSize = (url) => zlib.gzipSync(fs.readFileSync(path.join(DIST, url.slice(1))), { level: 9 }).length;
const outputOf = (url) => path.relative(HERE, path.join(DIST, url.slice(1))).split(path.sep).join("/");
const closure = (url, seen = new Set()) => {
  for (const item of built.metafile.outputs[outputOf(url)]?.imports || []) {
    const next = `/${path.relative(DIST, path.resolve(HERE, item.path)).split(path.sep).join("/")}`;
    if (!seen.has(next)) {
      seen.add(next);
      closure(next, seen);
    }
  }
  return seen;
};
const wanted = [geoTop, ...services.flatMap((service) => [service.doc, service.check, ...closure(service.check)]), ...Object.values(unions)];
const warm = [];
const leftOut = [];
let warmBytes = 0;
for (const url of new Set(wanted)) {
  if (precache.includes(url)) continue;
  const size = gzipSize(url);
  if (warmBytes + size <= WARM_BUDGET_BYTES) {
    warm.push(url);
    warmBytes += size;
  } else leftOut.push(url);
}
fs.writeFileSync(path.join(DIST, "offline-set.json"), JSON.stringify({ budget_bytes: WARM_BUDGET_BYTES, bytes: warmBytes, files: warm, left_out: leftOut }, null, 1));

const version = hash(JSON.stringify([precache, assets, html]));
await esbuild.build({
  ...common, entryPoints: [path.join(HERE, "src", "sw.js")], outfile: path.join(DIST, "sw.js"),
  plugins: [virtual({
    "sw-manifest": `export const VERSION = ${JSON.stringify(version)}; export const PRECACHE = ${JSON.stringify(precache)}; export const ASSETS = ${JSON.stringify([...new Set([...precache, ...assets])])}; export const WARM = ${JSON.stringify(warm)};`,
  })],
});

const kb = (file) => (fs.statSync(path.join(DIST, file)).size / 1024).toFixed(1);
console.log(`pwa: ${services.length} services, ${assets.length} files in dist/assets; index.html ${kb("index.html")} KB, main ${kb(mainURL.slice(1))} KB (before gzip); sw version ${version}`);
console.log(`pwa: offline set fetched in the background ${(warmBytes / 1024).toFixed(1)} KB gzip in ${warm.length} files (budget ${WARM_BUDGET_BYTES / 1024} KB)${leftOut.length ? `; ${leftOut.length} files OVER BUDGET, left to be fetched when first opened` : ""}`);
