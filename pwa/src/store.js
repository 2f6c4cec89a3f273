// What the app keeps on the device, in IndexedDB: drafts (one per service), the outbox
// (applications waiting to be sent, each with its idempotency key) and the person's
// applications as last seen (so their status shows offline); on a centre's tablet, the
// day's queue of citizens the entrepreneur is applying for (`queue`, see views/centre.js).
//
// Everything belongs to one person: the stores of a signed-in (or lapsed) citizen are named
// by their id (never by their phone: `ns-drafts~c-…`); before anyone signs in, drafts are the
// device's own (`ns-drafts`) and become the person's when they sign in. Signing out wipes
// the person's stores and the device's own drafts (`wipe`).
import { clear, createStore, del, entries, get, set, values } from "idb-keyval";
import { personId } from "./session.js";

const stores = {};
const open = (name) => (stores[name] ||= createStore(name, name.split("~")[0].slice(3)));
const GUEST = (kind) => `ns-${kind}`;
const named = (kind, person) => (person ? `ns-${kind}~${person}` : GUEST(kind));
const store = async (kind) => open(named(kind, await personId()));

export const drafts = {
  get: async (serviceId) => get(serviceId, await store("drafts")),
  put: async (serviceId, draft) => set(serviceId, draft, await store("drafts")),
  remove: async (serviceId) => del(serviceId, await store("drafts")),
  count: async () => (await values(await store("drafts"))).length,
};

/** The outbox of whoever is signed in; nothing before anyone is (submitting needs a sign-in). */
export const outbox = {
  get: async (key) => get(key, await store("outbox")),
  put: async (entry) => set(entry.key, entry, await store("outbox")),
  remove: async (key) => del(key, await store("outbox")),
  all: async () => (await values(await store("outbox"))).sort((a, b) => (a.created_at < b.created_at ? -1 : 1)),
};

export const applications = {
  get: async (trackingId) => ((await personId()) ? get(trackingId, await store("applications")) : undefined),
  put: async (record) => {
    if (await personId()) await set(record.tracking_id, record, await store("applications"));
  },
  all: async () => ((await personId()) ? (await values(await store("applications"))).sort((a, b) => (a.saved_at < b.saved_at ? 1 : -1)) : []),
  remove: async (trackingId) => {
    if (await personId()) await del(trackingId, await store("applications"));
  },
};

/** A centre's tablet: the citizens being served today, one item each (signed-in staff only). */
export const queue = {
  get: async (id) => ((await personId()) ? get(id, await store("centre")) : undefined),
  put: async (item) => {
    if (!(await personId())) throw new Error("no one is signed in");
    await set(item.id, item, await store("centre"));
  },
  remove: async (id) => {
    if (await personId()) await del(id, await store("centre"));
  },
  all: async () => ((await personId()) ? (await values(await store("centre"))).sort((a, b) => (a.created_at < b.created_at ? -1 : 1)) : []),
};

/**
 * What was made on this device before signing in becomes the signed-in person's: drafts
 * (theirs are kept where both exist) and any outbox entry an older version of the app left
 * unnamed (sent as them from now on; one that is not theirs comes back to be corrected).
 */
export async function adoptGuest(person) {
  for (const kind of ["drafts", "outbox"]) {
    const guest = open(GUEST(kind));
    const mine = open(named(kind, person));
    for (const [key, value] of await entries(guest)) {
      if (!(await get(key, mine))) await set(key, value, mine);
    }
    await clear(guest);
  }
}

/** Remove a person's drafts, outbox, applications and centre queue (and the device's own drafts). */
export async function wipe(person) {
  const kinds = ["drafts", "outbox", "applications", "centre"];
  // the device's own stores too (older versions of the app kept every store unnamed)
  for (const name of [...kinds.map(GUEST), ...(person ? kinds.map((kind) => named(kind, person)) : [])]) await clear(open(name));
}
