// Boots the console: one hash route per view, and a list of sections that later pages
// (Lambda, logs, tables, buckets, APIs, the stack) join by adding an entry to SECTIONS.

import { h, errorNotice, replace } from "./dom.js";
import { parseHash } from "./router.js";
import { machinesView } from "./views/machines.js";
import { machineView } from "./views/machine.js";
import { createView } from "./views/create.js";
import { executionsView } from "./views/executions.js";
import { executionView } from "./views/execution.js";
import { stacksView, stackView } from "./views/stack.js";
import { functionsView, functionView } from "./views/functions.js";
import { logGroupsView, logGroupView } from "./views/logs.js";
import { tablesView, tableView } from "./views/tables.js";
import { bucketsView, bucketView } from "./views/buckets.js";
import { apisView, apiView } from "./views/apis.js";

const SECTIONS = [
  {
    id: "state-machines", label: "State machines",
    route: ([, arg]) => (arg === "new" ? createView : arg ? machineView : machinesView),
  },
  {
    id: "executions", label: "Executions",
    route: ([, arg]) => (arg ? executionView : executionsView),
  },
  { id: "stacks", label: "Stack", route: ([, arg]) => (arg ? stackView : stacksView) },
  { id: "functions", label: "Lambda", route: ([, arg]) => (arg ? functionView : functionsView) },
  { id: "logs", label: "Logs", route: ([, arg]) => (arg ? logGroupView : logGroupsView) },
  { id: "tables", label: "DynamoDB", route: ([, arg]) => (arg ? tableView : tablesView) },
  { id: "buckets", label: "S3", route: ([, arg]) => (arg ? bucketView : bucketsView) },
  { id: "apis", label: "API Gateway", route: ([, arg]) => (arg ? apiView : apisView) },
];

const main = document.getElementById("main");
let dispose = null;
let generation = 0;

function renderNav(current) {
  const nav = document.getElementById("nav");
  replace(nav, SECTIONS.map((s) => h("a", {
    href: `#/${s.id}`, "aria-current": s.id === current ? "page" : null,
  }, s.label)));
  // On a phone the sections scroll sideways: keep the current one in sight.
  const here = nav.querySelector("[aria-current]");
  if (here && nav.scrollWidth > nav.clientWidth) nav.scrollLeft = here.offsetLeft - nav.offsetLeft - 8;
}

async function route() {
  if (typeof dispose === "function") dispose();
  dispose = null;
  const mine = ++generation;
  document.getElementById("toast")?.classList.remove("visible");
  const { segments, params } = parseHash();
  const section = SECTIONS.find((s) => s.id === segments[0]) || SECTIONS[0];
  const resolved = segments.length ? segments : [section.id];
  renderNav(section.id);
  const view = section.route(resolved);
  const root = h("div", { class: "view" });
  main.replaceChildren(root);
  try {
    const cleanup = await view(root, { segments: resolved, params });
    // The user may have moved on while this view was loading; stop its timers at once.
    if (mine !== generation) { if (typeof cleanup === "function") cleanup(); } else dispose = cleanup;
  } catch (err) {
    console.error(err);
    replace(root, errorNotice(err, route));
  }
}

// The skip link focuses the content instead of following "#main" (which is not a route); no
// inline handler in index.html, since the CSP forbids those.
document.querySelector(".skip")?.addEventListener("click", (event) => { event.preventDefault(); main.focus(); });
window.addEventListener("hashchange", route);
route();
