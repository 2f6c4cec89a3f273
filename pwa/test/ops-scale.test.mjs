// The map's shades: the busiest district is always darkest; the legend's steps cover every count.
import assert from "node:assert/strict";
import { test } from "node:test";
import { breaks, shade } from "../src/views/ops-scale.js";

test("every count falls in the shade whose range the legend gives", () => {
  for (const max of [1, 2, 3, 4, 5, 7, 10, 99, 1234]) {
    const limits = breaks(max);
    assert.equal(shade(max, limits), 4, `max ${max}`);
    assert.equal(shade(0, limits), 0);
    for (let count = 1; count <= Math.min(max, 200); count += 1) {
      const index = shade(count, limits);
      assert.ok(count > limits[index - 1] && count <= limits[index], `${count} of ${max}`);
    }
  }
});
