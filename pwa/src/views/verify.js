// The public check of a printed receipt: /verify/<tracking id>?c=<code>, where the
// receipt's QR code leads. It says plainly whether the receipt is genuine and, if it is,
// what it is for (service, status, day, centre): nothing about the person.
import { h } from "../vnode.js";
import { pick, t } from "../i18n.js";

/** {genuine: true, body} | {genuine: false, body}; throws when the check could not be made. */
export async function checkReceipt(trackingId, code) {
  const response = await fetch(`/api/verify/${encodeURIComponent(trackingId)}?c=${encodeURIComponent(code || "")}`,
    { cache: "no-store" });
  const body = await response.json().catch(() => null);
  if (response.ok && body?.genuine === true) return { genuine: true, body };
  if (response.status === 404) return { genuine: false, body };
  throw new Error(`verify answered ${response.status}`);
}

const row = (label, value) => (value ? [h("dt", null, label), h("dd", null, value)] : null);

/** The answer, as the page shows it. */
export function verifyView(result) {
  if (!result.genuine) {
    return h("section", { class: "verify verify-refused", role: "status" },
      h("h1", null, t("verify.not_genuine")),
      h("p", null, t("verify.not_genuine_help")));
  }
  const body = result.body;
  return h("section", { class: "verify verify-genuine", role: "status" },
    h("h1", null, t("verify.genuine")),
    h("dl", { class: "verify-facts" },
      row(t("verify.tracking_id"), body.tracking_id_bn),
      row(t("verify.service"), pick(body.service_title)),
      row(t("verify.status"), pick(body.status_name)),
      row(t("verify.submitted"), body.submitted && `${body.submitted.date_bn} (${body.submitted.bangla_date_bn})`),
      row(t("verify.centre"), pick(body.centre_name))),
    h("p", { class: "verify-note" }, t("verify.note")));
}

/** The whole route: title, check, answer (or the offline notice when it cannot be made). */
export async function verifyPage(main, mount, title, trackingId, code) {
  title(t("verify.title"));
  let result;
  try {
    result = await checkReceipt(trackingId, code);
  } catch {
    mount(main, h("h1", null, t("verify.title")), h("p", null, t("verify.unavailable")));
    return;
  }
  mount(main, verifyView(result));
}
