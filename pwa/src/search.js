// Catalog search in the browser, offline: the server's ranking (backend/chalicelib/domain/
// search.py) step for step, so a query finds the same services in the same order either way
// (tests/unit/test_search.py runs both on one table of real queries, tests/search_queries.json).
//
// A query word matches a service's word as itself or its start ("জন্ম" finds "জন্মের"),
// joined or split ("জন্মনিবন্ধন" finds "জন্ম নিবন্ধন"), by its sound (consonants as heard,
// vowels left out: "jonmo nibondhon" finds "জন্ম নিবন্ধন", ি/ী or ন/ণ slips cost nothing), or
// with one consonant wrong in a longer word (a guess made only for a word found nowhere as typed). A title counts most, then keywords and the
// category, the agency, the summary least; a title the query covers entirely comes first.
// Fillers and equivalent spellings (NID = জাতীয় পরিচয়পত্র) come from schemas/search.json.
import { toAsciiDigits } from "./bangla.js";

const NFC = (text) => text.normalize("NFC");
const isAscii = (text) => /^[\x00-\x7f]*$/.test(text);

// --- folding ------------------------------------------------------------------------------

const JOINERS = /[\u200c\u200d\u00ad]/g;
const PUNCTUATION = /[^0-9a-z\u00c0-\u024f\u0980-\u09ff]+/g;
const SPELLINGS = [["license", "licence"], ["fertilizer", "fertiliser"], ["center", "centre"]];

/** Text as search compares it (lower case, ASCII digits, one form of each letter, single spaces). */
export function fold(text) {
  let out = NFC(toAsciiDigits(String(text))).toLowerCase().replace(JOINERS, "").replaceAll("\u09ce", "\u09a4\u09cd");
  for (const [variant, preferred] of SPELLINGS) out = out.replaceAll(variant, preferred);
  return out.replace(PUNCTUATION, " ").split(" ").filter(Boolean).join(" ");
}

const ENDINGS = ["গুলোর", "গুলো", "গুলি", "য়ের", "দের", "ের", "এর"].map(NFC);
const MIN_STEM = 2;
const PLURAL_MIN = 4;

/** A folded word without its ending: a Bangla case ending, or an English plural "s". */
export function stem(word) {
  if (isAscii(word)) {
    return word.length >= PLURAL_MIN && word.endsWith("s") && !word.endsWith("ss") ? word.slice(0, -1) : word;
  }
  for (const ending of ENDINGS) {
    if (word.endsWith(ending) && word.length - ending.length >= MIN_STEM) return word.slice(0, -ending.length);
  }
  return word;
}

// --- sound -------------------------------------------------------------------------------

const BN_VOWELS = new Set("অআইঈউঊএঐওঔ");
const BN_LETTERS = {};
for (const [letters, heard] of [["কখ", "k"], ["গঘ", "g"], ["চছ", "c"], ["জঝয", "j"], ["ঞ", "n"], ["টঠতথৎ", "t"],
  ["ডঢদধ", "d"], ["ণন", "n"], ["পফ", "p"], ["বভ", "b"], ["ম", "m"], ["রৰ", "r"], ["ল", "l"], ["শষস", "s"], ["হ", "h"],
  ["ংঙ", "ng"], ["ঋ", "r"], ["ৃ", "r"]]) {
  for (const letter of letters) BN_LETTERS[letter] = heard;
}
const BN_GROUPS = [["ক্ষ", "k"], ["জ্ঞ", "g"], ["্য", ""], ["্ব", ""], ["য়", "\u0985"], ["ড়", "র"], ["ঢ়", "র"]].map(([group, heard]) => [NFC(group), heard]);
const LATIN_GROUPS = [["ksh", "k"], ["sh", "s"], ["ch", "c"], ["kh", "k"], ["gh", "g"], ["th", "t"],
  ["dh", "d"], ["ph", "p"], ["bh", "b"], ["jh", "j"], ["rh", "r"]];
const LATIN_VOWELS = new Set("aeiouwy");
const LATIN_LETTERS = { q: "k", x: "ks", z: "j", f: "p", v: "b" };
const SOFT_C = new Set(["e", "i", "y"]);
const INITIAL_VOWEL = "a";

function collapse(heard) {
  let out = "";
  for (const char of heard) if (!out.endsWith(char)) out += char;
  return out;
}

function banglaSound(word) {
  for (const [group, heard] of BN_GROUPS) word = word.replaceAll(group, heard);
  let out = BN_VOWELS.has(word.slice(0, 1)) ? INITIAL_VOWEL : "";
  for (const char of word) {
    if (char in BN_LETTERS) out += BN_LETTERS[char];
    else if (/[0-9]/.test(char)) out += char;
  }
  return collapse(out);
}

