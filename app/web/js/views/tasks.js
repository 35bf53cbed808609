// The task list: a requester's (or approver's) own tasks; for admins every task, with filters by
// status, type, owner and date (kept in the URL) and a CSV export of what the filters show.

import { tasks } from "../api.js";
import { empty, errorBox, field, h, loading, replace } from "../dom.js";
import { Poller } from "../live.js";
import { go } from "../router.js";
import { STATUSES, taskTable } from "./common.js";

const FILTERS = ["status", "type", "owner", "from", "to"];
const CSV_COLUMNS = ["taskId", "type", "owner", "status", "amount", "currency", "refundedAmount", "purchaseId",
  "description", "createdAt", "updatedAt", "approvedBy", "rejectedBy", "failureReason"];

function filtersFrom(params) {
  return Object.fromEntries(FILTERS.map((key) => [key, params.get(key) || ""]));
}

// Owner and dates are filtered here: the API filters by status and type only.
function applyLocal(items, f) {
  const from = f.from ? Date.parse(`${f.from}T00:00:00`) : null;
  const to = f.to ? Date.parse(`${f.to}T23:59:59.999`) : null;
  return items.filter((t) => (!f.owner || t.owner === f.owner)
    && (from === null || Date.parse(t.createdAt) >= from)
    && (to === null || Date.parse(t.createdAt) <= to));
}

function csvCell(value) {
  let text = value === undefined || value === null ? "" : String(value);
  // A cell starting with = + - @ would be a formula in a spreadsheet.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(items) {
  const lines = [CSV_COLUMNS.join(",")];
  for (const task of items) lines.push(CSV_COLUMNS.map((key) => csvCell(task[key])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

function download(items) {
  const blob = new Blob([toCsv(items)], { type: "text/csv" });
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: `tasks-${new Date().toISOString().slice(0, 10)}.csv` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function filterForm(f, owners) {
  const select = (name, options) => h("select", { name },
    h("option", { value: "" }, "Any"), options.map((o) => h("option", { value: o, selected: f[name] === o }, o.replace(/_/g, " "))));
  const form = h("form", {
    class: "filters",
    onsubmit: (event) => {
      event.preventDefault();
      const data = new FormData(form);
      go(["tasks"], Object.fromEntries(FILTERS.map((key) => [key, data.get(key)])));
    },
  },
  field("Status", select("status", STATUSES)),
  field("Type", select("type", ["PURCHASE", "REFUND"])),
  field("Owner", h("input", { name: "owner", value: f.owner, list: "owners", autocomplete: "off" })),
  h("datalist", { id: "owners" }, owners.map((o) => h("option", { value: o }))),
  field("Created from", h("input", { type: "date", name: "from", value: f.from })),
  field("Created to", h("input", { type: "date", name: "to", value: f.to })),
  h("div", { class: "actions" }, h("button", { type: "submit" }, "Apply"), h("a", { href: "#/tasks", class: "button secondary" }, "Clear")));
  return form;
}

export function tasksView({ main, who, params }) {
  const admin = who.role === "admin";
  const f = filtersFrom(params);
  const body = h("div", { "aria-live": "polite" }, loading());
  const toolbar = h("div", { class: "toolbar" });
  replace(main, h("section", {},
    h("div", { class: "heading" }, h("h1", {}, admin ? "All tasks" : "My tasks"), toolbar),
    admin ? h("div", { id: "filters" }) : null,
    body));
  let owners = [];
  const poller = new Poller(
    () => tasks.list({ status: f.status, type: f.type }),
    (items, error) => {
      if (error) {
        replace(body, errorBox(error, () => { replace(body, loading()); poller.refresh(); }));
        return;
      }
      items = [...items].sort((a, b) => (a.taskId < b.taskId ? 1 : -1)); // newest first
      const shown = admin ? applyLocal(items, f) : items;
      if (admin) {
        const known = [...new Set(items.map((t) => t.owner))].sort();
        if (known.join() !== owners.join() || !main.querySelector(".filters")) {
          owners = known;
          replace(main.querySelector("#filters"), filterForm(f, owners));
        }
        replace(toolbar, h("button", { type: "button", class: "secondary", onclick: () => download(shown), disabled: !shown.length },
          `Export CSV (${shown.length})`));
      } else {
        replace(toolbar, h("a", { class: "button", href: "#/new" }, "New request"));
      }
      if (!shown.length) {
        replace(body, empty(items.length ? "No task matches these filters." : "No tasks yet.",
          admin ? null : h("a", { href: "#/new", class: "button" }, "Submit a purchase")));
        return;
      }
      replace(body, taskTable(shown, { owner: admin, caption: `${shown.length} task${shown.length === 1 ? "" : "s"}, newest first; updates live` }));
    }).start();
  return () => poller.stop();
}
