// A citizen's account: signing in by a code sent by SMS, "আমার আবেদন" from the server, and
// what a citizen can do on an application's page (cancel it before it reaches the office;
// answer a request for more information). Loaded only when one of these is opened.
import { toAsciiDigits } from "../bangla.js";
import { digits, lang, t } from "../i18n.js";
import { NORMALISERS } from "../rules.js";
import { ApiError, authorized, requestCode, verifyCode } from "../session.js";
import { localPhone, secondsLeft, waitMinutes } from "../tokens.js";
import { h, toDOM } from "../vnode.js";

const MOBILE = /^01[3-9][0-9]{8}$/;
const serverSays = (body) => (body ? (lang() === "bn" ? body.message_bn : body.message_en) || body.message_bn || "" : "");

/** What went wrong, as the citizen reads it: the server's sentence, and how long to wait. */
function problem(error) {
  if (!(error instanceof ApiError) || !error.body) return t("account.failed");
  // a malformed number or code is named by its field; anything else (a wrong or used code,
  // a lock) by the answer's own sentence, which says more (tries left, how long)
  const field = error.status === 422 ? error.body.fields?.[0] : null;
  const said = (field && serverSays(field)) || serverSays(error.body);
  return error.retryAfter ? `${said} ${t("account.wait_minutes", { minutes: digits(waitMinutes(error.retryAfter)) })}` : said;
}

/**
 * The sign-in form: the phone, then the 6-digit code, with the countdown until another code
 * may be asked for. `phone` fills the number in; `lead` says why a sign-in is asked for;
 * `onDone(principal)` runs once signed in. Returns the element.
 */
export function signInPanel({ phone = "", lead = null, heading = "h2", onDone }) {
  const state = { challenge: null, resendAt: 0, timer: null, phone: "" };
  const element = toDOM(h("section", { class: "sign-in", "aria-labelledby": "sign-in-title" },
    h(heading, { id: "sign-in-title", tabindex: "-1" }, t("account.sign_in_title")),
    h("p", { class: "lead" }, lead || t("account.sign_in_lead")),
    h("p", { class: "error", id: "si-error", role: "alert", hidden: true }),
    h("form", { class: "sign-in phone-step", novalidate: true },
      h("div", { class: "field" },
        h("label", { for: "si-phone" }, t("account.phone")),
        h("p", { class: "help", id: "si-phone-help" }, t("account.phone_help")),
        h("input", { id: "si-phone", name: "phone", type: "tel", inputmode: "tel", autocomplete: "tel", value: phone, "aria-describedby": "si-phone-help si-error" })),
      h("button", { type: "submit", class: "primary" }, t("account.send_code"))),
    h("form", { class: "sign-in code-step", novalidate: true, hidden: true },
      h("p", { class: "code-sent", role: "status" }),
      h("div", { class: "field" },
        h("label", { for: "si-code" }, t("account.code")),
        h("input", { id: "si-code", name: "code", inputmode: "numeric", autocomplete: "one-time-code", maxlength: "12", "aria-describedby": "si-error" })),
      h("button", { type: "submit", class: "primary" }, t("account.verify")),
      h("p", { class: "resend-row" },
        h("button", { type: "button", class: "resend", disabled: true }, t("account.resend")),
        h("span", { class: "countdown help", "aria-live": "off" })),
      h("p", null, h("button", { type: "button", class: "link other-phone" }, t("account.other_phone"))))));
  const [phoneForm, codeForm] = element.querySelectorAll("form");
  const error = element.querySelector("#si-error");
  const resend = element.querySelector(".resend");
  const countdown = element.querySelector(".countdown");
  const say = (text) => {
    error.textContent = text || "";
    error.hidden = !text;
  };
  const busy = async (form, work) => {
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      await work();
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  };
  const tick = () => {
    const left = secondsLeft(state.resendAt, Date.now());
    resend.disabled = left > 0;
    countdown.textContent = left > 0 ? t("account.resend_in", { seconds: digits(left) }) : "";
    if (!left || !element.isConnected) {
      clearInterval(state.timer);
      state.timer = null;
    }
  };
  const ask = async () => {
    say(null);
    try {
      const sent = await requestCode(state.phone);
      state.challenge = sent.challenge_id;
      state.resendAt = Date.now() + sent.resend_after * 1000;
      phoneForm.hidden = true;
      codeForm.hidden = false;
      codeForm.querySelector(".code-sent").textContent = t("account.code_sent", { phone: digits(state.phone), minutes: digits(waitMinutes(sent.expires_in)) });
      clearInterval(state.timer);
      state.timer = setInterval(tick, 1000);
      tick();
      codeForm.code.value = "";
      codeForm.code.focus();
    } catch (failure) {
      say(problem(failure));
      if (failure instanceof ApiError && failure.retryAfter && state.challenge) {
        state.resendAt = Date.now() + failure.retryAfter * 1000;
        tick();
      }
    }
  };
  phoneForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const typed = NORMALISERS.mobile(phoneForm.phone.value);
    if (!MOBILE.test(typed)) {
      phoneForm.phone.setAttribute("aria-invalid", "true");
      say(t("account.phone_help"));
      return phoneForm.phone.focus();
    }
    phoneForm.phone.removeAttribute("aria-invalid");
    state.phone = typed;
    return busy(phoneForm, ask);
  });
  codeForm.addEventListener("submit", (event) => {
    event.preventDefault();
    say(null);
    const code = toAsciiDigits(codeForm.code.value).replace(/\s/g, "");
    busy(codeForm, async () => {
      try {
        const principal = await verifyCode(state.challenge, code);
        clearInterval(state.timer);
        await onDone(principal);
      } catch (failure) {
        codeForm.code.setAttribute("aria-invalid", "true");
        say(problem(failure));
        codeForm.code.select();
      }
    });
  });
  resend.addEventListener("click", () => ask());
  element.querySelector(".other-phone").addEventListener("click", () => {
    clearInterval(state.timer);
    codeForm.hidden = true;
    phoneForm.hidden = false;
    say(null);
    phoneForm.phone.focus();
  });
  return element;
}

