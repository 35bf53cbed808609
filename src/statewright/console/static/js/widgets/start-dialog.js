// "Start execution": JSON input checked as it is typed, and the last input used for each
// state machine kept in localStorage so a rerun is one click.

import { sfn } from "../api.js";
import { h, parseJsonInput } from "../dom.js";

const storageKey = (arn) => `statewright.lastInput.${arn}`;

export function rememberedInput(arn) {
  try {
    return localStorage.getItem(storageKey(arn));
  } catch {
    return null;
  }
}

export function openStartDialog(stateMachineArn, { initialInput, onStarted } = {}) {
  const input = h("textarea", {
    id: "start-input", rows: 10, spellcheck: false, "aria-describedby": "start-input-status",
  });
  input.value = initialInput || rememberedInput(stateMachineArn) || "{\n  \n}";
  const name = h("input", { id: "start-name", placeholder: "generated if empty", autocomplete: "off" });
  const status = h("p", { id: "start-input-status", class: "field-status", "aria-live": "polite" });
  const startButton = h("button", { type: "submit", class: "primary", id: "start-submit" }, "Start execution");
  const error = h("p", { class: "form-error", role: "alert" });

  const check = () => {
    const parsed = parseJsonInput(input.value);
    status.textContent = parsed.ok ? "Valid JSON" : parsed.error;
    status.classList.toggle("bad", !parsed.ok);
    input.setAttribute("aria-invalid", String(!parsed.ok));
    startButton.disabled = !parsed.ok;
    return parsed;
  };
  input.addEventListener("input", check);

  const form = h("form", { method: "dialog", class: "dialog-form" },
    h("h2", {}, "Start execution"),
    h("label", { for: "start-name" }, "Name"), name,
    h("label", { for: "start-input" }, "Input (JSON)"), input, status, error,
    h("div", { class: "actions" },
      h("button", { type: "button", onclick: () => dialog.close() }, "Cancel"), startButton));
  const dialog = h("dialog", { class: "dialog", "aria-label": "Start execution" }, form);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const parsed = check();
    if (!parsed.ok) return;
    startButton.disabled = true;
    error.textContent = "";
    try {
      const body = { stateMachineArn, input: JSON.stringify(parsed.value) };
      if (name.value.trim()) body.name = name.value.trim();
      const result = await sfn("StartExecution", body);
      try { localStorage.setItem(storageKey(stateMachineArn), input.value); } catch { /* private mode */ }
      dialog.close();
      if (onStarted) onStarted(result.executionArn);
    } catch (err) {
      error.textContent = `${err.type}: ${err.message}`;
      startButton.disabled = false;
    }
  });
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  check();
  dialog.showModal();
  input.focus();
  return dialog;
}
