// The arithmetic of a sign-in, kept apart so it can be tested without a browser: when an
// access token is renewed, how a wait (Retry-After) is said, and the phone as it is typed.

/** No one is signed in here, or the server refused the refresh token: sign in (again). */
export class SignInNeeded extends Error {
  constructor() {
    super("sign in needed");
    this.name = "SignInNeeded";
  }
}

const EARLY_SECONDS = 60; // renew a minute before the token expires...

/**
 * When to renew an access token valid `expiresIn` seconds from `now` (ms): {renew_at} (ms),
 * a minute early, or half-way for a token that short-lived.
 */
export function refreshTimes(expiresIn, now) {
  const seconds = Math.max(0, Number(expiresIn) || 0);
  const lead = seconds > 2 * EARLY_SECONDS ? EARLY_SECONDS : seconds / 2;
  return { renew_at: now + (seconds - lead) * 1000 };
}

/** A wait of `seconds` as whole minutes, rounded up (at least 1). */
export const waitMinutes = (seconds) => Math.max(1, Math.ceil((Number(seconds) || 0) / 60));

/** "+8801712345678" (as the server names a principal's phone) as typed: "01712345678". */
export const localPhone = (e164) => (typeof e164 === "string" && /^\+8801[3-9][0-9]{8}$/.test(e164) ? e164.slice(3) : "");

/** Seconds left until `until` (ms) at `now` (ms), never below 0. */
export const secondsLeft = (until, now) => Math.max(0, Math.ceil((until - now) / 1000));
