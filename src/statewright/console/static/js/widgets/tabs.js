// Accessible tabs (arrow keys move between them) whose choice is kept in the URL by the caller.

import { h } from "../dom.js";

export function tabs(panes, initial, onShow) {
  const ids = Object.keys(panes);
  let current = ids.includes(initial) ? initial : ids[0];
  const buttons = {};
  const list = h("div", { class: "tabs", role: "tablist" });
  const body = h("div", { class: "tab-panels" });
  for (const id of ids) {
    buttons[id] = h("button", {
      type: "button", role: "tab", id: `tab-${id}`, "aria-controls": `panel-${id}`,
      onclick: () => show(id),
    }, panes[id].label);
    list.append(buttons[id]);
    body.append(h("div", { role: "tabpanel", id: `panel-${id}`, "aria-labelledby": `tab-${id}`, class: "tab-panel" }, panes[id].el));
  }
  list.addEventListener("keydown", (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    const next = ids[(ids.indexOf(current) + step + ids.length) % ids.length];
    show(next);
    buttons[next].focus();
  });

  function show(id) {
    current = id;
    for (const other of ids) {
      const on = other === id;
      buttons[other].setAttribute("aria-selected", String(on));
      buttons[other].tabIndex = on ? 0 : -1;
      body.querySelector(`#panel-${other}`).hidden = !on;
    }
    return onShow ? onShow(id) : undefined;
  }
  const el = h("div", { class: "tabbed" }, list, body);
  const ready = Promise.resolve().then(() => show(current));
  return { el, show, ready, get current() { return current; } };
}
