// The map's scale: five shades, from none to the busiest district's count.
/** The top of each shade for counts up to `max`: [0, max/4, max/2, 3max/4, max], whole
 * numbers, so the busiest district is always in the darkest shade. */
export function breaks(max) {
  return [0, 1, 2, 3, 4].map((quarter) => Math.floor((Math.max(0, max) * quarter) / 4));
}

/** The shade (0-4) of a count: 0 for none, then one of four equal steps. */
export function shade(count, limits) {
  if (!count) return 0;
  for (let index = 1; index < limits.length; index += 1) if (count <= limits[index]) return index;
  return limits.length - 1;
}