function latinSound(word) {
  let out = "";
  if (word.slice(0, 1) === "y") {
    out += "j";
    word = word.slice(1);
  } else if (LATIN_VOWELS.has(word.slice(0, 1))) out += INITIAL_VOWEL;
  let index = 0;
  while (index < word.length) {
    const group = LATIN_GROUPS.find(([letters]) => word.startsWith(letters, index));
    if (group) {
      out += group[1];
      index += group[0].length;
      continue;
    }
    const char = word[index];
    if (char === "c") out += SOFT_C.has(word.charAt(index + 1)) ? "s" : "k";
    else if (char in LATIN_LETTERS) out += LATIN_LETTERS[char];
    else if (!LATIN_VOWELS.has(char) && /[a-z0-9]/.test(char)) out += char;
    index += 1;
  }
  return collapse(out);
}

/** How a folded word sounds: its consonants, heard alike in Bangla and Latin letters. */
export function sound(word) {
  if (!word) return "";
  return isAscii(word) ? latinSound(word) : banglaSound(word);
}

function typoDistance(a, b) {
  if (Math.abs(a.length - b.length) > 1) return 2;
  let previous2 = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i, ...new Array(b.length).fill(0)];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) current[j] = Math.min(current[j], previous2[j - 2] + 1);
    }
    previous2 = previous;
    previous = current;
  }
  return Math.min(previous[b.length], 2);
}

// --- matching one word -----------------------------------------------------------------------

const EXACT = 100;
const PREFIX = 90;
const JOINED = 85;
const JOINED_PREFIX = 80;
const SOUND = 70;
const SOUND_PREFIX = 60;
const SOUND_JOINED = 60;
const TYPO = 50;
const MIN_PREFIX = 3;
const MIN_SOUND = 2;
const MIN_SOUND_PREFIX = 3;
const MIN_TYPO = 4;
const MIN_LATIN_SOUND = 4;
const EQUIVALENT_SHARE = 9;
const LONGEST_JOIN = 3;

function sounds(...words) {
  const found = [];
  for (const word of words) {
    const heard = sound(word);
    if (heard.length >= MIN_SOUND && !found.includes(heard)) found.push(heard);
  }
  return found;
}

const wordCache = new Map();

/** A folded word as search compares it: {text (its stem), latin, sounds}. */
export function wordOf(raw) {
  let word = wordCache.get(raw);
  if (!word) {
    const stemmed = stem(raw);
    word = { text: stemmed, latin: isAscii(raw), sounds: sounds(stemmed, raw) };
    wordCache.set(raw, word);
  }
  return word;
}

const TITLE_WEIGHT = 10;
const KEYWORD_WEIGHT = 6;
const CATEGORY_WEIGHT = 6;
const AGENCY_WEIGHT = 4;
const SUMMARY_WEIGHT = 2;
const ID_WEIGHT = 1;

const fieldCache = new Map();

/** A piece of a service's text with its weight; only fields above a summary join words. */
export function fieldOf(kind, weight, text) {
  const key = `${kind}:${weight}:${text}`;
  let found = fieldCache.get(key);
  if (found) return found;
  const raw = fold(text).split(" ").filter(Boolean);
  const words = raw.map(wordOf);
  const joined = [];
  if (weight > SUMMARY_WEIGHT) {
    for (let start = 0; start < raw.length; start += 1) {
      for (let count = 2; count <= LONGEST_JOIN; count += 1) {
        if (start + count > raw.length) break;
        const head = words.slice(start, start + count - 1).map((word) => word.text).join("");
        const stems = head + words[start + count - 1].text;
        joined.push({ text: stems, latin: isAscii(stems), sounds: sounds(stems, head + raw[start + count - 1]), start, count, head: head.length });
      }
    }
  }
  found = { key, kind, weight, words, joined, strong: weight > SUMMARY_WEIGHT };
  fieldCache.set(key, found);
  return found;
}

function comparable(query, latin, shortest) {
  if (query.latin) return latin ? shortest >= MIN_LATIN_SOUND : true;
  return !latin;
}

function bySound(query, word, typos) {
  let best = 0;
  for (const heard of query.sounds) {
    for (const other of word.sounds) {
      if (!comparable(query, word.latin, Math.min(heard.length, other.length))) continue;
      if (heard === other) best = Math.max(best, SOUND);
      else if (heard.length >= MIN_SOUND_PREFIX && other.startsWith(heard) && heard.length * 3 >= other.length * 2) best = Math.max(best, SOUND_PREFIX);
      else if (typos && Math.min(heard.length, other.length) >= MIN_TYPO && typoDistance(heard, other) <= 1) best = Math.max(best, TYPO);
    }
  }
  return best;
}

const NO_MATCH = { quality: 0, covered: [] };

