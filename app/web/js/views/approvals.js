// The approval queue: refunds awaiting approval, oldest first, with amount, requester, age and
// the deadline after which the workflow rejects them as expired.

import { loadConfig, tasks } from "../api.js";
import { age, empty, errorBox, h, loading, money, replace, when } from "../dom.js";
import { Poller } from "../live.js";
import { taskLink } from "./common.js";

// When the refund started waiting: its audit entry into AWAITING_APPROVAL (else its creation).
export function waitingSince(task) {
  const entry = (task.audit || []).find((a) => a.to === "AWAITING_APPROVAL");
  return Date.parse((entry && entry.at) || task.createdAt);
}

export function approvalsView({ main, who }) {
  const body = h("div", { "aria-live": "polite" }, loading());
  replace(main, h("section", {}, h("h1", {}, "Approvals"),
    h("p", { class: "hint" }, "Refunds above the approval threshold, oldest first. Your own requests are listed but only another approver can decide them."),
    body));
  const poller = new Poller(async () => {
    const [items, config] = await Promise.all([tasks.approvals(), loadConfig()]);
    // The minute is part of the answer so ages are redrawn as they grow.
    return { items, timeout: Number(config.approvalTimeoutSeconds) || null, minute: Math.floor(Date.now() / 60000) };
  }, (data, error) => {
    if (error) {
      replace(body, errorBox(error, () => { replace(body, loading()); poller.refresh(); }));
      return;
    }
    const items = [...data.items].sort((a, b) => waitingSince(a) - waitingSince(b));
    if (!items.length) {
      replace(body, empty("Nothing waits for approval."));
      return;
    }
    const now = Date.now();
    replace(body, h("div", { class: "table-wrap" }, h("table", { class: "tasks approvals" },
      h("caption", {}, `${items.length} waiting; updates live`),
      h("thead", {}, h("tr", {}, ["Task", "Amount", "Requester", "Waiting", "Deadline", ""].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, items.map((task) => {
        const since = waitingSince(task);
        const deadline = data.timeout ? new Date(since + data.timeout * 1000).toISOString() : null;
        const own = task.owner === who.user;
        return h("tr", { dataset: { taskId: task.taskId } },
          h("td", { "data-label": "Task" }, taskLink(task), task.description ? h("div", { class: "desc" }, task.description) : null),
          h("td", { "data-label": "Amount", class: "num" }, money(task.amount, task.currency)),
          h("td", { "data-label": "Requester" }, task.owner, own ? h("span", { class: "tag" }, "you") : null),
          h("td", { "data-label": "Waiting" }, age(now - since)),
          h("td", { "data-label": "Deadline" }, deadline ? when(deadline) : "—"),
          h("td", {}, own ? h("span", { class: "hint" }, "Your own request")
            : h("a", { class: "button", href: `#/tasks/${encodeURIComponent(task.taskId)}` }, "Review")));
      })))));
  }).start();
  return () => poller.stop();
}
