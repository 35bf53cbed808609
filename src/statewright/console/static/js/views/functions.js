// Lambda: the function list and one function's configuration, recent invocations (from its
// log group's REPORT lines), a test-invoke panel with saved events, and its logs.

import { logs, restJson, toDate } from "../api.js";
import { errorNotice, formatDate, formatDuration, h, notice, parseJsonInput, replace, toast } from "../dom.js";
import { href, updateParams } from "../router.js";
import { functionLogGroup, logGroupLink } from "../services/links.js";
import { invocationsFromLogs, isSecretName } from "../services/lambda-reports.js";
import { deleteEvent, loadEvents, saveEvent } from "../services/saved-events.js";
import { keyValues, listTable, section, viewHeader } from "../widgets/list-table.js";
import { logLines } from "../widgets/log-lines.js";
import { tabs } from "../widgets/tabs.js";

const API = "/2015-03-31/functions";

export async function functionsView(root) {
  const body = h("div", {}, notice("loading", "Loading functions…"));
  replace(root, viewHeader("Lambda functions"), body);
  let functions;
  try {
    functions = [];
    let marker;
    do {
      const page = await restJson("GET", `${API}/`, { query: { Marker: marker } });
      functions.push(...(page.Functions || []));
      marker = page.NextMarker;
    } while (marker);
  } catch (err) {
    replace(body, errorNotice(err));
    return;
  }
  if (!functions.length) {
    replace(body, notice("empty", "No functions", "Functions come from a template (statewright serve --template) or CreateFunction."));
    return;
  }
  replace(body, listTable("functions", "Lambda functions", ["Name", "Runtime", "Handler", "Memory", "Timeout", "Last modified"],
    functions.map((f) => [h("a", { href: href(["functions", f.FunctionName]) }, f.FunctionName), f.Runtime || f.PackageType,
      f.Handler || "—", `${f.MemorySize} MB`, `${f.Timeout} s`, formatDate(toDate(f.LastModified))])));
}

function environment(variables) {
  const names = Object.keys(variables || {});
  if (!names.length) return h("p", { class: "muted" }, "No environment variables.");
  return listTable("function-env", "Environment variables", ["Name", "Value"], names.map((name) => {
    const value = String(variables[name]);
    if (!isSecretName(name)) return [name, h("code", {}, value)];
    const shown = h("code", { class: "masked" }, "••••••••");
    const toggle = h("button", { type: "button", class: "link", "aria-label": `Show ${name}` }, "show");
    toggle.addEventListener("click", () => {
      const hidden = shown.classList.toggle("masked");
      shown.textContent = hidden ? "••••••••" : value;
      toggle.textContent = hidden ? "show" : "hide";
    });
    return [name, h("span", {}, shown, " ", toggle)];
  }));
}

function configuration(fn) {
  const layers = (fn.Layers || []).map((l) => h("div", {}, h("code", {}, l.Arn)));
  return h("div", {},
    keyValues("function-config", [["Runtime", fn.Runtime], ["Handler", fn.Handler], ["Memory", `${fn.MemorySize} MB`],
      ["Timeout", `${fn.Timeout} s`], ["Architecture", (fn.Architectures || []).join(", ")], ["Role", fn.Role],
      ["ARN", fn.FunctionArn], ["State", fn.State], ["Last modified", formatDate(toDate(fn.LastModified))],
      ["Layers", layers.length ? layers : "none"],
      ["Log group", h("a", { href: logGroupLink(functionLogGroup(fn)) }, functionLogGroup(fn))]]),
    section("Environment", environment(fn.Environment && fn.Environment.Variables)));
}

async function recentEvents(group, filterPattern) {
  try {
    const page = await logs("FilterLogEvents", { logGroupName: group, filterPattern, limit: 1000 });
    return page.events || [];
  } catch (err) {
    if (err.type === "ResourceNotFoundException") return [];
    throw err;
  }
}

async function invocations(el, fn) {
  replace(el, notice("loading", "Reading the function's log group…"));
  const group = functionLogGroup(fn);
  let found;
  try {
    found = invocationsFromLogs(await recentEvents(group));
  } catch (err) {
    replace(el, errorNotice(err));
    return;
  }
  if (!found.length) {
    replace(el, notice("empty", "No invocations yet", `Nothing in ${group}. Invoke the function from the Test tab.`));
    return;
  }
  replace(el, h("p", { class: "meta" }, `From the REPORT lines in ${group}; an Init Duration means a cold start.`),
    listTable("invocations", "Recent invocations", ["Request", "Started", "Status", "Duration", "Start", "Memory used", "Logs"],
      found.slice(0, 100).map((inv) => h("tr", { dataset: { request: inv.requestId } },
        h("td", {}, h("code", {}, inv.requestId)),
        h("td", {}, formatDate(new Date(inv.start))),
        h("td", {}, h("span", { class: `badge status-${inv.failed ? "failed" : "succeeded"}` }, inv.failed ? "error" : "ok")),
        h("td", {}, inv.duration !== null && inv.duration !== undefined ? `${inv.duration} ms` : "—"),
        h("td", {}, inv.cold ? `cold (init ${formatDuration(inv.init)})` : "warm"),
        h("td", {}, inv.memoryUsed !== null ? `${inv.memoryUsed} MB` : "—"),
        h("td", {}, h("a", { href: logGroupLink(group, { stream: inv.stream, filter: `"${inv.requestId}"` }) }, "log lines"))))));
}

function decodeLog(base64) {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
  } catch {
    return "";
  }
}

