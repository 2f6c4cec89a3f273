// Bangla digits, Bangladesh time and the revised (2019) Bangla calendar.
// Boishakh to Ashwin have 31 days, Kartik to Magh and Chaitra 30, Falgun 29 or 30
// (30 when the Gregorian year it falls in is a leap year); 1 Boishakh is 14 April.
// The npm package date-bengali-revised still follows the pre-2019 rules, so this is
// written here and tested against the server's implementation (backend/chalicelib/domain/bangla.py).

const BN_DIGITS = "০১২৩৪৫৬৭৮৯";
const DAY_MS = 86400000;
const DHAKA_OFFSET_MS = 6 * 3600000; // Asia/Dhaka, no daylight saving since 2009

/** Bangla digits to ASCII; everything else unchanged. */
export const toAsciiDigits = (text) => String(text).replace(/[০-৯]/g, (c) => String(BN_DIGITS.indexOf(c)));

/** ASCII digits to Bangla; everything else unchanged. */
export const toBanglaDigits = (value) => String(value).replace(/[0-9]/g, (c) => BN_DIGITS[c]);

const isLeap = (year) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const utcDay = (year, month, day) => Date.UTC(year, month - 1, day) / DAY_MS;

function monthLengths(falgunLeap) {
  return [31, 31, 31, 31, 31, 31, 30, 30, 30, 30, falgunLeap ? 30 : 29, 30];
}

/** {year, month (1 = Boishakh), day} of a Gregorian date in the revised Bangla calendar. */
export function toBanglaDate(year, month, day) {
  const startYear = month > 4 || (month === 4 && day >= 14) ? year : year - 1;
  let offset = utcDay(year, month, day) - utcDay(startYear, 4, 14);
  const lengths = monthLengths(isLeap(startYear + 1));
  let index = 0;
  while (offset >= lengths[index]) {
    offset -= lengths[index];
    index += 1;
  }
  return { year: startYear - 593, month: index + 1, day: offset + 1 };
}

/** {year, month, day} of the Bangladesh calendar day a moment (ISO text, Date or ms) falls on. */
export function dhakaDay(moment) {
  const shifted = new Date(new Date(moment).getTime() + DHAKA_OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
  };
}

const pad = (n) => String(n).padStart(2, "0");

/** Today in Bangladesh as YYYY-MM-DD (what "today" means for every date check). */
export function todayDhaka(now = Date.now()) {
  const { year, month, day } = dhakaDay(now);
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** YYYY-MM-DD `days` after the given YYYY-MM-DD. */
export function addDays(iso, days) {
  const [y, m, d] = iso.split("-").map(Number);
  const moved = new Date((utcDay(y, m, d) + days) * DAY_MS);
  return `${moved.getUTCFullYear()}-${pad(moved.getUTCMonth() + 1)}-${pad(moved.getUTCDate())}`;
}

/**
 * A day written in both calendars with the words of `strings` (bn.json or en.json):
 * {gregorian: "২১ ফেব্রুয়ারি ২০২৬", bangla: "৮ ফাল্গুন ১৪৩২"}.
 */
export function formatDay({ year, month, day }, strings) {
  const digits = strings.digits === "bn" ? toBanglaDigits : String;
  const bangla = toBanglaDate(year, month, day);
  return {
    gregorian: `${digits(day)} ${strings.months[month - 1]} ${digits(year)}`,
    bangla: `${digits(bangla.day)} ${strings.bangla_months[bangla.month - 1]} ${digits(bangla.year)}`,
  };
}

/** A moment as a person in Bangladesh reads it: both calendars and the clock (24 h). */
export function formatMoment(moment, strings) {
  const local = dhakaDay(moment);
  const digits = strings.digits === "bn" ? toBanglaDigits : String;
  return { ...formatDay(local, strings), time: digits(`${pad(local.hour)}:${pad(local.minute)}`) };
}
