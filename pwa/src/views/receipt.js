// A printable receipt: /receipt/<tracking id>, from GET /api/applications/<id>/receipt, for
// the applicant, the entrepreneurs of the centre that made it, and ops. Its print CSS
// (below, added to the page with the view) lays it out for A4 and for 80 mm thermal
// paper; the QR code (drawn by the server) leads to the public check.
import { h } from "../vnode.js";
import { digits, pick, t } from "../i18n.js";
import { authorized } from "../session.js";

const CSS = `
/* The receipt on screen, on A4 and on 80 mm thermal paper. */
.receipt { max-width: 40rem; }
.receipt-id .tid { font-size: 1.25rem; letter-spacing: 0.02em; }
.receipt-lines { border-collapse: collapse; width: 100%; margin: 0.75rem 0; }
.receipt-lines th, .receipt-lines td { text-align: start; vertical-align: top; padding: 0.35rem 0.5rem 0.35rem 0; border-bottom: 1px solid #ccc; }
.receipt-lines th { font-weight: 600; width: 40%; }
.receipt-qr { margin: 0.75rem 0; }
.receipt-qr img { display: block; width: 132px; height: 132px; }
.receipt-actions button { min-height: 48px; padding: 0 1.25rem; }

@media print {
  header, nav, #notices, .no-print { display: none !important; }
  body { background: #fff; color: #000; }
  .receipt { max-width: none; }
}

/* Which paper: the print buttons put print-a4 or print-80 on <html> first. */
@page a4 { size: A4; margin: 15mm; }
@page thermal { size: 80mm 297mm; margin: 4mm; }
html.print-a4 .receipt { page: a4; }
html.print-80 .receipt { page: thermal; }

/* 80 mm thermal paper (about 72 mm printable): one narrow column, smaller type. */
@media print {
  html.print-80 body { font-size: 10pt; }
  html.print-80 .receipt h1 { font-size: 13pt; margin: 0 0 2mm; }
  html.print-80 .receipt-lines th, html.print-80 .receipt-lines td { display: block; width: auto; border: 0; padding: 0; }
  html.print-80 .receipt-lines tr { display: block; border-bottom: 1px dashed #000; padding: 1mm 0; }
  html.print-80 .receipt-qr img { width: 30mm; height: 30mm; margin: 0 auto; }
  html.print-80 .receipt-qr figcaption { text-align: center; }
}
`;

export function addStyle() {
  if (document.getElementById("receipt-css")) return;
  const style = document.createElement("style");
  style.id = "receipt-css";
  style.textContent = CSS;
  document.head.append(style);
}

/** Mark the paper (the print CSS lays the receipt out for it), then print. */
export function paper(kind) {
  document.documentElement.classList.remove("print-a4", "print-80");
  document.documentElement.classList.add(kind === "80" ? "print-80" : "print-a4");
}

function printOn(kind) {
  paper(kind);
  window.print();
}

/** ৳ and Bangla digits (English: Tk), from the server's taka text ("1262.50"). */
const money = (bdt) => (bdt == null ? t("receipt.unknown") : t("receipt.taka", { amount: digits(bdt) }));

const line = (label, value) => (value ? h("tr", null, h("th", { scope: "row" }, label), h("td", null, value)) : null);

/** The receipt, as it prints. */
export function receiptView(receipt) {
  const submitted = receipt.submitted;
  return h("article", { class: "receipt", "aria-labelledby": "receipt-title" },
    h("h1", { id: "receipt-title" }, t("receipt.title")),
    h("p", { class: "receipt-id" }, t("receipt.tracking_id"), ": ", h("strong", { class: "tid" }, digits(receipt.tracking_id_display))),
    h("table", { class: "receipt-lines" }, h("tbody", null,
      line(t("receipt.service"), pick(receipt.service_title)),
      line(t("receipt.agency"), pick(receipt.agency_name)),
      line(t("receipt.applicant"), receipt.applicant_name),
      line(t("receipt.date"), `${submitted.date_bn} · ${submitted.bangla_date_bn}`),
      line(t("receipt.fee"), money(receipt.fee_bdt) + (receipt.fee_confirmed ? "" : ` (${t("receipt.unconfirmed")})`)),
      receipt.service_charge_bdt != null ? line(t("receipt.service_charge"), money(receipt.service_charge_bdt)) : null,
      receipt.service_charge_bdt != null ? line(t("receipt.total"), money(receipt.total_bdt)) : null,
      line(t("receipt.payment"), pick(receipt.payment_method)),
      line(t("receipt.centre"), receipt.centre && pick(receipt.centre.name)),
      line(t("receipt.entrepreneur"), receipt.entrepreneur && receipt.entrepreneur.name))),
    h("figure", { class: "receipt-qr" },
      h("img", { src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(receipt.qr_svg)}`, alt: t("receipt.qr_alt"), width: "132", height: "132" }),
      h("figcaption", null, t("receipt.qr_caption"))),
    h("p", { class: "receipt-actions no-print" },
      h("button", { type: "button", class: "print-a4", onclick: () => printOn("a4") }, t("receipt.print_a4")), " ",
      h("button", { type: "button", class: "print-80", onclick: () => printOn("80") }, t("receipt.print_80"))));
}

/** The whole route: the receipt, or why it cannot be shown. */
export async function receiptPage(main, mount, title, trackingId) {
  title(t("receipt.title"));
  addStyle();
  let response;
  try {
    response = await authorized(`/api/applications/${encodeURIComponent(trackingId)}/receipt`);
  } catch (error) {
    const signedOut = error?.status === 401;
    mount(main, h("h1", null, t("receipt.title")), h("p", { role: "status" }, t(signedOut ? "receipt.sign_in" : "receipt.unavailable")));
    return;
  }
  if (!response.ok) {
    const key = response.status === 401 ? "receipt.sign_in" : response.status === 404 ? "receipt.not_found" : "receipt.unavailable";
    mount(main, h("h1", null, t("receipt.title")), h("p", { role: "status" }, t(key)));
    return;
  }
  mount(main, receiptView(await response.json()));
}
