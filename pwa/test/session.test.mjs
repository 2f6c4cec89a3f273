// The session and the outbox together, against an in-memory IndexedDB and a fake server:
// the refresh token is replaced at every refresh (and the new one kept), a 401 is retried
// once after a refresh, a refused refresh token leaves the outbox waiting (never dropped)
// until the person signs in again, and signing out wipes what was theirs.
import "fake-indexeddb/auto";
import assert from "node:assert/strict";
import { test } from "node:test";

const server = { refreshTokens: new Set(), access: new Set(), calls: [], applications: 0, seq: 0, refuseAccess: false };
const json = (status, body, headers = {}) => new Response(body == null ? null : JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
const PRINCIPAL = { role: "citizen", id: "c-0123456789abcdef0123", phone: "+8801712345678" };

function issue() {
  server.seq += 1;
  const tokens = { access_token: `a${server.seq}`, refresh_token: `r${server.seq}`, expires_in: 900, principal: PRINCIPAL };
  server.access.add(tokens.access_token);
  server.refreshTokens.add(tokens.refresh_token);
  return tokens;
}

globalThis.fetch = async (url, init = {}) => {
  const body = init.body ? JSON.parse(init.body) : null;
  const auth = (init.headers?.Authorization || "").replace("Bearer ", "");
  server.calls.push(`${init.method || "GET"} ${url}`);
  if (url === "/api/auth/otp/verify") return json(200, issue());
  if (url === "/api/auth/refresh") {
    if (!server.refreshTokens.delete(body.refresh_token)) return json(401, { code: "session_ended", message_bn: "…", message_en: "…" });
    return json(200, issue());
  }
  if (url === "/api/auth/logout") {
    server.refreshTokens.clear();
    return new Response(null, { status: 204 });
  }
  if (url === "/api/applications") {
    if (server.refuseAccess || !server.access.has(auth)) return json(401, { code: "sign_in_required" });
    server.applications += 1;
    return json(201, { tracking_id: `100000000000000${server.applications}`, status: "submitted" });
  }
  throw new TypeError("offline");
};

const session = await import("../src/session.js");
const store = await import("../src/store.js");
const { entryFor, flush } = await import("../src/outbox.js");

const entry = () => entryFor({ service_id: "online-gd-lost-item", applicant: { name: "রহিম", phone: "01712345678" }, form: {} }, { bn: "জিডি" });
const storedRefresh = async () => {
  const { createStore, get } = await import("idb-keyval");
  return (await get("current", createStore("ns-session", "session")))?.refresh_token;
};

test("signing in keeps the refresh token, and whose data it is by id, never the phone", async () => {
  await session.verifyCode("challenge", "123456");
  assert.equal(await session.personId(), PRINCIPAL.id);
  assert.equal(await storedRefresh(), "r1");
  assert.deepEqual(await session.restore(), PRINCIPAL);
});

test("a 401 is retried once after a refresh, and the new refresh token is kept", async () => {
  server.access.clear(); // the access token in memory no longer works
  await store.outbox.put(entry());
  const report = await flush();
  assert.equal(report.pending, 0);
  assert.equal(server.applications, 1);
  assert.equal(await storedRefresh(), "r2");
  assert.ok(!server.refreshTokens.has("r1"));
  assert.deepEqual(server.calls.slice(-3), ["POST /api/applications", "POST /api/auth/refresh", "POST /api/applications"]);
});

test("a refused refresh token leaves the entry waiting and asks for a sign-in", async () => {
  server.access.clear();
  server.refreshTokens.clear(); // ended elsewhere
  const waiting = entry();
  await store.outbox.put(waiting);
  const report = await flush();
  assert.equal(report.sign_in, true);
  assert.equal(report.pending, 1);
  assert.equal(server.applications, 1);
  assert.deepEqual(await store.outbox.get(waiting.key), waiting); // untouched
  assert.equal(await session.restore(), null);
  assert.deepEqual(await session.lapsed(), PRINCIPAL);
  assert.equal(await session.personId(), PRINCIPAL.id); // still theirs, waiting
});

test("after signing in again the entry is sent, once", async () => {
  await session.verifyCode("challenge", "654321");
  const report = await flush();
  assert.equal(report.pending, 0);
  assert.equal(server.applications, 2);
  assert.equal((await flush()).pending, 0);
  assert.equal(server.applications, 2);
  assert.equal((await store.applications.all()).length, 2);
});

test("drafts made before signing in become the person's; signing out wipes everything", async () => {
  await session.signOut(store.wipe);
  assert.equal(await session.personId(), null);
  await store.drafts.put("online-gd-lost-item", { values: { "form.nid": "1234567890" } });
  await session.verifyCode("challenge", "111111");
  await store.adoptGuest(PRINCIPAL.id);
  assert.equal((await store.drafts.get("online-gd-lost-item")).values["form.nid"], "1234567890");
  await store.outbox.put(entry());
  await session.signOut(store.wipe);
  assert.equal(await session.personId(), null);
  assert.equal(await store.drafts.count(), 0);
  await session.verifyCode("challenge", "222222");
  assert.equal(await store.drafts.count(), 0);
  assert.deepEqual(await store.outbox.all(), []);
  assert.deepEqual(await store.applications.all(), []);
});

test("a centre's queue is the signed-in person's, in the order begun, and signing out wipes it", async () => {
  await session.signOut(store.wipe);
  assert.deepEqual(await store.queue.all(), []);
  await assert.rejects(store.queue.put({ id: "q0" })); // nothing is kept for no one
  await session.verifyCode("challenge", "333333");
  await store.queue.put({ id: "q2", created_at: "2026-12-01T09:00:00Z", name: "আমেনা বেগম" });
  await store.queue.put({ id: "q1", created_at: "2026-12-01T08:00:00Z", name: "করিম শেখ" });
  assert.deepEqual((await store.queue.all()).map((item) => item.id), ["q1", "q2"]);
  await store.queue.remove("q1");
  assert.equal(await store.queue.get("q1"), undefined);
  await store.applications.put({ tracking_id: "1000000000000009", saved_at: "2026-12-01T09:01:00Z" });
  await store.applications.remove("1000000000000009");
  assert.equal(await store.applications.get("1000000000000009"), undefined);
  await session.signOut(store.wipe);
  await session.verifyCode("challenge", "444444");
  assert.deepEqual(await store.queue.all(), []);
});
