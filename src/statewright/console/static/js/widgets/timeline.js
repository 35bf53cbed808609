// A Gantt-style timeline: one bar per state visit, placed on the execution's time span.

import { formatDuration, h, replace } from "../dom.js";

const MAX_ROWS = 400;

export function timeline({ onSelect } = {}) {
  const el = h("div", { class: "timeline" });
  function render(analysis, now = new Date()) {
    const visits = analysis.visits.filter((v) => v.start);
    if (!visits.length) {
      replace(el, h("p", { class: "muted" }, "No states have run yet."));
      return;
    }
    const t0 = Math.min(...visits.map((v) => v.start.getTime()));
    const t1 = Math.max(...visits.map((v) => (v.end || now).getTime()), t0 + 1);
    const span = t1 - t0;
    const rows = visits.slice(0, MAX_ROWS).map((v) => {
      const end = (v.end || now).getTime();
      const left = ((v.start.getTime() - t0) / span) * 100;
      const width = Math.max(((end - v.start.getTime()) / span) * 100, 0.4);
      const label = `${v.name}: ${v.status}, ${formatDuration(end - v.start.getTime())}`;
      return h("div", { class: "tl-row" },
        h("button", { type: "button", class: "link tl-name", title: v.name, onclick: () => onSelect && onSelect(v.name) }, v.name),
        h("div", { class: "tl-track" },
          h("div", { class: `tl-bar status-${v.status}`, style: `left:${left}%;width:${Math.min(width, 100 - left)}%`, title: label, role: "img", "aria-label": label })),
        h("span", { class: "tl-duration" }, formatDuration(end - v.start.getTime())));
    });
    const more = visits.length > MAX_ROWS ? h("p", { class: "muted" }, `and ${visits.length - MAX_ROWS} more visits`) : null;
    replace(el, h("div", { class: "tl-scale" }, h("span", {}, "0"), h("span", {}, formatDuration(span))), rows, more);
  }
  return { el, render };
}
