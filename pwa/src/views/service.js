// A service's page: what it is, who may apply, documents, what it pays (an allowance),
// fees, time limit, what is still unconfirmed (shown honestly, not hidden), and the way to apply.
import { formatDay } from "../bangla.js";
import { digits, lang, number, pick, t, table } from "../i18n.js";
import { h } from "../vnode.js";

/** "৳ ১,০০০", "বিনামূল্যে" or "স্থানীয়ভাবে নির্ধারিত". */
export function money(amount) {
  if (amount == null) return t("service.fee_unknown");
  if (amount === 0) return t("service.free");
  return `৳ ${number(amount)}`;
}

function day(iso) {
  const [year, month, dayOfMonth] = iso.split("-").map(Number);
  const both = formatDay({ year, month, day: dayOfMonth }, table());
  return `${both.gregorian} (${both.bangla})`;
}

const note = (text) => (text ? h("p", { class: "note" }, pick(text)) : null);
const unconfirmed = (confirmed) => (confirmed ? null : h("p", { class: "badge warn" }, t("service.not_confirmed")));

function fees(service) {
  const { fees: f } = service;
  return h("section", { "aria-labelledby": "h-fees" },
    h("h2", { id: "h-fees" }, t("service.fees")),
    unconfirmed(f.confirmed),
    h("dl", { class: "fees" }, f.government.map((fee) => [
      h("dt", null, pick(fee.label), fee.when ? h("span", { class: "when" }, pick(fee.when)) : null),
      h("dd", null, fee.compute && fee.amount_bdt == null ? t("service.fee_computed") : money(fee.amount_bdt),
        fee.includes_vat ? ` ${t("service.with_vat")}` : "", note(fee.note)),
    ]),
    f.service_charge ? [
      h("dt", null, t("service.service_charge")),
      h("dd", null, money(f.service_charge.amount_bdt),
        h("p", null, t("service.cap"), " ", f.service_charge.cap_bdt == null ? t("service.cap_unknown") : money(f.service_charge.cap_bdt)),
        note(f.service_charge.note)),
    ] : null),
    h("p", null, t("service.payment"), " ", f.payment.methods.map((method) => t(`payment.${method}`)).join(", ")),
    note(f.payment.note),
    note(f.note),
    f.as_of ? h("p", { class: "note" }, t("service.as_of", { date: day(f.as_of) })) : null);
}

/** "১৫ কার্যদিবস", "সাধারণত সেদিনই" (0 days), or null when no time limit is published. */
export function workingDays(days) {
  if (days == null) return null;
  return days === 0 ? t("service.same_day") : t("service.working_days", { n: digits(days) });
}

function sla(service) {
  const { sla: s } = service;
  return h("section", { "aria-labelledby": "h-sla" },
    h("h2", { id: "h-sla" }, t("service.sla")),
    h("p", { class: "big" }, workingDays(s.working_days) ?? t("service.sla_unknown")),
    unconfirmed(s.confirmed),
    note(s.note));
}

/** What an allowance pays: "৳ ৬৫০, প্রতি মাসে", as of when, and whether it is confirmed. */
function benefit(service) {
  const b = service.benefit;
  if (!b) return null;
  return h("section", { "aria-labelledby": "h-benefit" },
    h("h2", { id: "h-benefit" }, t("service.benefit")),
    h("p", { class: "big" }, b.amount_bdt == null ? t("service.benefit_unknown") : t(`service.period_${b.period}`, { amount: money(b.amount_bdt) })),
    unconfirmed(b.confirmed),
    note(b.note),
    b.as_of ? h("p", { class: "note" }, t("service.benefit_as_of", { date: day(b.as_of) })) : null);
}

function documents(service) {
  return h("section", { "aria-labelledby": "h-docs" },
    h("h2", { id: "h-docs" }, t("service.documents")),
    service.documents.length
      ? h("ul", { class: "docs" }, service.documents.map((doc) =>
        h("li", null, pick(doc.name), " ",
          h("span", { class: doc.required ? "badge" : "badge soft" }, doc.required ? t("service.required") : t("service.sometimes")),
          doc.when ? h("span", { class: "when" }, pick(doc.when)) : null)))
      : h("p", null, t("service.no_documents")));
}

/** The service page. */
export function servicePage(service, catalog) {
  const category = catalog.categories.find((item) => item.id === service.category);
  const selfService = service.channels.includes("self");
  return [
    h("nav", { class: "crumbs", "aria-label": t("nav.crumbs") },
      h("a", { href: "/" }, t("nav.home")), " › ",
      category ? h("a", { href: `/c/${category.id}` }, pick(category.title)) : null),
    h("h1", null, pick(service.title)),
    h("p", { class: "lead" }, pick(service.summary)),
    service.agency_name ? h("p", null, h("strong", null, t("service.agency")), " ", pick(service.agency_name)) : null,
    selfService
      ? h("p", null, h("a", { class: "button primary", href: `/s/${service.id}/form` }, t("service.apply")))
      : h("p", { class: "badge" }, t("service.assisted_only")),
    h("section", { "aria-labelledby": "h-who" },
      h("h2", { id: "h-who" }, t("service.eligibility")),
      h("ul", null, service.eligibility.map((line) => h("li", null, pick(line))))),
    documents(service),
    benefit(service),
    fees(service),
    sla(service),
    h("section", { "aria-labelledby": "h-out" },
      h("h2", { id: "h-out" }, t("service.output")),
      h("p", null, pick(service.output.name)),
      service.output.where ? h("p", null, h("strong", null, t("track.collect_where")), " ", pick(service.output.where)) : null),
    service.unconfirmed?.length
      ? h("section", { class: "unconfirmed", "aria-labelledby": "h-unc" },
        h("h2", { id: "h-unc" }, t("service.unconfirmed")),
        h("p", null, t("service.unconfirmed_help")),
        h("ul", null, service.unconfirmed.map((line) => h("li", null, pick(line)))))
      : null,
    h("section", { "aria-labelledby": "h-src" },
      h("h2", { id: "h-src" }, t("service.sources")),
      h("ul", { class: "sources" }, service.sources.map((source) =>
        h("li", { lang: "en" }, source.url ? h("a", { href: source.url, rel: "noopener noreferrer" }, source.title) : source.title,
          " ", h("span", { class: "when", lang: lang() }, t(`source_kind.${source.kind}`)))))),
    selfService ? h("p", null, h("a", { class: "button primary", href: `/s/${service.id}/form` }, t("service.apply"))) : null,
  ];
}
