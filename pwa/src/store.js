// What the app keeps on the device, in IndexedDB: drafts (one per service), the outbox
// (applications waiting to be sent, each with its idempotency key) and the applications
// this device has made (so their tracking ids survive a closed tab).
import { createStore, del, get, set, values } from "idb-keyval";

const stores = {};
const store = (name) => (stores[name] ||= createStore(`ns-${name}`, name));

export const drafts = {
  get: (serviceId) => get(serviceId, store("drafts")),
  put: (serviceId, draft) => set(serviceId, draft, store("drafts")),
  remove: (serviceId) => del(serviceId, store("drafts")),
};

export const outbox = {
  get: (key) => get(key, store("outbox")),
  put: (entry) => set(entry.key, entry, store("outbox")),
  remove: (key) => del(key, store("outbox")),
  all: async () => (await values(store("outbox"))).sort((a, b) => (a.created_at < b.created_at ? -1 : 1)),
};

export const applications = {
  get: (trackingId) => get(trackingId, store("applications")),
  put: (record) => set(record.tracking_id, record, store("applications")),
  all: async () => (await values(store("applications"))).sort((a, b) => (a.saved_at < b.saved_at ? 1 : -1)),
};
