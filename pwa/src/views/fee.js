// The fee for the answers given, shown in the form as they change: the rows the service's
// fee rules choose (src/fees.js, the server's own computation), their total in ৳, what is
// not known said plainly, what is not confirmed said as the service page says it, and the
// time limit for the option chosen where the service has one per option.
import { labelAt } from "../conditions.js";
import { quote, workingDaysFor } from "../fees.js";
import { digits, lang, pick, t } from "../i18n.js";
import { h } from "../vnode.js";

/** Poisha as ৳ in the language's digits: "৳ ৮,০৫০", "৳ ১,২৬২.৫০". */
export function taka(poisha) {
  const fraction = poisha % 100 === 0 ? 0 : 2;
  const format = new Intl.NumberFormat(lang() === "bn" ? "bn-BD" : "en-IN", { minimumFractionDigits: fraction, maximumFractionDigits: fraction });
  return `৳ ${format.format(poisha / 100)}`;
}

const amount = (poisha) => (poisha === null ? t("fee.unknown") : poisha === 0 ? t("service.free") : taka(poisha));

function total(found) {
  if (found.total_poisha === null) return h("p", { class: "fee-total" }, t("fee.total_unknown"));
  return h("p", { class: "fee-total" }, h("strong", null, t("fee.total")), " ",
    h("span", { class: "big" }, found.total_poisha === 0 ? t("service.free") : taka(found.total_poisha)));
}

function lines(found) {
  return h("dl", { class: "fees" }, found.lines.map((line) => [
    h("dt", null, pick(line.label)),
    h("dd", null, amount(line.amount_poisha), line.includes_vat && line.amount_poisha ? ` ${t("service.with_vat")}` : ""),
  ]));
}

/** Without a matching rule: which answers the fee waits for, or that it is not known. */
function pending(service, found) {
  if (found.awaiting.length) {
    const names = found.awaiting.map((path) => pick(labelAt(service.form, path))).join(", ");
    return h("p", null, t("fee.awaiting", { fields: names }));
  }
  return h("p", null, t("fee.not_known"), " ", h("a", { href: `/s/${service.id}#h-fees` }, t("fee.see_list")));
}

function timeLimit(service, form) {
  const byOption = service.sla?.by_option;
  if (!byOption || form[byOption.field] === undefined) return null;
  const days = workingDaysFor(service, form);
  return h("p", { class: "fee-sla" }, h("strong", null, t("fee.sla")), " ",
    days === 0 ? t("service.same_day") : t("service.working_days", { n: digits(days) }),
    service.sla.confirmed ? null : h("span", { class: "badge warn" }, t("service.not_confirmed")));
}

/** The fee box's content for the current answers (`form`: the form part of the body) on `today`. */
export function feeView(service, form, today) {
  const found = quote(service, form, today);
  return h("div", null,
    h("h2", { id: "fee-title" }, t("fee.title")),
    found.lines.length ? [lines(found), found.note ? h("p", { class: "note" }, pick(found.note)) : null, total(found)] : pending(service, found),
    found.lines.length && !found.confirmed ? h("p", { class: "badge warn" }, t("service.not_confirmed")) : null,
    timeLimit(service, form));
}
