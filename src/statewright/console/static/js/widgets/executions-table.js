// Executions with a status filter and a name search. ListExecutions filters by status on the
// server; AWS has no name search, so the name filter applies to the pages already loaded.

import { sfn, toDate } from "../api.js";
import { arnName, errorNotice, formatDate, formatDuration, h, notice, replace, statusBadge } from "../dom.js";
import { href, updateParams } from "../router.js";

const STATUSES = ["", "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"];

export function executionsTable(machineArns, { params = {}, showMachine = false } = {}) {
  let status = params.status || "";
  let search = params.q || "";
  let items = [];
  let tokens = new Map();

  const statusSelect = h("select", { id: "status-filter", "aria-label": "Status" },
    STATUSES.map((s) => h("option", { value: s, selected: s === status }, s ? s.replace("_", " ").toLowerCase() : "all statuses")));
  const searchBox = h("input", { type: "search", id: "name-search", placeholder: "Search by name", value: search, "aria-label": "Search executions by name" });
  const moreButton = h("button", { type: "button", hidden: true, onclick: () => load(false) }, "Load more");
  const body = h("div", {}, notice("loading", "Loading executions…"));
  const el = h("section", { class: "executions" },
    h("div", { class: "filters" }, h("label", {}, "Status ", statusSelect), searchBox), body, moreButton);

  const row = (e) => {
    const start = toDate(e.startDate);
    const stop = toDate(e.stopDate);
    return h("tr", { dataset: { status: e.status } },
      h("td", {}, h("a", { href: href(["executions", e.executionArn]) }, e.name)),
      showMachine ? h("td", {}, arnName(e.stateMachineArn)) : null,
      h("td", {}, statusBadge(e.status)),
      h("td", {}, formatDate(start)),
      h("td", {}, formatDate(stop)),
      h("td", {}, start ? formatDuration((stop || new Date()) - start) : "—"));
  };

  function show() {
    const needle = search.trim().toLowerCase();
    const shown = items.filter((e) => !needle || e.name.toLowerCase().includes(needle));
    if (!shown.length) {
      const why = items.length ? `None of the ${items.length} loaded executions match "${search}".`
        : status ? `No ${status.toLowerCase().replace("_", " ")} executions.` : "Start one with the button above.";
      replace(body, notice("empty", "No executions", why));
      return;
    }
    replace(body, h("div", { class: "table-wrap" }, h("table", { class: "list", id: "executions" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Name"), showMachine ? h("th", { scope: "col" }, "State machine") : null,
        h("th", { scope: "col" }, "Status"), h("th", { scope: "col" }, "Started"), h("th", { scope: "col" }, "Ended"),
        h("th", { scope: "col" }, "Duration"))),
      h("tbody", {}, shown.map(row)))));
  }

  async function load(reset = true) {
    if (reset) {
      items = [];
      tokens = new Map(machineArns.map((arn) => [arn, undefined]));
    }
    try {
      for (const [arn, token] of [...tokens]) {
        if (token === null) continue;
        const body = { stateMachineArn: arn, maxResults: 100 };
        if (status) body.statusFilter = status;
        if (token) body.nextToken = token;
        const page = await sfn("ListExecutions", body);
        items.push(...(page.executions || []));
        tokens.set(arn, page.nextToken || null);
      }
    } catch (err) {
      replace(body, errorNotice(err, () => load(true)));
      return;
    }
    items.sort((a, b) => (toDate(b.startDate) || 0) - (toDate(a.startDate) || 0));
    moreButton.hidden = ![...tokens.values()].some(Boolean);
    show();
  }

  statusSelect.addEventListener("change", () => {
    status = statusSelect.value;
    updateParams({ status });
    load(true);
  });
  searchBox.addEventListener("input", () => {
    search = searchBox.value;
    updateParams({ q: search });
    show();
  });

  return { el, load, reload: () => load(true) };
}
