// The outbox: an application is written here (with its Idempotency-Key) the moment the
// citizen presses submit, and leaves only when the server has answered. Every retry reuses
// the key, so the server makes the application exactly once however often it is sent.
// Used by the page (on open, when the connection returns, "send now") and by the service
// worker (Background Sync); a Web Lock keeps two senders from overlapping.
//
// Each entry is sent as the person signed in, with a fresh access token. When no one can
// be (the refresh token expired or was refused), the entry waits, untouched, and the report
// says `sign_in: true`, so the page asks the citizen to sign in again; then it is sent.
import { authorized, SignInNeeded } from "./session.js";
import { applications, outbox } from "./store.js";

export const SYNC_TAG = "ns-outbox";
const TIMEOUT_MS = 30000;
const RETRY_LATER = new Set(["request_in_progress", "service_unavailable", "internal_error"]);
const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("ns-outbox") : null;
channel?.unref?.(); // (Node, in the unit tests: the channel must not keep the process alive)

/** Tell every open page that the outbox or the applications changed. */
export function announce(detail) {
  channel?.postMessage(detail);
}

/** Listen for outbox changes made anywhere (this page, another tab, the service worker). */
export function onChange(listener) {
  channel?.addEventListener("message", (event) => listener(event.data));
}

/**
 * Ask the browser to send the outbox when the connection returns, even with the app closed
 * (Background Sync: the service worker's `sync` event sends it). Where there is none, the
 * app sends on its next open, when back online, or on "send now".
 */
export async function askToSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register(SYNC_TAG);
  } catch {
    // no Background Sync here (or not allowed): the page's own senders remain
  }
}

/** A new entry: the body as it will be sent and a fresh key. */
export function entryFor(body, title) {
  const key = crypto.randomUUID();
  return { key, body, title, created_at: new Date().toISOString(), state: "pending", attempts: 0 };
}

async function post(entry) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const response = await authorized("/api/applications", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": entry.key },
      body: JSON.stringify(entry.body),
      signal: controller.signal,
    });
    let answer = null;
    try {
      answer = await response.json();
    } catch {
      answer = null;
    }
    return { status: response.status, answer };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What an answer to a submission means for its entry: "sent" (it has a tracking id),
 * "sign_in" (the server wants a sign-in first: the entry waits), "pending" (try again
 * later) or "invalid" (the citizen must correct it).
 */
export function outcomeOf(status, answer) {
  if ((status === 200 || status === 201) && answer?.tracking_id) return "sent";
  if (status === 401) return "sign_in";
  const code = answer?.code || `http_${status}`;
  if (status >= 500 || status === 429 || RETRY_LATER.has(code) || !answer) return "pending";
  return "invalid";
}

/**
 * Send one entry. Returns {outcome: "sent", application} | {outcome: "invalid", error} |
 * {outcome: "pending", error} | {outcome: "sign_in"}; the outbox and the applications store
 * are updated to match (an entry waiting for a sign-in is left as it was).
 */
export async function send(entry) {
  let result;
  try {
    result = await post(entry);
  } catch (error) {
    if (error instanceof SignInNeeded) return { outcome: "sign_in" };
    await outbox.put({ ...entry, attempts: entry.attempts + 1, last_error: "network" });
    return { outcome: "pending", error: { code: "network" } };
  }
  const { status, answer } = result;
  const outcome = outcomeOf(status, answer);
  if (outcome === "sign_in") return { outcome };
  if (outcome === "sent") {
    const record = {
      tracking_id: answer.tracking_id,
      key: entry.key,
      service_id: entry.body.service_id,
      saved_at: new Date().toISOString(),
      view: answer,
    };
    await applications.put(record);
    await outbox.remove(entry.key);
    return { outcome: "sent", application: record };
  }
  const code = answer?.code || `http_${status}`;
  if (outcome === "pending") {
    await outbox.put({ ...entry, attempts: entry.attempts + 1, last_error: code });
    return { outcome: "pending", error: answer || { code } };
  }
  await outbox.put({ ...entry, attempts: entry.attempts + 1, state: "invalid", error: answer });
  return { outcome: "invalid", error: answer };
}

async function locked(work) {
  if (typeof navigator !== "undefined" && navigator.locks) return navigator.locks.request(SYNC_TAG, work);
  return work();
}

/**
 * Send every pending entry (or just `onlyKey`), one at a time; stops at the first that
 * needs a sign-in. Returns {results: {key: result}, pending: how many still wait,
 * sign_in: whether they wait for the citizen to sign in again}.
 */
export async function flush(onlyKey) {
  const report = await locked(async () => {
    const results = {};
    let signIn = false;
    for (const listed of await outbox.all()) {
      if (onlyKey && listed.key !== onlyKey) continue;
      const entry = await outbox.get(listed.key); // re-read: another sender may have finished it
      if (!entry || entry.state !== "pending") continue;
      results[entry.key] = await send(entry);
      if (results[entry.key].outcome === "sign_in") {
        signIn = true;
        break;
      }
    }
    const pending = (await outbox.all()).filter((entry) => entry.state === "pending").length;
    return { results, pending, sign_in: signIn };
  });
  if (Object.values(report.results).some((result) => result.outcome !== "sign_in")) {
    const sent = Object.values(report.results).filter((result) => result.outcome === "sent").map((result) => result.application.tracking_id);
    announce({ type: "outbox", sent });
  }
  return report;
}
