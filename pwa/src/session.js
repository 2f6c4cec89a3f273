// Who is signed in on this device, and the calls made as them.
//
// The access token (15 minutes) lives in memory only, never on disk; the refresh token and
// the principal it belongs to live where the app keeps its data (IndexedDB, store
// "ns-session"), so a reload or a spell offline does not sign anyone out. A call answered
// 401 is retried once after a refresh (which replaces the refresh token); a refresh the
// server refuses ends the session on this device.
//
//   signInWithPassword(phone, password)  staff: POST /api/auth/login
//   adopt(tokens)                        any sign-in answer (the citizen's code sign-in too)
//   restore()                            the principal kept on this device, or null
//   authorized(url, init)                fetch with "Authorization: Bearer", refreshing once
//   signOut()                            POST /api/auth/logout, and forget everything here
import { createStore, del, get, set } from "idb-keyval";

const store = createStore("ns-session", "session");
const KEY = "current";
let access = null; // {token, expires_at (ms)}
let refreshing = null;

/** A failed call: `status` and the server's bilingual body (`body.fields` name the inputs). */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message_en || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}

/** Keep a sign-in or refresh answer; returns its principal. */
export async function adopt(tokens) {
  access = { token: tokens.access_token, expires_at: Date.now() + (tokens.expires_in - 30) * 1000 };
  await set(KEY, { refresh_token: tokens.refresh_token, principal: tokens.principal, saved_at: new Date().toISOString() }, store);
  return tokens.principal;
}

/** Sign a staff member in with their phone and password; rejects with an ApiError. */
export async function signInWithPassword(phone, password) {
  return adopt(await post("/api/auth/login", { phone, password }));
}

/** The principal signed in on this device ({role, id, ...}), or null. */
export async function restore() {
  const saved = await get(KEY, store).catch(() => null);
  return saved?.principal || null;
}

/** Forget the session on this device (the server's sign-in is left to expire). */
async function forget() {
  access = null;
  await del(KEY, store).catch(() => {});
}

async function refresh() {
  refreshing ||= (async () => {
    const saved = await get(KEY, store);
    if (!saved?.refresh_token) throw new ApiError(401, null);
    try {
      return await adopt(await post("/api/auth/refresh", { refresh_token: saved.refresh_token }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) await forget();
      throw error;
    }
  })().finally(() => { refreshing = null; });
  return refreshing;
}

/** fetch() as the signed-in person; a 401 is retried once after refreshing the tokens. */
export async function authorized(url, init = {}) {
  if (!access || access.expires_at <= Date.now()) await refresh();
  const call = () => fetch(url, { ...init, headers: { ...(init.headers || {}), Authorization: `Bearer ${access.token}` } });
  let response = await call();
  if (response.status === 401) {
    await refresh();
    response = await call();
  }
  return response;
}

/** Sign out: the server ends the sign-in (if it can be reached) and this device forgets it. */
export async function signOut() {
  const saved = await get(KEY, store).catch(() => null);
  await forget();
  if (saved?.refresh_token) await post("/api/auth/logout", { refresh_token: saved.refresh_token }).catch(() => {});
}
