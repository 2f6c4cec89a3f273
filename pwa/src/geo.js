// Bangladesh's administrative areas for the address picker, loaded only when a form with
// an address opens: divisions, districts and upazilas in one small file, each district's
// unions in its own file (fetched when that district is chosen).
import { GEO_URL } from "build-info";

let top = null;
const unions = new Map();

/** {division, district, upazila: [[id, parent_id, bn, en]], unions: {district_id: url}}. */
export function loadGeo() {
  top ||= fetch(GEO_URL).then((response) => {
    if (!response.ok) throw new Error(`geo ${response.status}`);
    return response.json();
  }).catch((error) => {
    top = null;
    throw error;
  });
  return top;
}

/** The unions of one district ([[id, upazila_id, bn, en]]); rejects when offline and not yet seen. */
export async function unionsOf(districtId) {
  const geo = await loadGeo();
  const url = geo.unions[districtId];
  if (!url) return [];
  if (!unions.has(districtId)) {
    unions.set(districtId, fetch(url).then((response) => {
      if (!response.ok) throw new Error(`unions ${response.status}`);
      return response.json();
    }).catch((error) => {
      unions.delete(districtId);
      throw error;
    }));
  }
  return unions.get(districtId);
}
