// Who is signed in on this device, and the calls made as them.
//
// The access token (15 minutes) lives in memory only, never on disk; the refresh token and
// the principal it belongs to live where the app keeps its data (IndexedDB, store
// "ns-session"), so a reload or a spell offline does not sign anyone out. The access token is
// renewed a minute before it expires, and a call answered 401 is retried once after a
// refresh; each refresh replaces the refresh token, and the new one is kept at once. Pages
// and the service worker refresh one at a time (a Web Lock), each with the newest token, so
// that no refresh token is ever used twice (which would end the sign-in on the server).
//
// A refresh the server refuses (expired, revoked) leaves the person "lapsed": their drafts
// and outbox stay where they are, waiting, until they sign in again. Signing out ends the
// sign-in on the server and wipes the person's data from this device (see store.js).
//
//   requestCode(phone)                   citizen: POST /api/auth/otp (the code goes by SMS)
//   verifyCode(challenge, code)          citizen: POST /api/auth/otp/verify
//   signInWithPassword(phone, password)  staff: POST /api/auth/login
//   adopt(tokens)                        any sign-in answer
//   restore()                            the principal signed in on this device, or null
//   lapsed()                             the principal whose sign-in lapsed here, or null
//   personId()                           whose data the device holds now (signed in or lapsed)
//   authorized(url, init)                fetch with "Authorization: Bearer", refreshing once
//   signOut()                            POST /api/auth/logout, and forget everything here
import { createStore, get, set, del } from "idb-keyval";
import { SignInNeeded, refreshTimes } from "./tokens.js";

export { SignInNeeded };

const store = createStore("ns-session", "session");
const KEY = "current";
const LOCK = "ns-session-refresh";
let access = null; // {token, expires_at (ms), person}
let refreshing = null;
const listeners = new Set();

/** A failed call: `status`, the server's bilingual body (`body.fields` name the inputs) and
 * `retryAfter` (seconds, from a 429's Retry-After). */
export class ApiError extends Error {
  constructor(status, body, retryAfter = null) {
    super(body?.message_en || `HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.retryAfter = retryAfter;
  }
}

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  const answer = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const wait = Number(response.headers.get("Retry-After"));
    throw new ApiError(response.status, answer, Number.isFinite(wait) && wait > 0 ? wait : null);
  }
  return answer;
}

const saved = () => get(KEY, store).catch(() => null);

/** Call `listener(principal | null)` whenever someone signs in, lapses or signs out here. */
export function onSessionChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function changed(principal) {
  for (const listener of listeners) listener(principal);
}

/** Keep a sign-in or refresh answer; returns its principal. */
export async function adopt(tokens) {
  const times = refreshTimes(tokens.expires_in, Date.now());
  access = { token: tokens.access_token, expires_at: times.renew_at, person: tokens.principal.id };
  await set(KEY, {
    person: tokens.principal.id, refresh_token: tokens.refresh_token, principal: tokens.principal,
    saved_at: new Date().toISOString(),
  }, store);
  return tokens.principal;
}

/** Ask for a sign-in code for a phone: {challenge_id, expires_in, resend_after}; ApiError. */
export const requestCode = (phone) => post("/api/auth/otp", { phone });

/** Sign a citizen in with the code sent to their phone; rejects with an ApiError. */
export async function verifyCode(challengeId, code) {
  const principal = await adopt(await post("/api/auth/otp/verify", { challenge_id: challengeId, code }));
  changed(principal);
  return principal;
}

/** Sign a staff member in with their phone and password; rejects with an ApiError. */
export async function signInWithPassword(phone, password) {
  const principal = await adopt(await post("/api/auth/login", { phone, password }));
  changed(principal);
  return principal;
}

/** The principal signed in on this device ({role, id, phone, ...}), or null. */
export async function restore() {
  const current = await saved();
  return current?.refresh_token ? current.principal : null;
}

/** The principal whose sign-in lapsed on this device (their data still waits here), or null. */
export async function lapsed() {
  const current = await saved();
  return current && !current.refresh_token ? current.principal : null;
}

/** Whose data this device holds now: the signed-in (or lapsed) person's id, or null. */
export async function personId() {
  return (await saved())?.person || null;
}

/** The refresh was refused: keep whose data this is, drop the token (it no longer works). */
async function lapse() {
  access = null;
  const current = await saved();
  if (current?.refresh_token) await set(KEY, { ...current, refresh_token: null }, store);
  changed(null);
}

async function locked(work) {
  if (typeof navigator !== "undefined" && navigator.locks) return navigator.locks.request(LOCK, work);
  return work();
}

async function refresh() {
  refreshing ||= locked(async () => {
    const current = await saved(); // the newest token: another page or the worker may have rotated it
    if (!current?.refresh_token) throw new SignInNeeded();
    try {
      return await adopt(await post("/api/auth/refresh", { refresh_token: current.refresh_token }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        await lapse();
        throw new SignInNeeded();
      }
      throw error;
    }
  }).finally(() => { refreshing = null; });
  return refreshing;
}

/**
 * fetch() as the signed-in person; the access token is renewed when due, and a 401 is
 * retried once after a refresh. Rejects with SignInNeeded when no one is signed in (or the
 * server refused the refresh token), and with a TypeError when offline.
 */
export async function authorized(url, init = {}) {
  const person = await personId();
  if (!access || access.person !== person || access.expires_at <= Date.now()) await refresh();
  const call = () => fetch(url, { ...init, headers: { ...(init.headers || {}), Authorization: `Bearer ${access.token}` } });
  let response = await call();
  if (response.status === 401) {
    await refresh();
    response = await call();
    if (response.status === 401) {
      await lapse();
      throw new SignInNeeded();
    }
  }
  return response;
}

/**
 * Sign out: the server ends the sign-in (if it can be reached), `wipe(personId)` removes the
 * person's data from this device, then the session itself is forgotten.
 */
export async function signOut(wipe) {
  const current = await saved();
  access = null;
  if (wipe) await wipe(current?.person || null);
  await del(KEY, store).catch(() => {});
  if (current?.refresh_token) await post("/api/auth/logout", { refresh_token: current.refresh_token }).catch(() => {});
  changed(null);
}
