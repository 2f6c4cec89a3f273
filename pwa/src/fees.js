// What an application costs for the answers given, as the server computes it
// (backend/chalicelib/domain/fees.py): the first fee rule whose conditions hold names the
// rows that apply; a row's amount is fixed, unknown (null) or computed from an answer.
// Money is counted in poisha (integers). Tested on schemas/examples/fees.json (pwa/test/).
import { allOf, answer, fieldsNamed, isAbsent, measured } from "./conditions.js";

/** Taka as written in a service file (12.5) in poisha (1250); null stays null. */
export const toPoisha = (amount) => (amount === null || amount === undefined ? null : Math.round(amount * 100));

/** A computed amount: the quantity counted band by band, then the minimum and maximum (null while unanswered). */
export function computedPoisha(compute, form, today) {
  const quantity = measured(compute.quantity, form, today);
  if (typeof quantity !== "number" || quantity < 0) return null;
  let lower = 0;
  let total = 0;
  for (const band of compute.bands) {
    const upper = band.up_to ?? null;
    const portion = Math.max(0, (upper === null ? quantity : Math.min(quantity, upper)) - lower);
    const units = band.round === "up" ? Math.ceil(portion / band.per) : Math.floor(portion / band.per);
    total += units * toPoisha(band.amount_bdt);
    if (upper === null) break;
    lower = upper;
  }
  if (compute.minimum_bdt != null) total = Math.max(total, toPoisha(compute.minimum_bdt));
  if (compute.maximum_bdt != null) total = Math.min(total, toPoisha(compute.maximum_bdt));
  return total;
}

function line(row, form, today) {
  return {
    row: row.id,
    label: row.label,
    amount_poisha: row.compute ? computedPoisha(row.compute, form, today) : toPoisha(row.amount_bdt),
    includes_vat: Boolean(row.includes_vat),
  };
}

/**
 * The fee for a form's answers on `today` (YYYY-MM-DD, Dhaka):
 * {lines: [{row, label, amount_poisha|null, includes_vat}], total_poisha|null, confirmed,
 *  service_charge_cap_poisha|null, service_charge_cap_confirmed, awaiting: [field paths the rules need],
 *  note: the matching rule's {bn, en} explanation or null}.
 */
export function quote(service, form, today) {
  const fees = service.fees;
  const rows = new Map(fees.government.map((row) => [row.id, row]));
  const rules = fees.rules || [];
  const chosen = rules.find((rule) => allOf(rule.when || [], form || {}, today) === true);
  const lines = chosen ? chosen.rows.map((id) => line(rows.get(id), form || {}, today)) : [];
  const known = lines.length > 0 && lines.every((item) => item.amount_poisha !== null);
  const awaiting = chosen ? [] : [...new Set(rules.flatMap((rule) => fieldsNamed(rule.when)))]
    .filter((name) => !name.includes("*") && isAbsent(answer(form || {}, name)));
  return {
    lines,
    total_poisha: known ? lines.reduce((sum, item) => sum + item.amount_poisha, 0) : null,
    confirmed: Boolean(fees.confirmed),
    service_charge_cap_poisha: toPoisha(fees.service_charge?.cap_bdt),
    service_charge_cap_confirmed: Boolean(fees.service_charge?.confirmed),
    awaiting,
    note: chosen?.note || null,
  };
}

/** The time limit in working days for these answers: the chosen option's own where set (sla.by_option). */
export function workingDaysFor(service, form) {
  const byOption = service.sla?.by_option;
  const chosen = byOption ? form?.[byOption.field] : undefined;
  const days = chosen === undefined || chosen === null ? undefined : byOption.working_days[String(chosen)];
  return days ?? service.sla?.working_days ?? null;
}
