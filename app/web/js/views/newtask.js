// A new purchase or refund, with receipts: the task is created, then each file is uploaded and
// the page moves to the task.

import { tasks } from "../api.js";
import { cents, errorBox, field, fromCents, h, replace } from "../dom.js";
import { go, link } from "../router.js";
import { dropZone, problem, upload, uploadRow } from "../upload.js";

const CURRENCIES = ["USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "SEK", "NOK", "DKK", "PLN", "INR"];
const REFUNDABLE = new Set(["COMPLETED", "PARTIALLY_REFUNDED"]);

// What is left to refund: the amount less what was refunded and what pending refunds hold.
export function remaining(purchase, all) {
  const pending = all.filter((t) => t.type === "REFUND" && t.purchaseId === purchase.taskId
    && ["SUBMITTED", "PROCESSING", "AWAITING_APPROVAL"].includes(t.status));
  return cents(purchase.amount) - cents(purchase.refundedAmount) - pending.reduce((s, t) => s + cents(t.amount), 0);
}

export function newTaskView({ main, params }) {
  const status = h("div", { "aria-live": "assertive" });
  const files = [];
  const list = h("ul", { class: "uploads" });
  const type = params.get("type") === "REFUND" ? "REFUND" : "PURCHASE";
  const amount = h("input", { name: "amount", inputmode: "decimal", required: true, pattern: "^[0-9]+(\\.[0-9]{1,2})?$",
    autocomplete: "off", placeholder: "0.00" });
  // A refund is in its purchase's currency: the purchase chosen sets it.
  const currency = h("select", { name: "currency", disabled: type === "REFUND" }, CURRENCIES.map((c) => h("option", { value: c }, c)));
  const description = h("textarea", { name: "description", rows: 3, maxlength: 1000 });
  const purchase = h("select", { name: "purchaseId", required: true }, h("option", { value: "" }, "Loading your purchases…"));
  const typeRadio = (value, label) => h("label", { class: "radio" },
    h("input", { type: "radio", name: "type", value, checked: type === value, onchange: () => go(["new"], { type: value }) }), label);
  const addFiles = (chosen) => {
    for (const file of chosen) {
      const reason = problem(file);
      if (reason) {
        replace(status, errorBox({ code: "InvalidFile", message: reason }));
        continue;
      }
      files.push(file);
      list.append(h("li", { dataset: { file: file.name } }, file.name, ` (${Math.ceil(file.size / 1024)} KB)`));
    }
  };
  const submit = h("button", { type: "submit" }, type === "REFUND" ? "Request refund" : "Submit purchase");
  const form = h("form", { class: "card", novalidate: true, onsubmit: (e) => { e.preventDefault(); send(); } },
    h("fieldset", { class: "types" }, h("legend", {}, "Type"), typeRadio("PURCHASE", "Purchase"), typeRadio("REFUND", "Refund")),
    type === "REFUND" ? field("Purchase to refund", purchase, "Your completed purchases, with what remains refundable.") : null,
    h("div", { class: "row" }, field("Amount", amount), field("Currency", currency)),
    field("Description", description),
    h("div", { class: "field" }, h("span", { class: "label" }, "Receipts"), dropZone(addFiles), list),
    h("div", { class: "actions" }, submit));
  replace(main, h("section", {}, h("h1", {}, type === "REFUND" ? "Request a refund" : "Submit a purchase"), status, form));

  let purchases = [];
  if (type === "REFUND") {
    tasks.list({ type: undefined }).then((all) => {
      purchases = all.filter((t) => t.type === "PURCHASE" && REFUNDABLE.has(t.status))
        .map((t) => ({ ...t, left: remaining(t, all) })).filter((t) => t.left > 0);
      replace(purchase, purchases.length
        ? [h("option", { value: "" }, "Choose a purchase"), purchases.map((p) => h("option", { value: p.taskId, selected: p.taskId === params.get("purchaseId") },
          `${p.description || p.taskId} — ${p.amount} ${p.currency}, ${fromCents(p.left)} refundable`))]
        : h("option", { value: "" }, "You have no completed purchase to refund"));
      const chosen = () => purchases.find((p) => p.taskId === purchase.value);
      purchase.onchange = () => {
        const p = chosen();
        if (!p) return;
        if (![...currency.options].some((o) => o.value === p.currency)) currency.append(h("option", { value: p.currency }, p.currency));
        currency.value = p.currency;
      };
      purchase.onchange();
    }, (error) => replace(status, errorBox(error)));
  }

  async function send() {
    replace(status);
    const body = { type, amount: amount.value.trim(), currency: currency.value };
    if (description.value.trim()) body.description = description.value.trim();
    if (!/^[0-9]+(\.[0-9]{1,2})?$/.test(body.amount) || cents(body.amount) <= 0) {
      replace(status, errorBox({ code: "ValidationError", message: "enter an amount above 0 with at most two decimals", field: "amount" }));
      amount.focus();
      return;
    }
    if (type === "REFUND") {
      const p = purchases.find((x) => x.taskId === purchase.value);
      if (!p) {
        replace(status, errorBox({ code: "ValidationError", message: "choose the purchase to refund", field: "purchaseId" }));
        purchase.focus();
        return;
      }
      if (cents(body.amount) > p.left) {
        replace(status, errorBox({ code: "ValidationError", message: `at most ${fromCents(p.left)} ${p.currency} remains refundable`, field: "amount" }));
        return;
      }
      body.purchaseId = p.taskId;
    }
    submit.disabled = true;
    let task;
    try {
      task = await tasks.create(body, crypto.randomUUID());
    } catch (error) {
      submit.disabled = false;
      replace(status, errorBox(error));
      return;
    }
    let failed = false;
    replace(list);
    for (const file of files) {
      const row = uploadRow(file);
      list.append(row.row);
      try {
        await upload(task.taskId, file, row.progress);
        row.done();
      } catch (error) {
        failed = true;
        row.fail(error);
      }
    }
    if (failed) {
      replace(status, errorBox({ code: "UploadFailed", message: "the task was created but a receipt was not uploaded; add it from the task's page" }),
        h("p", {}, h("a", { href: link(["tasks", task.taskId]) }, "Open the task")));
      return;
    }
    go(["tasks", task.taskId]);
  }
  return null;
}