/** "সাইন ইন করা আছে: ০১৭১২৩৪৫৬৭৮" for a principal. */
export const signedInLine = (principal) => t("account.signed_in_as", { phone: digits(localPhone(principal.phone) || principal.phone || "") });

/** One page of the signed-in citizen's applications from the server: {applications, cursor}. */
export async function minePage(cursor) {
  const response = await authorized(`/api/me/applications${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`);
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

/** One of the citizen's applications from the server (the view), or null if it is not theirs. */
export async function mine(trackingId) {
  const response = await authorized(`/api/me/applications/${trackingId}`);
  const body = await response.json().catch(() => null);
  if (response.status === 404) return null;
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

async function act(trackingId, action, body) {
  const response = await authorized(`/api/applications/${trackingId}/${action}`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {}),
  });
  const answer = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}

// The applicant may withdraw an application until it has gone to the office.
const CANCELLABLE = new Set(["submitted", "queued"]);

/**
 * The citizen's actions on their application's page: cancel (asked to confirm first) and,
 * when the office asked for more, the answer form. `onChanged(view, said)` runs with the
 * application as the server now has it. Returns the element, or null when none applies.
 */
export async function applicationActions(view, { onChanged }) {
  if (view.status === "needs_info") return answerForm(view, onChanged);
  if (!CANCELLABLE.has(view.status)) return null;
  const element = toDOM(h("section", { class: "actions", "aria-label": t("account.cancel") },
    h("p", null, h("button", { type: "button", class: "cancel-app" }, t("account.cancel"))),
    h("div", { class: "confirm", hidden: true, role: "alertdialog", "aria-labelledby": "cancel-q" },
      h("p", { id: "cancel-q" }, t("account.cancel_confirm")),
      h("p", null,
        h("button", { type: "button", class: "danger cancel-yes" }, t("account.cancel_yes")), " ",
        h("button", { type: "button", class: "cancel-no" }, t("account.cancel_no")))),
    h("p", { class: "error", role: "alert", hidden: true })));
  const confirm = element.querySelector(".confirm");
  const error = element.querySelector(".error");
  element.querySelector(".cancel-app").addEventListener("click", () => {
    confirm.hidden = false;
    element.querySelector(".cancel-no").focus();
  });
  element.querySelector(".cancel-no").addEventListener("click", () => {
    confirm.hidden = true;
    element.querySelector(".cancel-app").focus();
  });
  element.querySelector(".cancel-yes").addEventListener("click", async (event) => {
    event.target.disabled = true;
    try {
      await onChanged(await act(view.tracking_id, "cancel"), t("account.cancelled"));
    } catch (failure) {
      error.textContent = failure instanceof ApiError && failure.body ? serverSays(failure.body) : t("account.action_failed");
      error.hidden = false;
      event.target.disabled = false;
    }
  });
  return element;
}

/** The office's request (the reason of the last "needs_info" in the history). */
const asked = (view) => [...(view.history || [])].reverse().find((item) => item.status === "needs_info")?.reason || "";

/**
 * The answer to a request for information: the service's form, empty, checked field by
 * field with the form's own rules; only what the citizen fills in or changes is sent.
 */
async function answerForm(view, onChanged) {
  const [{ loadService }, module] = await Promise.all([import("../catalog.js"), import("./form.js")]);
  const service = await loadService(view.service_id);
  if (!service) return null;
  const section = toDOM(h("section", { class: "answer", "aria-labelledby": "answer-title" },
    h("h2", { id: "answer-title" }, t("account.answer_title")),
    asked(view) ? h("p", null, h("strong", null, t("account.answer_asked")), " ", h("span", { class: "asked" }, asked(view))) : null,
    h("p", { class: "help" }, t("account.answer_lead"))));
  const form = new module.ServiceForm(service, module.APPLICANT, {
    answer: { note: t("account.answer_note"), button: t("account.answer_send"), nothing: t("account.answer_nothing") },
    onChange() {},
    async onSubmit(changes, note) {
      try {
        const body = note ? { form: changes, note } : { form: changes };
        await onChanged(await act(view.tracking_id, "responses", body), t("account.answered"));
      } catch (failure) {
        if (failure instanceof ApiError && failure.body) form.showServer(failure.body);
        else form.showServer({ message_bn: t("account.action_failed"), message_en: t("account.action_failed") });
      }
    },
  });
  section.append(form.element);
  return section;
}
