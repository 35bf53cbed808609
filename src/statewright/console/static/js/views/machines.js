// The list of state machines with their recent executions counted by status.

import { sfn, sfnAll, toDate } from "../api.js";
import { errorNotice, formatDate, h, notice, replace } from "../dom.js";
import { href } from "../router.js";

const SHOWN = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"];
const RECENT = 100;

async function statusCounts(arn) {
  const page = await sfn("ListExecutions", { stateMachineArn: arn, maxResults: RECENT });
  const counts = {};
  for (const e of page.executions || []) counts[e.status] = (counts[e.status] || 0) + 1;
  return counts;
}

function countsCell(counts) {
  const chips = SHOWN.filter((s) => counts[s]).map((s) =>
    h("span", { class: `chip status-${s.toLowerCase()}`, title: `${counts[s]} ${s.toLowerCase()}` }, `${counts[s]} ${s.toLowerCase().replace("_", " ")}`));
  return chips.length ? chips : h("span", { class: "muted" }, "none yet");
}

export async function machinesView(root) {
  const header = h("div", { class: "view-header" },
    h("h1", {}, "State machines"),
    h("a", { class: "button primary", href: href(["state-machines", "new"]) }, "New state machine"));
  const body = h("div", {}, notice("loading", "Loading state machines…"));
  replace(root, header, body);

  const load = async () => {
    let machines;
    try {
      machines = await sfnAll("ListStateMachines", { maxResults: 100 }, "stateMachines");
    } catch (err) {
      replace(body, errorNotice(err, load));
      return;
    }
    if (!machines.length) {
      replace(body, notice("empty", "No state machines yet",
        "Create one here, with the AWS CLI or boto3 against this server, or deploy a SAM template.",
        h("a", { class: "button primary", href: href(["state-machines", "new"]) }, "New state machine")));
      return;
    }
    const rows = machines.map((m) => {
      const cell = h("td", { class: "counts" }, h("span", { class: "muted" }, "…"));
      statusCounts(m.stateMachineArn)
        .then((c) => replace(cell, countsCell(c)))
        .catch(() => replace(cell, h("span", { class: "muted" }, "unavailable")));
      return h("tr", {},
        h("td", {}, h("a", { href: href(["state-machines", m.stateMachineArn]) }, m.name)),
        h("td", {}, m.type || "STANDARD"),
        h("td", {}, formatDate(toDate(m.creationDate))),
        cell);
    });
    replace(body, h("div", { class: "table-wrap" }, h("table", { class: "list", id: "machines" },
      h("caption", { class: "sr-only" }, "State machines"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Name"), h("th", { scope: "col" }, "Type"),
        h("th", { scope: "col" }, "Created"), h("th", { scope: "col" }, `Recent executions (last ${RECENT})`))),
      h("tbody", {}, rows))));
  };
  await load();
}
