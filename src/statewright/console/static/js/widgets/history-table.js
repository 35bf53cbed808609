// The execution's event history: type, state, time since start and duration, each row
// expandable to its details (input, output, error) as formatted JSON.

import { formatDate, formatDuration, h, replace } from "../dom.js";
import { toDate } from "../api.js";
import { asJson, detailsOf } from "../history/analyze.js";

function detailsJson(event) {
  const details = { ...detailsOf(event) };
  for (const key of ["input", "output", "parameters", "cause"]) {
    if (typeof details[key] === "string") details[key] = asJson(details[key]);
  }
  return JSON.stringify(details, null, 2);
}

function kindOf(type) {
  if (/Failed|TimedOut|Aborted/.test(type)) return "bad";
  if (/Succeeded|Exited/.test(type)) return "good";
  return "";
}

export function historyTable() {
  const expanded = new Set();
  const el = h("div", { class: "table-wrap history" });

  function render(analysis) {
    const start = analysis.execution.start || toDate(analysis.events[0]?.timestamp);
    const rows = [];
    for (const event of analysis.events) {
      const at = toDate(event.timestamp);
      const visit = analysis.owner.get(event.id);
      const exited = visit && String(event.type).endsWith("StateExited") && visit.start && visit.end;
      const open = expanded.has(event.id);
      const toggle = h("button", {
        type: "button", class: "expander", "aria-expanded": String(open), "aria-label": `Details of event ${event.id}`,
        onclick: () => { if (open) expanded.delete(event.id); else expanded.add(event.id); render(analysis); },
      }, open ? "▾" : "▸");
      rows.push(h("tr", { class: `event ${kindOf(String(event.type))}`, dataset: { eventId: event.id, type: event.type } },
        h("td", {}, toggle, ` ${event.id}`),
        h("td", {}, event.type),
        h("td", {}, visit ? visit.name : ""),
        h("td", { title: formatDate(at) }, start && at ? `+${formatDuration(at - start)}` : formatDate(at)),
        h("td", {}, exited ? formatDuration(visit.end - visit.start) : "")));
      if (open) rows.push(h("tr", { class: "event-details" }, h("td", { colspan: 5 }, h("pre", { class: "json" }, detailsJson(event)))));
    }
    replace(el, h("table", { class: "list", id: "history" },
      h("thead", {}, h("tr", {}, ["ID", "Type", "State", "Time", "Duration"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows)));
  }
  return { el, render };
}