/**
 * The best match of one query word in a field: {quality, covered: [word indices]}; by its
 * letters only, or with typos too (asked only for a word found nowhere as typed).
 */
export function matchWord(query, target, byLetterOnly = false, typos = false) {
  const byTheSound = !byLetterOnly && target.strong;
  let best = NO_MATCH;
  const length = query.text.length;
  target.words.forEach((word, index) => {
    let quality;
    if (word.text === query.text) quality = EXACT;
    else if (length >= MIN_PREFIX && word.text.startsWith(query.text)) quality = PREFIX;
    else quality = byTheSound ? bySound(query, word, typos) : 0;
    if (quality > best.quality) best = { quality, covered: [index] };
  });
  for (const joined of target.joined) {
    let quality = 0;
    if (joined.text === query.text) quality = JOINED;
    else if (length > joined.head && joined.text.startsWith(query.text)) quality = JOINED_PREFIX;
    else if (byTheSound && query.sounds.some((heard) => joined.sounds.includes(heard) && comparable(query, joined.latin, heard.length))) quality = SOUND_JOINED;
    if (quality > best.quality) best = { quality, covered: Array.from({ length: joined.count }, (_, i) => joined.start + i) };
  }
  return best;
}

function matchPhrase(words, target) {
  const found = words.map((word) => matchWord(word, target, true));
  if (!found.length || found.some((item) => item.quality === 0)) return NO_MATCH;
  return { quality: Math.min(...found.map((item) => item.quality)), covered: found.flatMap((item) => item.covered) };
}

// --- the vocabulary -------------------------------------------------------------------------

/** The catalog index's `search` part: {fillers: Set of stems, equivalents: Map stem -> [[words]]}. */
export function vocabularyOf(raw = {}) {
  const fillers = new Set();
  for (const words of Object.values(raw?.fillers || {})) {
    for (const text of words) for (const word of fold(text).split(" ").filter(Boolean)) fillers.add(stem(word));
  }
  const equivalents = new Map();
  for (const group of raw?.equivalents || []) {
    const phrases = group.map(fold);
    for (const phrase of phrases) {
      if (phrase.includes(" ") || !phrase) continue;
      const others = phrases.filter((other) => other !== phrase).map((other) => other.split(" ").map(wordOf));
      equivalents.set(stem(phrase), [...(equivalents.get(stem(phrase)) || []), ...others]);
    }
  }
  return { fillers, equivalents };
}

// --- ranking ----------------------------------------------------------------------------------

const COVERAGE_POINTS = 1000;
const FULL_TITLE_POINTS = 3000;
const EXACT_TITLE_POINTS = 3000;
const EXACT_KEYWORD_POINTS = 2000;
const KEEP_TENTHS = 3;

/** What a search may match for one catalog entry (its category's and agency's names too). */
export function searchable(entry, { categoryTitle = [], agencyName = [], categoryOrder = 99 } = {}) {
  const keywords = entry.keywords || {};
  const fields = [
    fieldOf("title", TITLE_WEIGHT, entry.title.bn),
    fieldOf("title", TITLE_WEIGHT, entry.title.en),
    ...[...(keywords.bn || []), ...(keywords.en || [])].map((text) => fieldOf("keyword", KEYWORD_WEIGHT, text)),
    ...categoryTitle.filter(Boolean).map((text) => fieldOf("category", CATEGORY_WEIGHT, text)),
    ...agencyName.filter(Boolean).map((text) => fieldOf("agency", AGENCY_WEIGHT, text)),
    fieldOf("summary", SUMMARY_WEIGHT, entry.summary.bn),
    fieldOf("summary", SUMMARY_WEIGHT, entry.summary.en),
    fieldOf("id", ID_WEIGHT, String(entry.id).replaceAll("-", " ")),
  ];
  return { id: String(entry.id), order: [categoryOrder, String(entry.id)], fields };
}

function candidates(words, index, vocabulary) {
  const word = words[index];
  const known = vocabulary.equivalents.has(word.text);
  const found = [{ words: [word], byLetterOnly: known, share: 10, least: 1 }];
  for (const phrase of vocabulary.equivalents.get(word.text) || []) found.push({ words: phrase, byLetterOnly: true, share: EQUIVALENT_SHARE, least: 1 });
  for (const neighbour of [index - 1, index + 1]) {
    if (neighbour >= 0 && neighbour < words.length) {
      const first = words[Math.min(index, neighbour)];
      const second = words[Math.max(index, neighbour)];
      found.push({ words: [wordOf(first.text + second.text)], byLetterOnly: true, share: 10, least: JOINED_PREFIX });
    }
  }
  return found;
}

