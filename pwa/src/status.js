// Live status: while an application's page, or the list of this phone's applications, is on
// screen, the app asks the server how they stand, soon after opening and then less and less
// often (2 s, 4 s, 8 s ... at most every 5 minutes), never while the page is hidden or the
// phone offline, and never for an application whose status can no longer change. A status
// that moves, the page coming back into view and the connection returning all start the
// backoff again from the shortest wait. Each record keeps when it was last checked.
import { authorized } from "./session.js";
import { applications } from "./store.js";

/** Statuses that never change again. */
export const FINAL = new Set(["rejected", "delivered", "cancelled"]);
export const DELAYS_MS = [2000, 4000, 8000, 15000, 30000, 60000, 120000, 300000];
const MOST_WATCHED = 10; // a list asks about its newest undecided ten

/** GET one application for its applicant's phone: {ok, body, cached} (cached: an old copy). */
export async function fetchApplication(id, phone) {
  const response = await fetch(`/api/applications/${id}?phone=${encodeURIComponent(phone)}`);
  const body = await response.json().catch(() => null);
  return { ok: response.ok, body, cached: response.headers.get("x-ns-cached") };
}

/** When a record's status was last known to be true: its last check, or when it was sent. */
export const checkedAt = (record) => record.checked_at || record.saved_at;

/**
 * Ask the server about one of the signed-in citizen's applications (as them: the answer is
 * theirs alone, kept in their own store). Returns the record updated (and
 * stored, with `checked_at`), or null when no fresh answer came (offline, an old copy, an error).
 */
export async function refresh(record) {
  let answer;
  try {
    const response = await authorized(`/api/me/applications/${record.tracking_id}`);
    answer = { ok: response.ok, body: await response.json().catch(() => null) };
  } catch {
    return null; // offline, or no one signed in (then there is nothing of theirs to ask about)
  }
  if (!answer.ok || !answer.body?.tracking_id) return null;
  const next = { ...record, view: answer.body, checked_at: new Date().toISOString() };
  await applications.put(next);
  return next;
}

const moved = (before, after) => before.view.status !== after.view.status
  || (before.view.history || []).length !== (after.view.history || []).length;

/** Watches some of this phone's applications while they are on screen; `stop()` when they leave. */
export class StatusWatch {
  /** @param records the records shown, @param onFresh(record, changed) after each fresh answer */
  constructor(records, onFresh) {
    this.records = new Map(records.filter((r) => !FINAL.has(r.view?.status)).slice(0, MOST_WATCHED).map((r) => [r.tracking_id, r]));
    this.onFresh = onFresh;
    this.step = 0;
    this.timer = null;
    this.busy = false;
    this.again = () => this.restart();
    this.pause = () => (document.visibilityState === "hidden" ? this.clear() : this.restart());
  }

  start() {
    if (!this.records.size) return this;
    document.addEventListener("visibilitychange", this.pause);
    window.addEventListener("online", this.again);
    this.schedule();
    return this;
  }

  stop() {
    this.stopped = true;
    this.clear();
    document.removeEventListener("visibilitychange", this.pause);
    window.removeEventListener("online", this.again);
  }

  clear() {
    clearTimeout(this.timer);
    this.timer = null;
  }

  restart() {
    this.step = 0;
    this.clear();
    this.schedule();
  }

  schedule() {
    if (this.stopped || this.timer || !this.records.size || document.visibilityState === "hidden") return;
    this.timer = setTimeout(() => this.tick(), DELAYS_MS[Math.min(this.step, DELAYS_MS.length - 1)]);
  }

  async tick() {
    this.timer = null;
    if (this.stopped || document.visibilityState === "hidden") return;
    if (!navigator.onLine || this.busy) return this.schedule(); // "online" restarts it
    this.busy = true;
    let changed = false;
    try {
      for (const record of [...this.records.values()]) {
        const next = await refresh(record);
        if (this.stopped) return;
        if (!next) continue;
        const moves = moved(record, next);
        changed ||= moves;
        if (FINAL.has(next.view.status)) this.records.delete(next.tracking_id);
        else this.records.set(next.tracking_id, next);
        this.onFresh(next, moves);
      }
    } finally {
      this.busy = false;
    }
    this.step = changed ? 0 : this.step + 1;
    this.schedule();
  }
}
