// Pieces shared by the task views: the task table and the statuses a task can still leave.

import { age, h, money, statusBadge, when } from "../dom.js";

export const STATUSES = ["SUBMITTED", "PROCESSING", "AWAITING_APPROVAL", "COMPLETED", "REJECTED", "FAILED",
  "CANCELLED", "PARTIALLY_REFUNDED", "REFUNDED"];
export const OPEN = new Set(["SUBMITTED", "PROCESSING", "AWAITING_APPROVAL"]);

export function taskLink(task) {
  return h("a", { href: `#/tasks/${encodeURIComponent(task.taskId)}`, class: "mono" }, task.taskId);
}

export function taskTable(items, { owner = false, caption } = {}) {
  const head = ["Task", "Type", "Amount", ...(owner ? ["Requester"] : []), "Status", "Created", "Updated"];
  return h("div", { class: "table-wrap" }, h("table", { class: "tasks" },
    caption ? h("caption", {}, caption) : null,
    h("thead", {}, h("tr", {}, head.map((label) => h("th", { scope: "col" }, label)))),
    h("tbody", {}, items.map((task) => h("tr", { dataset: { taskId: task.taskId, status: task.status } },
      h("td", { "data-label": "Task" }, taskLink(task), task.description ? h("div", { class: "desc" }, task.description) : null),
      h("td", { "data-label": "Type" }, task.type),
      h("td", { "data-label": "Amount", class: "num" }, money(task.amount, task.currency)),
      owner ? h("td", { "data-label": "Requester" }, task.owner) : null,
      h("td", { "data-label": "Status" }, statusBadge(task.status)),
      h("td", { "data-label": "Created" }, when(task.createdAt), h("div", { class: "hint" }, `${age(Date.now() - Date.parse(task.createdAt))} ago`)),
      h("td", { "data-label": "Updated" }, when(task.updatedAt)))))));
}