function makeQuery(words, vocabulary, typos = new Set()) {
  const all = words.map((_, index) => candidates(words, index, vocabulary));
  const seen = new Map();
  return {
    words,
    match(index, target) {
      const key = `${index} ${target.key}`;
      if (!seen.has(key)) {
        let best = NO_MATCH;
        for (const candidate of all[index]) {
          const found = candidate.words.length === 1 ? matchWord(candidate.words[0], target, candidate.byLetterOnly, typos.has(index)) : matchPhrase(candidate.words, target);
          const quality = Math.floor((found.quality * candidate.share) / 10);
          if (quality >= candidate.least && quality > best.quality) best = { quality, covered: found.covered };
        }
        seen.set(key, best);
      }
      return seen.get(key);
    },
  };
}

function significant(target, vocabulary) {
  return target.words.map((word, index) => [word, index])
    .filter(([word]) => word.text.length >= MIN_SOUND && !vocabulary.fillers.has(word.text)).map(([, index]) => index);
}

function exactTitle(target, indices, words) {
  const title = indices.map((index) => target.words[index].text).join("");
  const query = words.map((word) => word.text).join("");
  if (title === query) return true;
  const romanised = words.every((word) => word.latin) && !target.words.some((word) => word.latin);
  const heard = new Set(sounds(query));
  return romanised && sounds(title).some((item) => heard.has(item));
}

function points(service, query) {
  const scored = { service, points: [], strong: [], covered: new Map(), base: 0, bonus: 0 };
  query.words.forEach((_, index) => {
    let best = 0;
    let strong = false;
    service.fields.forEach((target, number) => {
      const found = query.match(index, target);
      if (!found.quality) return;
      if (target.kind === "title" && found.quality >= SOUND) {
        if (!scored.covered.has(number)) scored.covered.set(number, new Set());
        for (const item of found.covered) scored.covered.get(number).add(item);
      }
      best = Math.max(best, target.weight * found.quality);
      strong = strong || target.strong;
    });
    scored.points.push(best);
    scored.strong.push(strong);
  });
  return scored;
}

function bonus(scored, words, vocabulary) {
  let coverage = 0;
  let exact = 0;
  const query = words.map((word) => word.text).join("");
  scored.service.fields.forEach((target, number) => {
    if (target.kind === "title") {
      const indices = significant(target, vocabulary);
      if (!indices.length) return;
      const covered = scored.covered.get(number) || new Set();
      const hits = indices.filter((index) => covered.has(index)).length;
      coverage = Math.max(coverage, Math.floor((COVERAGE_POINTS * hits) / indices.length));
      if (exactTitle(target, indices, words)) exact = Math.max(exact, EXACT_TITLE_POINTS);
    } else if (target.kind === "keyword" && target.words.map((word) => word.text).join("") === query) {
      exact = Math.max(exact, EXACT_KEYWORD_POINTS);
    }
  });
  return exact + coverage + (coverage === COVERAGE_POINTS ? FULL_TITLE_POINTS : 0);
}

const byOrder = (a, b) => a.order[0] - b.order[0] || (a.order[1] < b.order[1] ? -1 : a.order[1] > b.order[1] ? 1 : 0);

/** The searchables matching `text`, best first; all of them in catalog order for no query. */
export function rank(services, text, vocabulary) {
  const words = fold(text).split(" ").filter(Boolean).map(wordOf);
  if (!words.length) return [...services].sort(byOrder);
  let query = makeQuery(words, vocabulary);
  let everything = services.map((service) => points(service, query));
  // a typo is guessed only for a word found nowhere as typed
  const unfound = new Set(words.map((_, index) => index).filter((index) => !everything.some((scored) => scored.points[index])));
  if (unfound.size) {
    query = makeQuery(words, vocabulary, unfound);
    everything = services.map((service) => points(service, query));
  }
  const known = words.map((_, index) => index).filter((index) => everything.some((scored) => scored.points[index]));
  const required = known.filter((index) => !vocabulary.fillers.has(words[index].text) && everything.some((scored) => scored.strong[index]));
  const weighed = required.length ? required : known;
  const found = everything.filter((scored) => required.every((index) => scored.points[index]) && known.some((index) => scored.points[index]));
  if (!found.length) return [];
  const keptWords = known.map((index) => words[index]);
  for (const scored of found) {
    scored.base = weighed.reduce((sum, index) => sum + scored.points[index], 0);
    scored.bonus = bonus(scored, keptWords, vocabulary) + known.filter((index) => !weighed.includes(index)).reduce((sum, index) => sum + scored.points[index], 0);
  }
  const best = Math.max(...found.map((scored) => scored.base));
  const kept = found.filter((scored) => scored.base * 10 >= best * KEEP_TENTHS);
  kept.sort((a, b) => (b.base + b.bonus) - (a.base + a.bonus) || byOrder(a.service, b.service));
  return kept.map((scored) => scored.service);
}
