// A plain accessible table from column titles and rows of cells (text or nodes), and the
// key/value list the resource pages use for configuration.

import { h } from "../dom.js";

export function listTable(id, caption, columns, rows) {
  return h("div", { class: "table-wrap" }, h("table", { class: "list", id },
    h("caption", { class: "sr-only" }, caption),
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((cells) => (cells instanceof Node ? cells : h("tr", {}, cells.map((c) => h("td", {}, c))))))));
}

export function keyValues(id, pairs) {
  return h("dl", { class: "kv", id }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== "")
    .map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

// A view's header: a breadcrumb link back to its list, the title and a line of details.
export function viewHeader(title, { crumb, meta, actions } = {}) {
  return h("div", { class: "view-header" },
    h("div", {},
      crumb ? h("p", { class: "crumbs" }, h("a", { href: crumb[1] }, crumb[0])) : null,
      h("h1", {}, title),
      meta ? h("p", { class: "meta" }, meta) : null),
    actions ? h("div", { class: "actions" }, actions) : null);
}

export function section(title, ...children) {
  return h("section", { class: "panel-section" }, h("h2", {}, title), children);
}
