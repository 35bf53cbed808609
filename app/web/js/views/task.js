// One task: its facts, refunded and remaining amounts (purchases), attachments, the actions the
// signed-in user may take (cancel; approve or reject with a note), the workflow's timeline and
// the audit trail. Re-read every few seconds; typed notes survive the redraws.

import { tasks } from "../api.js";
import { cents, empty, errorBox, field, fromCents, h, loading, money, replace, statusBadge, when } from "../dom.js";
import { Poller } from "../live.js";
import { link } from "../router.js";
import { dropZone, upload, uploadRow } from "../upload.js";

function facts(task) {
  const rows = [["Type", task.type], ["Requester", task.owner], ["Amount", money(task.amount, task.currency)]];
  if (task.type === "PURCHASE") {
    const refunded = cents(task.refundedAmount);
    rows.push(["Refunded", h("span", { dataset: { field: "refunded" } }, money(fromCents(refunded), task.currency))]);
    rows.push(["Remaining", h("span", { dataset: { field: "remaining" } }, money(fromCents(cents(task.amount) - refunded), task.currency))]);
  } else {
    rows.push(["Refund of", task.purchaseId ? h("a", { href: link(["tasks", task.purchaseId]), class: "mono" }, task.purchaseId) : "—"]);
    rows.push(["Needs approval", task.requiresApproval ? "yes" : "no"]);
  }
  if (task.description) rows.push(["Description", task.description]);
  for (const [key, label] of [["approvedBy", "Approved by"], ["rejectedBy", "Rejected by"], ["failureReason", "Reason"],
    ["paymentId", "Payment"], ["refundPaymentId", "Refund payment"]]) {
    if (task[key]) rows.push([label, task[key]]);
  }
  rows.push(["Created", when(task.createdAt)], ["Updated", when(task.updatedAt)]);
  return h("dl", { class: "facts" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

// The execution's history condensed into steps: each state from entered to exited (or still
// running), the execution's start and end, and the error of a step that failed.
export function steps(history) {
  const out = [];
  const open = new Map();
  for (const event of history || []) {
    const type = String(event.type || "");
    if (type.endsWith("StateEntered")) {
      const step = { state: event.state, kind: type.replace("StateEntered", ""), start: event.timestamp, end: null, error: null };
      open.set(event.state, step);
      out.push(step);
    } else if (type.endsWith("StateExited")) {
      const step = open.get(event.state);
      if (step) step.end = event.timestamp;
      open.delete(event.state);
    } else if (type.startsWith("Execution")) {
      out.push({ state: null, kind: type.replace("Execution", "Execution "), start: event.timestamp, end: event.timestamp, error: event.error || null });
    } else if (event.error && out.length) {
      out[out.length - 1].error = event.error;
    }
  }
  return out;
}

function duration(start, end) {
  const ms = Date.parse(end) - Date.parse(start);
  if (Number.isNaN(ms)) return "";
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function timeline(task) {
  const list = steps(task.timeline);
  if (!list.length) return empty(task.executionArn ? "The workflow has not recorded a step yet." : "No workflow execution yet.");
  return h("ol", { class: "timeline" }, list.map((step) => h("li", {
    class: [step.error ? "failed" : "", step.state && !step.end ? "running" : ""].join(" ").trim(),
    dataset: { state: step.state || "", kind: step.kind } },
  h("time", { datetime: step.start }, when(step.start)), " ",
  step.state ? [h("strong", {}, step.state), " ", h("span", { class: "event" }, step.kind),
    " ", h("span", { class: "hint" }, step.end ? duration(step.start, step.end) : "in progress")]
    : h("span", { class: "event" }, step.kind),
  step.error ? [" ", h("span", { class: "err" }, step.error)] : null)));
}

function audit(task) {
  return h("div", { class: "table-wrap" }, h("table", { class: "audit" },
    h("thead", {}, h("tr", {}, ["When", "Who", "Action", "From", "To", "Reason"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, (task.audit || []).map((a) => h("tr", {},
      h("td", {}, when(a.at)), h("td", {}, a.actor), h("td", {}, a.action), h("td", {}, a.from || "—"), h("td", {}, a.to), h("td", {}, a.reason || ""))))));
}

function attachmentList(task, status) {
  const items = task.attachments || [];
  if (!items.length) return empty("No attachments.");
  return h("ul", { class: "attachments" }, items.map((a) => {
    const slot = h("span", {});
    const open = h("button", { type: "button", class: "secondary", onclick: async () => {
      open.disabled = true;
      try {
        const got = await tasks.attachment(task.taskId, a.attachmentId);
        replace(slot, h("a", { href: got.downloadUrl, target: "_blank", rel: "noopener", class: "open" }, `Open ${a.fileName}`));
        slot.querySelector("a").focus();
      } catch (error) {
        replace(status, errorBox(error));
      } finally {
        open.disabled = false;
      }
    } }, "Get link");
    return h("li", { dataset: { attachment: a.fileName } }, h("span", { class: "name" }, a.fileName), " ",
      h("span", { class: "hint" }, `${a.contentType}, ${Math.ceil(a.size / 1024)} KB`), " ", open, " ", slot);
  }));
}

export function taskView({ main, who, taskId }) {
  const status = h("div", { "aria-live": "assertive" });
  const heading = h("h1", {}, "Task");
  const badge = h("span", { class: "status", "aria-live": "polite" });
  const body = h("div", {}, loading());
  const actions = h("div", { class: "actions-panel" });
  const files = h("div", {});
  const uploads = h("ul", { class: "uploads" });
  const flow = h("div", {});
  const trail = h("div", {});
  const note = h("textarea", { name: "note", rows: 2, maxlength: 1000 });
  const reviewField = field("Note to the requester (optional)", note);
  let actionKey = null;
  let zone = null;
  replace(main, h("section", { class: "task" },
    h("p", {}, h("a", { href: "#/tasks" }, "← Tasks")),
    h("div", { class: "heading" }, heading, badge), status, body));

  const act = (label, fn, cls = "") => h("button", { type: "button", class: cls, onclick: async (event) => {
    event.target.disabled = true;
    replace(status);
    try {
      await fn();
      note.value = "";
    } catch (error) {
      replace(status, errorBox(error));
    }
    event.target.disabled = false;
    poller.refresh();
  } }, label);

  function drawActions(task) {
    const own = task.owner === who.user;
    const cancellable = own && (task.status === "SUBMITTED" || (task.status === "AWAITING_APPROVAL" && !task.approvedBy));
    const reviewer = (who.role === "approver" || who.role === "admin") && task.status === "AWAITING_APPROVAL" && !task.approvedBy;
    const key = JSON.stringify([cancellable, reviewer, own, task.status]);
    if (key === actionKey) return;
    actionKey = key;
    const parts = [];
    if (reviewer && own) parts.push(h("p", { class: "hint", dataset: { own: "true" } }, "This is your own request: another approver must decide it."));
    else if (reviewer) {
      parts.push(h("div", { class: "card review" }, h("h2", {}, "Your decision"), reviewField, h("div", { class: "actions" },
        act("Approve", () => tasks.approve(task.taskId, note.value.trim())),
        act("Reject", () => tasks.reject(task.taskId, note.value.trim()), "danger"))));
    }
    if (cancellable) parts.push(h("div", { class: "actions" }, act("Cancel request", () => tasks.cancel(task.taskId), "danger")));
    if (task.status === "AWAITING_APPROVAL" && task.approvedBy) parts.push(h("p", { class: "hint" }, "Approved; the refund is being paid."));
    if (own && task.type === "PURCHASE" && ["COMPLETED", "PARTIALLY_REFUNDED"].includes(task.status)) {
      parts.push(h("a", { class: "button secondary", href: link(["new"], { type: "REFUND", purchaseId: task.taskId }) }, "Request a refund"));
    }
    replace(actions, parts);
  }

  const poller = new Poller(() => tasks.get(taskId), (task, error) => {
    if (error) {
      replace(body, errorBox(error, () => { replace(body, loading()); poller.refresh(); }));
      actionKey = null;
      return;
    }
    replace(heading, `${task.type === "REFUND" ? "Refund" : "Purchase"} ${money(task.amount, task.currency)}`);
    document.title = `${heading.textContent} · Tasks`;
    replace(badge, statusBadge(task.status));
    if (!body.contains(actions)) {
      if (task.owner === who.user) {
        zone = dropZone((chosen) => chosen.forEach(async (file) => {
          const row = uploadRow(file);
          uploads.append(row.row);
          try {
            await upload(task.taskId, file, row.progress);
            row.done();
            poller.refresh();
          } catch (error) {
            row.fail(error);
          }
        }), "Drop a receipt here, or choose a file");
      }
      replace(body, h("div", { class: "grid" },
        h("div", {}, h("div", { class: "card", id: "facts" }), actions,
          h("div", { class: "card" }, h("h2", {}, "Attachments"), files, zone, uploads)),
        h("div", {}, h("div", { class: "card" }, h("h2", {}, "Workflow"), flow))),
      h("div", { class: "card" }, h("h2", {}, "History"), trail));
    }
    replace(body.querySelector("#facts"), facts(task));
    drawActions(task);
    replace(files, attachmentList(task, status));
    replace(flow, timeline(task));
    replace(trail, audit(task));
  }).start();
  return () => poller.stop();
}
