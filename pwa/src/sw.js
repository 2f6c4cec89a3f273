// The service worker: small and honest.
// * install: precache the app shell and the catalog index (the build lists them);
// * activate: delete old caches, keeping the files of forms already opened that this
//   version still uses, so a form opened yesterday still works offline today;
// * fetch: navigations get the cached shell (the app routes itself), built files are
//   cache-first (their names carry a content hash), GET /api data is network-first with
//   the last answer as the fallback; nothing else is touched (POSTs go straight out);
//   never kept: an answer marked no-store or private, a request that carries a token
//   (Authorization), anything under /api/me or /api/auth (personal answers: the app keeps
//   what it needs in the signed-in person's own stores, which signing out wipes);
// * sync: Background Sync sends the outbox when the connection returns;
// * warm: asked by the page once it is idle, the rest of the catalog for offline use (below).
import { ASSETS, PRECACHE, VERSION, WARM } from "sw-manifest";
import { flush, SYNC_TAG } from "./outbox.js";

const SHELL = `ns-shell-${VERSION}`;
const FILES = `ns-files-${VERSION}`;
const DATA = "ns-data";
const KNOWN = new Set(ASSETS);

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(PRECACHE)));
});

async function keepStillUsed(oldName) {
  const old = await caches.open(oldName);
  const files = await caches.open(FILES);
  for (const request of await old.keys()) {
    const path = new URL(request.url).pathname;
    if (KNOWN.has(path) && !PRECACHE.includes(path)) await files.put(request, await old.match(request));
  }
}

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (!name.startsWith("ns-") || [SHELL, FILES, DATA].includes(name)) continue;
      if (name.startsWith("ns-files-")) await keepStillUsed(name);
      await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function shell() {
  const cached = await caches.match("/", { cacheName: SHELL });
  return cached || fetch("/");
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) (await caches.open(FILES)).put(request, response.clone());
  return response;
}

const PERSONAL = /^\/api\/(me|auth)(\/|$)/;

/** Whether an answer may be kept for offline use (nothing personal, nothing marked not to). */
function keepable(request, response) {
  if (!response.ok || request.headers.has("Authorization")) return false;
  if (PERSONAL.test(new URL(request.url).pathname)) return false;
  return !/no-store|private/i.test(response.headers.get("Cache-Control") || "");
}

async function networkFirst(request) {
  if (request.headers.has("Authorization") || PERSONAL.test(new URL(request.url).pathname)) return fetch(request);
  try {
    const response = await fetch(request);
    if (keepable(request, response)) (await caches.open(DATA)).put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await caches.match(request, { cacheName: DATA });
    if (!cached) throw error;
    const headers = new Headers(cached.headers);
    headers.set("x-ns-cached", cached.headers.get("date") || "1");
    return new Response(cached.body, { status: cached.status, headers });
  }
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") event.respondWith(shell());
  else if (url.pathname.startsWith("/api/")) event.respondWith(networkFirst(request));
  else if (KNOWN.has(url.pathname)) event.respondWith(cacheFirst(request));
});

// The page lists the built files it loaded before this worker took control (a first visit
// straight to a form): keep them too, so that form works offline from then on.
async function keep(urls) {
  const files = await caches.open(FILES);
  for (const url of urls) {
    const path = new URL(url, self.location.origin).pathname;
    if (KNOWN.has(path) && !(await caches.match(path))) await files.add(path).catch(() => {});
  }
}

// Every service's page and form, then the union lists, fetched one at a time once the page
// says it is idle (the build chose them within its byte budget): after the first visit,
// any service opens offline. Stops at the first failure (offline again) and goes on next time.
let warming = null;

async function warm() {
  const files = await caches.open(FILES);
  for (const path of WARM) {
    if (await caches.match(path)) continue;
    try {
      const response = await fetch(path);
      if (!response.ok) return;
      await files.put(path, response);
    } catch {
      return;
    }
  }
  for (const client of await self.clients.matchAll({ includeUncontrolled: true })) client.postMessage({ type: "warmed" });
}

self.addEventListener("message", (event) => {
  if (event.data?.type === "skip-waiting") self.skipWaiting();
  if (event.data?.type === "warm") event.waitUntil(warming ||= warm().finally(() => { warming = null; }));
  if (event.data?.type === "keep" && Array.isArray(event.data.urls)) event.waitUntil(keep(event.data.urls));
});

self.addEventListener("sync", (event) => {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil(flush().then((report) => {
    if (report.pending) throw new Error("still waiting: the browser retries later");
  }));
});
