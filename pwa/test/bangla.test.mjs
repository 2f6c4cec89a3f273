// The revised (2019) Bangla calendar, digits and Bangladesh time.
import assert from "node:assert/strict";
import { test } from "node:test";
import { dhakaDay, formatMoment, toAsciiDigits, toBanglaDate, toBanglaDigits, todayDhaka } from "../src/bangla.js";
import bn from "../i18n/bn.json" with { type: "json" };
import en from "../i18n/en.json" with { type: "json" };

test("the anchors of the revised calendar", () => {
  assert.deepEqual(toBanglaDate(2026, 2, 21), { year: 1432, month: 11, day: 8 }); // 8 Falgun
  assert.deepEqual(toBanglaDate(2026, 3, 26), { year: 1432, month: 12, day: 12 }); // 12 Chaitra
  assert.deepEqual(toBanglaDate(2025, 12, 16), { year: 1432, month: 9, day: 1 }); // 1 Poush
  assert.deepEqual(toBanglaDate(2026, 4, 14), { year: 1433, month: 1, day: 1 }); // 1 Boishakh
  assert.deepEqual(toBanglaDate(2026, 4, 13), { year: 1432, month: 12, day: 30 }); // the last of Chaitra
});

test("Falgun has 30 days when its February is in a leap year", () => {
  assert.deepEqual(toBanglaDate(2024, 3, 14), { year: 1430, month: 11, day: 30 });
  assert.deepEqual(toBanglaDate(2024, 3, 15), { year: 1430, month: 12, day: 1 });
  assert.deepEqual(toBanglaDate(2025, 3, 14), { year: 1431, month: 11, day: 29 });
  assert.deepEqual(toBanglaDate(2025, 3, 15), { year: 1431, month: 12, day: 1 }); // 1 Chaitra is always 15 March
  assert.deepEqual(toBanglaDate(2024, 2, 21), { year: 1430, month: 11, day: 8 }); // still 8 Falgun
});

test("digits both ways", () => {
  assert.equal(toBanglaDigits("1226-1128"), "১২২৬-১১২৮");
  assert.equal(toAsciiDigits("০১৭১২৩৪৫৬৭৮"), "01712345678");
});

test("01:00 in Dhaka belongs to that Dhaka day, not the UTC one", () => {
  assert.deepEqual(dhakaDay("2026-02-20T19:00:00Z"), { year: 2026, month: 2, day: 21, hour: 1, minute: 0 });
  assert.equal(todayDhaka(Date.parse("2026-12-31T18:30:00Z")), "2027-01-01");
});

test("a moment in both calendars, in Bangla and in English", () => {
  assert.deepEqual(formatMoment("2026-02-21T04:30:00Z", bn), { gregorian: "২১ ফেব্রুয়ারি ২০২৬", bangla: "৮ ফাল্গুন ১৪৩২", time: "১০:৩০" });
  assert.deepEqual(formatMoment("2026-02-21T04:30:00Z", en), { gregorian: "21 February 2026", bangla: "8 Falgun 1432", time: "10:30" });
});
