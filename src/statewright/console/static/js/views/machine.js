// One state machine: graph and definition, its executions, its versions and aliases.

import { sfn, sfnAll, toDate } from "../api.js";
import { errorNotice, formatDate, h, notice, replace } from "../dom.js";
import { href, navigate, updateParams } from "../router.js";
import { definitionWorkspace } from "../widgets/definition-workspace.js";
import { executionsTable } from "../widgets/executions-table.js";
import { openStartDialog } from "../widgets/start-dialog.js";
import { tabs } from "../widgets/tabs.js";

async function validate(definition, type) {
  try {
    const result = await sfn("ValidateStateMachineDefinition", { definition, type });
    return result.diagnostics || [];
  } catch {
    return []; // diagnostics are a help, not a requirement to show the machine
  }
}

async function versionsAndAliases(arn) {
  const box = h("div", { class: "versions" }, notice("loading", "Loading versions and aliases…"));
  const section = (title, content) => h("section", {}, h("h2", {}, title), content);
  const list = async (action, key, describe) => {
    try {
      const items = await sfnAll(action, { stateMachineArn: arn }, key);
      if (!items.length) return notice("empty", `No ${key === "stateMachineVersions" ? "versions" : "aliases"}`,
        key === "stateMachineVersions" ? "Publish one with PublishStateMachineVersion or CreateStateMachine publish=true."
          : "Create one with CreateStateMachineAlias.");
      return h("ul", { class: "plain" }, await Promise.all(items.map(describe)));
    } catch (err) {
      return errorNotice(err);
    }
  };
  const versions = await list("ListStateMachineVersions", "stateMachineVersions", async (v) =>
    h("li", {}, h("code", {}, v.stateMachineVersionArn), " ", h("span", { class: "muted" }, formatDate(toDate(v.creationDate)))));
  const aliases = await list("ListStateMachineAliases", "stateMachineAliases", async (a) => {
    let routing = "";
    try {
      const d = await sfn("DescribeStateMachineAlias", { stateMachineAliasArn: a.stateMachineAliasArn });
      routing = (d.routingConfiguration || []).map((r) => `${r.weight}% → version ${String(r.stateMachineVersionArn).split(":").pop()}`).join(", ");
    } catch { /* routing is extra detail */ }
    return h("li", {}, h("code", {}, a.stateMachineAliasArn), routing ? h("span", {}, ` ${routing}`) : null);
  });
  replace(box, section("Versions", versions), section("Aliases", aliases));
  return box;
}

export async function machineView(root, { segments, params }) {
  const arn = segments[1];
  replace(root, notice("loading", "Loading state machine…"));
  const machine = await sfn("DescribeStateMachine", { stateMachineArn: arn });
  let definition;
  let parseError = null;
  try {
    definition = JSON.parse(machine.definition);
  } catch (err) {
    parseError = err;
  }

  const startButton = h("button", {
    type: "button", class: "primary", id: "start-execution",
    onclick: () => openStartDialog(arn, { onStarted: (execArn) => navigate(["executions", execArn]) }),
  }, "Start execution");
  const header = h("div", { class: "view-header" },
    h("div", {},
      h("p", { class: "crumbs" }, h("a", { href: href(["state-machines"]) }, "State machines"), " / "),
      h("h1", {}, machine.name),
      h("p", { class: "meta" }, `${machine.type || "STANDARD"} · created ${formatDate(toDate(machine.creationDate))} · `, h("code", {}, arn))),
    h("div", { class: "actions" }, startButton));

  const workspace = definitionWorkspace();
  const executions = executionsTable([arn], { params });
  const panes = {
    graph: { label: "Graph & definition", el: workspace.el },
    executions: { label: "Executions", el: executions.el },
    versions: { label: "Versions & aliases", el: h("div", {}) },
  };
  const loaded = new Set();
  const tabBar = tabs(panes, params.tab || "graph", async (id) => {
    updateParams({ tab: id });
    if (loaded.has(id)) return;
    loaded.add(id);
    if (id === "executions") await executions.load();
    if (id === "versions") replace(panes.versions.el, await versionsAndAliases(arn));
  });
  replace(root, header, tabBar.el);

  if (parseError) {
    replace(workspace.el, notice("error", "The stored definition is not valid JSON", parseError.message), h("pre", { class: "json" }, machine.definition));
  } else {
    workspace.show(definition);
    if (params.state) workspace.select(params.state);
    validate(machine.definition, machine.type).then((diags) => diags.length && workspace.setDiagnostics(diags));
  }
  await tabBar.ready;
  return () => workspace.dispose();
}