function testPanel(fn) {
  const name = fn.FunctionName;
  const editor = h("textarea", { id: "test-event", rows: 8, spellcheck: false, "aria-describedby": "test-event-status" }, "{}");
  const status = h("p", { id: "test-event-status", class: "meta", "aria-live": "polite" });
  const picker = h("select", { id: "saved-events", "aria-label": "Saved events" });
  const eventName = h("input", { id: "event-name", placeholder: "event name", "aria-label": "Event name" });
  const result = h("div", { id: "invoke-result", "aria-live": "polite" });
  const invokeButton = h("button", { type: "button", class: "primary", id: "invoke" }, "Invoke");

  const refreshPicker = (events, chosen) => replace(picker, h("option", { value: "" }, "— saved events —"),
    Object.keys(events).sort().map((k) => h("option", { value: k, selected: k === chosen }, k)));
  const check = () => {
    const parsed = parseJsonInput(editor.value);
    status.textContent = parsed.ok ? "" : parsed.error;
    invokeButton.disabled = !parsed.ok;
    return parsed;
  };
  editor.addEventListener("input", check);
  picker.addEventListener("change", () => {
    const events = loadEvents(name);
    if (picker.value in events) { editor.value = events[picker.value]; eventName.value = picker.value; check(); }
  });
  const save = h("button", { type: "button", id: "save-event", onclick: () => {
    const label = eventName.value.trim();
    if (!label) { status.textContent = "Name the event to save it."; eventName.focus(); return; }
    refreshPicker(saveEvent(name, label, editor.value), label);
    toast(`Saved event “${label}”`);
  } }, "Save event");
  const remove = h("button", { type: "button", onclick: () => {
    if (picker.value) refreshPicker(deleteEvent(name, picker.value));
  } }, "Delete");

  invokeButton.addEventListener("click", async () => {
    const parsed = check();
    if (!parsed.ok) return;
    invokeButton.disabled = true;
    replace(result, notice("loading", "Invoking…"));
    const started = performance.now();
    try {
      const response = await restJson("POST", `${API}/${encodeURIComponent(name)}/invocations`,
        { body: editor.value, headers: { "X-Amz-Log-Type": "Tail" }, raw: true });
      const payload = await response.text();
      const error = response.headers.get("X-Amz-Function-Error");
      const tail = decodeLog(response.headers.get("X-Amz-Log-Result") || "");
      let pretty = payload;
      try { pretty = JSON.stringify(JSON.parse(payload), null, 2); } catch { /* not JSON: show as is */ }
      replace(result,
        h("p", {}, h("span", { class: `badge status-${error ? "failed" : "succeeded"}`, id: "invoke-status" }, error ? `Error: ${error}` : "Succeeded"),
          ` ${response.status} · ${formatDuration(performance.now() - started)} round trip`),
        h("h3", {}, "Response"), h("pre", { class: "json", id: "invoke-payload" }, pretty),
        tail ? [h("h3", {}, "Log tail"), h("pre", { class: "json", id: "invoke-log" }, tail)] : null,
        h("p", {}, h("a", { href: logGroupLink(functionLogGroup(fn)) }, "All of the function's logs")));
    } catch (err) {
      replace(result, errorNotice(err));
    } finally {
      invokeButton.disabled = false;
    }
  });
  refreshPicker(loadEvents(name));
  return h("div", { class: "test-panel" },
    h("div", { class: "filters" }, h("div", {}, h("label", { for: "saved-events" }, "Saved events"), picker),
      h("div", {}, h("label", { for: "event-name" }, "Name"), eventName), save, remove),
    h("label", { for: "test-event" }, "Event (JSON)"), editor, status,
    h("div", { class: "actions" }, invokeButton), result);
}

async function functionLogs(el, fn) {
  const group = functionLogGroup(fn);
  let events;
  try {
    events = await recentEvents(group);
  } catch (err) {
    replace(el, errorNotice(err));
    return;
  }
  replace(el, h("p", {}, h("a", { href: logGroupLink(group), id: "function-logs-link" }, `Open ${group}`), " (live tail, filters, time ranges)"),
    logLines("function-logs", events.slice(-200)));
}

export async function functionView(root, { segments, params }) {
  const name = segments[1];
  replace(root, viewHeader(name, { crumb: ["Lambda functions", href(["functions"])] }), notice("loading", "Loading the function…"));
  let fn;
  try {
    fn = (await restJson("GET", `${API}/${encodeURIComponent(name)}`)).Configuration;
  } catch (err) {
    replace(root, viewHeader(name, { crumb: ["Lambda functions", href(["functions"])] }), errorNotice(err));
    return;
  }
  const invocationsEl = h("div", {});
  const logsEl = h("div", {});
  const panes = {
    config: { label: "Configuration", el: configuration(fn) },
    invocations: { label: "Invocations", el: invocationsEl },
    test: { label: "Test", el: testPanel(fn) },
    logs: { label: "Logs", el: logsEl },
  };
  const tabbed = tabs(panes, params.tab, (id) => {
    updateParams({ tab: id });
    if (id === "invocations") invocations(invocationsEl, fn);
    if (id === "logs") functionLogs(logsEl, fn);
  });
  replace(root, viewHeader(fn.FunctionName, { crumb: ["Lambda functions", href(["functions"])],
    meta: `${fn.Runtime || fn.PackageType} · ${fn.Handler || ""} · ${fn.MemorySize} MB · ${fn.Timeout} s` }), tabbed.el);
  await tabbed.ready;
}
