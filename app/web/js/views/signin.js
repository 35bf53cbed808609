// Sign in: locally, pick one of the demo users `make run` published, or paste a bearer token.

import { demoUsers, signIn } from "../api.js";
import { errorBox, field, h, replace } from "../dom.js";
import { current } from "../router.js";

// `next` is read when the user signs in (the URL may have changed since the page was drawn).
function enter(token, status) {
  try {
    signIn(token);
  } catch (error) {
    replace(status, errorBox(error));
    return;
  }
  const next = current().params.get("next");
  location.hash = next && next.startsWith("#/") && !next.startsWith("#/signin") ? next : "#/tasks";
}

export async function signInView({ main }) {
  const status = h("div", { "aria-live": "polite" });
  const tokenInput = h("textarea", { rows: 4, name: "token", spellcheck: "false", autocomplete: "off", required: true });
  const form = h("form", {
    class: "card",
    onsubmit: (event) => { event.preventDefault(); enter(tokenInput.value, status); },
  },
  h("h2", {}, "Paste a token"),
  field("Bearer token", tokenInput, "A JWT from `make token USER=<name> ROLE=<role>`."),
  h("button", { type: "submit" }, "Sign in"));
  const demo = h("div", { class: "card demo" }, h("h2", {}, "Demo users"), h("p", { class: "loading" }, "Loading…"));
  replace(main, h("section", { class: "signin" }, h("h1", {}, "Sign in"), status, demo, form));
  const users = await demoUsers();
  replace(demo, h("h2", {}, "Demo users"), users.length
    ? h("ul", { class: "users" }, users.map((u) => h("li", {},
      h("button", { type: "button", dataset: { user: u.user }, onclick: () => enter(u.token, status) },
        `Sign in as ${u.user}`),
      " ", h("span", { class: "role" }, u.role))))
    : h("p", { class: "empty" }, "No demo users here (they exist only when run locally with `make run`); paste a token."));
  return null;
}
