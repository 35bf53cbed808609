// Executions of every state machine, newest first, with the same filters as a machine's tab.

import { sfnAll } from "../api.js";
import { errorNotice, h, notice, replace } from "../dom.js";
import { executionsTable } from "../widgets/executions-table.js";

export async function executionsView(root, { params }) {
  replace(root, h("div", { class: "view-header" }, h("h1", {}, "Executions")), notice("loading", "Loading…"));
  let machines;
  try {
    machines = await sfnAll("ListStateMachines", { maxResults: 100 }, "stateMachines");
  } catch (err) {
    replace(root, h("h1", {}, "Executions"), errorNotice(err, () => executionsView(root, { params })));
    return undefined;
  }
  const table = executionsTable(machines.map((m) => m.stateMachineArn), { params, showMachine: true });
  replace(root, h("div", { class: "view-header" }, h("h1", {}, "Executions")), table.el);
  await table.load();
  return undefined;
}
