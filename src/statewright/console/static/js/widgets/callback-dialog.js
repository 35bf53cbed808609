// Completes a waiting .waitForTaskToken task: pick a token found in the history (or paste
// one) and send SendTaskSuccess with JSON output, or SendTaskFailure with error and cause.

import { sfn } from "../api.js";
import { h, parseJsonInput } from "../dom.js";

export function openCallbackDialog(tokens, { preselect, onSent } = {}) {
  const tokenInput = h("textarea", { id: "callback-token", rows: 3, spellcheck: false, "aria-describedby": "callback-token-help" });
  tokenInput.value = preselect || (tokens[0] && tokens[0].token) || "";
  const picks = tokens.length ? h("fieldset", { class: "token-picks" }, h("legend", {}, "Waiting tasks"),
    tokens.map((t, i) => h("label", { class: "radio" },
      h("input", {
        type: "radio", name: "token-pick", value: String(i), checked: t.token === tokenInput.value,
        onchange: () => { tokenInput.value = t.token; },
      }), ` ${t.name} `, h("code", {}, t.token.length > 40 ? `${t.token.slice(0, 40)}…` : t.token)))) : null;

  const outcome = h("select", { id: "callback-outcome" },
    h("option", { value: "success" }, "Success (SendTaskSuccess)"),
    h("option", { value: "failure" }, "Failure (SendTaskFailure)"));
  const output = h("textarea", { id: "callback-output", rows: 6, spellcheck: false });
  output.value = "{}";
  const outputStatus = h("p", { class: "field-status", "aria-live": "polite" });
  const errorName = h("input", { id: "callback-error", placeholder: "e.g. Rejected" });
  const cause = h("textarea", { id: "callback-cause", rows: 3 });
  const successFields = h("div", {}, h("label", { for: "callback-output" }, "Output (JSON)"), output, outputStatus);
  const failureFields = h("div", { hidden: true }, h("label", { for: "callback-error" }, "Error"), errorName,
    h("label", { for: "callback-cause" }, "Cause"), cause);
  const send = h("button", { type: "submit", class: "primary", id: "callback-submit" }, "Send");
  const error = h("p", { class: "form-error", role: "alert" });

  const check = () => {
    const success = outcome.value === "success";
    successFields.hidden = !success;
    failureFields.hidden = success;
    const parsed = success ? parseJsonInput(output.value) : { ok: true };
    outputStatus.textContent = success ? (parsed.ok ? "Valid JSON" : parsed.error) : "";
    outputStatus.classList.toggle("bad", !parsed.ok);
    send.disabled = !parsed.ok || !tokenInput.value.trim();
    return parsed;
  };
  for (const input of [outcome, output, tokenInput]) input.addEventListener("input", check);
  outcome.addEventListener("change", check);

  const form = h("form", { method: "dialog", class: "dialog-form" },
    h("h2", {}, "Complete a task callback"), picks,
    h("label", { for: "callback-token" }, "Task token"), tokenInput,
    h("p", { id: "callback-token-help", class: "muted" }, "The token the task passed on ($$.Task.Token); pick one above or paste it."),
    h("label", { for: "callback-outcome" }, "Outcome"), outcome, successFields, failureFields, error,
    h("div", { class: "actions" }, h("button", { type: "button", onclick: () => dialog.close() }, "Cancel"), send));
  const dialog = h("dialog", { class: "dialog", "aria-label": "Complete a task callback" }, form);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const parsed = check();
    if (!parsed.ok) return;
    send.disabled = true;
    try {
      const taskToken = tokenInput.value.trim();
      if (outcome.value === "success") await sfn("SendTaskSuccess", { taskToken, output: JSON.stringify(parsed.value) });
      else {
        const body = { taskToken };
        if (errorName.value) body.error = errorName.value;
        if (cause.value) body.cause = cause.value;
        await sfn("SendTaskFailure", body);
      }
      dialog.close();
      if (onSent) onSent(outcome.value);
    } catch (err) {
      error.textContent = `${err.type}: ${err.message}`;
      send.disabled = false;
    }
  });
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  check();
  dialog.showModal();
  return dialog;
}
