// The shell: who is signed in, the menu for their role, and the view for the current URL.

import { loadConfig, session, signOut } from "./api.js";
import { errorBox, h, replace } from "./dom.js";
import { current, go } from "./router.js";
import { approvalsView } from "./views/approvals.js";
import { newTaskView } from "./views/newtask.js";
import { signInView } from "./views/signin.js";
import { taskView } from "./views/task.js";
import { tasksView } from "./views/tasks.js";

const main = document.getElementById("main");
let active = null; // the current view's cleanup (stops its polling)
let generation = 0; // a render that awaited while the URL changed again gives way to the newer one

function menu(who) {
  const nav = document.getElementById("nav");
  const here = current().parts[0] || "tasks";
  const item = (href, label, key) =>
    h("a", { href, "aria-current": here === key ? "page" : null }, label);
  if (!who) {
    replace(nav);
  } else {
    replace(nav,
      item("#/tasks", who.role === "admin" ? "All tasks" : "My tasks", "tasks"),
      item("#/new", "New request", "new"),
      who.role === "approver" || who.role === "admin" ? item("#/approvals", "Approvals", "approvals") : null);
  }
  const whoEl = document.getElementById("who");
  replace(whoEl, who
    ? [h("span", { class: "user", dataset: { user: who.user, role: who.role } }, who.user, " ", h("small", {}, who.role)),
      h("button", { type: "button", class: "link", onclick: () => { signOut(); go(["signin"]); } }, "Sign out")]
    : []);
}

async function render() {
  if (active) active();
  active = null;
  const mine = ++generation;
  const hash = location.hash;
  const route = current();
  const who = session();
  menu(who);
  try {
    await loadConfig();
  } catch (error) {
    if (mine === generation) replace(main, errorBox(error, render));
    return;
  }
  if (mine !== generation) return;
  const [first, second] = route.parts;
  if (!who && first !== "signin") {
    go(["signin"], { next: hash });
    return;
  }
  const ctx = { main, who, params: route.params };
  if (first === "signin") signInView(ctx);
  else if (first === "new") active = newTaskView(ctx);
  else if (first === "approvals") active = approvalsView(ctx);
  else if (first === "tasks" && second) active = taskView({ ...ctx, taskId: second });
  else if (first === "tasks" || !first) active = tasksView(ctx);
  else replace(main, h("section", {}, h("h1", {}, "Not found"), h("p", {}, h("a", { href: "#/tasks" }, "Back to tasks"))));
  document.title = `${main.querySelector("h1")?.textContent || "Tasks"} · Tasks`;
}

// The skip link must not change the fragment (that is the router's): it only moves the focus.
document.querySelector(".skip").addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener("hashchange", () => {
  render();
  main.focus({ preventScroll: true });
});
render();
