// Log events as monospace lines with their time and stream; used by the Logs and Lambda pages.

import { formatDate, h } from "../dom.js";

export function logLine(e) {
  return h("div", { class: "log-line", dataset: { stream: e.logStreamName || "" } },
    h("time", { class: "log-time" }, formatDate(new Date(e.timestamp))),
    h("span", { class: "log-message" }, String(e.message || "").replace(/\n$/, "")));
}

export function logLines(id, events, empty = "No log events in this range.") {
  const box = h("div", { class: "log-lines", id, role: "log", tabindex: 0, "aria-label": "Log events" });
  if (!events.length) box.append(h("p", { class: "muted" }, empty));
  for (const e of events) box.append(logLine(e));
  return box;
}
