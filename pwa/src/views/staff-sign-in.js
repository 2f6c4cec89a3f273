// The staff sign-in form (phone and password) of the pages staff work on (/desk, /centre, /ops):
// one form, named by its page's prefix (ids `<prefix>-phone`, class `<prefix>-sign-in`).
import { toAsciiDigits } from "../bangla.js";
import { lang, t } from "../i18n.js";
import { ApiError, signInWithPassword } from "../session.js";
import { h, mount } from "../vnode.js";

const message = (body) => (body ? (lang() === "bn" ? body.message_bn : body.message_en) || body.message_bn || body.message_en : null);

/**
 * Show the form in `root`. `page`: {prefix, title, lead (string keys), role, signedIn(principal),
 * forbidden(), and `say`: the page's own strings for title and lead, when they are not in the
 * app's}. A refusal (wrong password, locked account, offline) shows it again, saying why.
 */
export function staffSignIn(root, page, problem) {
  const { prefix } = page;
  const say = page.say || t;
  const fieldError = (name) => problem?.body?.fields?.find((item) => item.path === name);
  const field = (name, type, autocomplete, extra = {}) => {
    const error = message(fieldError(name));
    return h("div", { class: `field${error ? " invalid" : ""}` },
      h("label", { for: `${prefix}-${name}` }, t(`desk.sign_in.${name}`)),
      error ? h("p", { class: "error", id: `${prefix}-${name}-error` }, error) : null,
      h("input", { id: `${prefix}-${name}`, name, type, autocomplete, required: true, "aria-invalid": error ? "true" : null, "aria-describedby": error ? `${prefix}-${name}-error` : null, ...extra }));
  };
  const overall = problem ? (problem.body ? message(problem.body) : t("desk.sign_in.offline")) : null;
  const submit = async (event) => {
    event.preventDefault();
    const form = event.target;
    const button = form.querySelector("button");
    button.disabled = true;
    button.textContent = t("desk.sign_in.working");
    try {
      const principal = await signInWithPassword(toAsciiDigits(form.phone.value.trim()), form.password.value);
      if (principal.role !== page.role) return page.forbidden();
      await page.signedIn(principal);
      root.querySelector("h1")?.focus();
    } catch (error) {
      staffSignIn(root, page, error instanceof ApiError ? error : new ApiError(0, null));
    }
  };
  mount(root,
    h("h1", { tabindex: "-1" }, say(page.title)),
    h("p", { class: "lead" }, say(page.lead)),
    overall ? h("p", { class: "error", role: "alert" }, overall) : null,
    h("form", { class: `${prefix}-sign-in`, novalidate: true, onsubmit: submit },
      field("phone", "tel", "username", { inputmode: "tel" }),
      field("password", "password", "current-password"),
      h("button", { type: "submit", class: "primary" }, t("desk.sign_in.submit"))));
  root.querySelector("[aria-invalid=true]")?.focus();
}
