// The arithmetic of a sign-in (tokens.js) and what an answer to a submission means for its
// outbox entry (outbox.js): renewing before expiry, waits said in whole minutes, the phone
// as typed, and which answers make an entry wait for a new sign-in rather than be dropped.
import assert from "node:assert/strict";
import { test } from "node:test";
import { localPhone, refreshTimes, secondsLeft, SignInNeeded, waitMinutes } from "../src/tokens.js";
import { outcomeOf } from "../src/outbox.js";

test("an access token is renewed a minute before it expires", () => {
  const now = 1_000_000;
  assert.equal(refreshTimes(900, now).renew_at, now + 840_000);
});

test("a token too short-lived for that is renewed half-way", () => {
  assert.equal(refreshTimes(60, 0).renew_at, 30_000);
  assert.equal(refreshTimes(0, 5).renew_at, 5);
  assert.equal(refreshTimes("nonsense", 5).renew_at, 5);
});

test("a wait is said in whole minutes, rounded up, never zero", () => {
  assert.equal(waitMinutes(900), 15);
  assert.equal(waitMinutes(61), 2);
  assert.equal(waitMinutes(1), 1);
  assert.equal(waitMinutes(null), 1);
});

test("the countdown counts whole seconds down to zero", () => {
  assert.equal(secondsLeft(60_000, 0), 60);
  assert.equal(secondsLeft(60_000, 59_001), 1);
  assert.equal(secondsLeft(60_000, 61_000), 0);
});

test("a principal's phone is shown as it is typed; anything else as nothing", () => {
  assert.equal(localPhone("+8801712345678"), "01712345678");
  assert.equal(localPhone("01712345678"), "");
  assert.equal(localPhone("+8801212345678"), "");
  assert.equal(localPhone(undefined), "");
});

test("a refused sign-in is an error of its own kind", () => {
  assert.ok(new SignInNeeded() instanceof Error);
  assert.equal(new SignInNeeded().name, "SignInNeeded");
});

test("answers to a submission: sent, wait for a sign-in, try later, or correct it", () => {
  assert.equal(outcomeOf(201, { tracking_id: "1" }), "sent");
  assert.equal(outcomeOf(200, { tracking_id: "1" }), "sent");
  assert.equal(outcomeOf(401, { code: "sign_in_required" }), "sign_in");
  assert.equal(outcomeOf(401, null), "sign_in");
  assert.equal(outcomeOf(503, { code: "service_unavailable" }), "pending");
  assert.equal(outcomeOf(429, { code: "too_many_requests" }), "pending");
  assert.equal(outcomeOf(409, { code: "request_in_progress" }), "pending");
  assert.equal(outcomeOf(502, null), "pending");
  assert.equal(outcomeOf(200, null), "pending"); // an answer that is not one: sent again later
  assert.equal(outcomeOf(422, { code: "validation_failed", fields: [] }), "invalid");
  assert.equal(outcomeOf(409, { code: "idempotency_conflict" }), "invalid");
});
