// "New state machine": paste a definition, see it validated (locally for JSON, then by
// ValidateStateMachineDefinition) and drawn as you type, then create it.

import { sfn } from "../api.js";
import { h, notice, parseJsonInput, replace } from "../dom.js";
import { href, navigate } from "../router.js";
import { definitionWorkspace } from "../widgets/definition-workspace.js";

const EXAMPLE = {
  Comment: "An example: edit me",
  StartAt: "Check",
  States: {
    Check: {
      Type: "Choice",
      Choices: [{ Variable: "$.amount", NumericGreaterThan: 100, Next: "Approve" }],
      Default: "Done",
    },
    Approve: { Type: "Pass", Result: { approved: true }, Next: "Done" },
    Done: { Type: "Succeed" },
  },
};
const DEFAULT_ROLE = "arn:aws:iam::123456789012:role/statewright-local";
const DEBOUNCE_MS = 350;

export async function createView(root, { params }) {
  const name = h("input", { id: "sm-name", required: true, placeholder: "MyStateMachine", autocomplete: "off", value: params.name || "" });
  const type = h("select", { id: "sm-type" }, h("option", { value: "STANDARD" }, "Standard"), h("option", { value: "EXPRESS" }, "Express"));
  const role = h("input", { id: "sm-role", value: DEFAULT_ROLE });
  const source = h("textarea", { id: "definition", rows: 22, spellcheck: false, "aria-describedby": "definition-status" });
  source.value = JSON.stringify(EXAMPLE, null, 2);
  const status = h("div", { id: "definition-status", "aria-live": "polite" });
  const createButton = h("button", { type: "submit", class: "primary", id: "create-submit" }, "Create state machine");
  const formError = h("p", { class: "form-error", role: "alert" });
  const workspace = definitionWorkspace({ showJson: false });
  const graphBox = h("div", { class: "create-graph" }, workspace.el);

  const form = h("form", { class: "create-form" },
    h("div", { class: "field-row" },
      h("div", {}, h("label", { for: "sm-name" }, "Name"), name),
      h("div", {}, h("label", { for: "sm-type" }, "Type"), type)),
    h("label", { for: "sm-role" }, "Role ARN"), role,
    h("label", { for: "definition" }, "Definition (Amazon States Language JSON)"), source, status, formError,
    h("div", { class: "actions" }, createButton));

  replace(root,
    h("div", { class: "view-header" }, h("div", {},
      h("p", { class: "crumbs" }, h("a", { href: href(["state-machines"]) }, "State machines"), " / "),
      h("h1", {}, "New state machine"))),
    h("div", { class: "create-layout" }, form, graphBox));

  let seq = 0;
  let timer = null;
  let lastOk = false;

  async function check() {
    const mine = ++seq;
    const parsed = parseJsonInput(source.value);
    if (!parsed.ok) {
      lastOk = false;
      replace(status, notice("error", "Not valid JSON", parsed.error));
      return;
    }
    workspace.show(parsed.value);
    graphBox.dataset.drawn = String(mine);
    replace(status, notice("loading", "Validating…"));
    try {
      const result = await sfn("ValidateStateMachineDefinition", { definition: source.value, type: type.value });
      if (mine !== seq) return;
      const diagnostics = result.diagnostics || [];
      workspace.setDiagnostics(diagnostics);
      lastOk = result.result !== "FAIL";
      replace(status, lastOk
        ? notice("ok", "Valid definition", diagnostics.length ? `${diagnostics.length} warning(s) below the graph.` : "AWS would accept it.")
        : notice("error", "The definition has errors", `${diagnostics.length} problem(s), pinned to their states below the graph.`));
    } catch (err) {
      if (mine !== seq) return;
      lastOk = true; // let CreateStateMachine have the final word if validation is unavailable
      replace(status, notice("error", "Could not validate", `${err.type}: ${err.message}`));
    }
  }

  source.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(check, DEBOUNCE_MS);
  });
  // A paste or blur checks at once; typing waits for a pause.
  source.addEventListener("change", () => { clearTimeout(timer); check(); });
  type.addEventListener("change", check);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    formError.textContent = "";
    if (!name.value.trim()) {
      formError.textContent = "Give the state machine a name.";
      name.focus();
      return;
    }
    createButton.disabled = true;
    try {
      const result = await sfn("CreateStateMachine", {
        name: name.value.trim(), definition: source.value, roleArn: role.value.trim(), type: type.value,
      });
      navigate(["state-machines", result.stateMachineArn]);
    } catch (err) {
      formError.textContent = `${err.type}: ${err.message}`;
      createButton.disabled = false;
    }
  });

  await check();
  return () => clearTimeout(timer);
}
