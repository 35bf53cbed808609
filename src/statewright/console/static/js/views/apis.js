// API Gateway: REST (v1) and HTTP (v2) APIs with their routes, integrations and authorizers,
// each route's local URL, and a request panel that sends a test request on this origin.

import { restJson } from "../api.js";
import { arnName, errorNotice, h, notice, replace } from "../dom.js";
import { href } from "../router.js";
import { apiFromTemplate } from "../services/api-template.js";
import { functionLink } from "../services/links.js";
import { listTable, section, viewHeader } from "../widgets/list-table.js";

// The path-style local URL of an API stage (docs/apigateway.md).
export const stageBase = (apiId, stage) => `/restapis/${encodeURIComponent(apiId)}/${stage}/_user_request_`;

export async function apisView(root) {
  const body = h("div", {}, notice("loading", "Loading APIs…"));
  replace(root, viewHeader("APIs"), body);
  let http; let rest;
  try {
    [http, rest] = await Promise.all([restJson("GET", "/v2/apis"), restJson("GET", "/restapis")]);
  } catch (err) {
    replace(body, errorNotice(err));
    return;
  }
  const rows = [
    ...(http.items || []).map((a) => [h("a", { href: href(["apis", a.apiId], { type: "http" }) }, a.name), "HTTP", a.apiId, a.description || ""]),
    ...(rest.item || rest.items || []).map((a) => [h("a", { href: href(["apis", a.id], { type: "rest" }) }, a.name), "REST", a.id, a.description || ""]),
  ];
  replace(body, rows.length ? listTable("apis", "APIs", ["Name", "Protocol", "ID", "Description"], rows)
    : notice("empty", "No APIs", "APIs come from a template's AWS::Serverless::Api / HttpApi or Api events."));
}

// Optional parts the server may not implement: shown as a note instead of failing the page.
async function optional(path, what) {
  try {
    const data = await restJson("GET", path);
    return { items: data.items || data.item || [] };
  } catch (err) {
    return { note: `${what} are not available from this server (${err.type}: ${err.message})` };
  }
}

async function loadHttp(id) {
  const [api, routes, stages, integrations, authorizers] = await Promise.all([
    restJson("GET", `/v2/apis/${id}`), restJson("GET", `/v2/apis/${id}/routes`), restJson("GET", `/v2/apis/${id}/stages`),
    optional(`/v2/apis/${id}/integrations`, "Integrations"), optional(`/v2/apis/${id}/authorizers`, "Authorizers")]);
  const byId = new Map((integrations.items || []).map((i) => [`integrations/${i.integrationId}`, i]));
  return {
    name: api.name, kind: "HTTP API", stages: (stages.items || []).map((s) => s.stageName),
    routes: (routes.items || []).map((r) => {
      const [method, path] = r.routeKey === "$default" ? ["ANY", "/"] : r.routeKey.split(" ");
      const integration = byId.get(r.target);
      return { method, path, auth: r.authorizationType, authorizerId: r.authorizerId,
        integration: "", managed: integration ? `${integration.integrationType} ${integration.integrationUri || ""}` : r.target || "" };
    }),
    integrations, authorizers: authorizers.items ? { items: authorizers.items.map((a) => [a.name, a.authorizerType, a.authorizerId]) } : authorizers,
  };
}

async function loadRest(id) {
  const [api, resources, stages, authorizers] = await Promise.all([
    restJson("GET", `/restapis/${id}`), restJson("GET", `/restapis/${id}/resources?embed=methods&limit=500`), restJson("GET", `/restapis/${id}/stages`),
    optional(`/restapis/${id}/authorizers`, "Authorizers")]);
  const routes = [];
  for (const r of resources.items || resources.item || []) {
    for (const [method, m] of Object.entries(r.resourceMethods || {})) {
      const integration = m.methodIntegration;
      routes.push({ method, path: r.path, auth: m.authorizationType, authorizerId: m.authorizerId,
        integration: "", managed: integration ? `${integration.type} ${integration.uri || ""}` : "" });
    }
  }
  return {
    name: api.name, kind: "REST API", stages: (stages.item || stages.items || []).map((s) => s.stageName), routes,
    integrations: {}, authorizers: authorizers.items ? { items: authorizers.items.map((a) => [a.name, a.type, a.id]) } : authorizers,
  };
}

function requestPanel() {
  const method = h("select", { id: "req-method", "aria-label": "Method" }, ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"].map((m) => h("option", { value: m }, m)));
  const url = h("input", { id: "req-url", "aria-label": "URL", size: 60, autocomplete: "off" });
  const headers = h("textarea", { id: "req-headers", rows: 3, spellcheck: false, placeholder: "Content-Type: application/json" });
  const body = h("textarea", { id: "req-body", rows: 5, spellcheck: false });
  const result = h("div", { id: "req-result", "aria-live": "polite" });
  const send = h("button", { type: "submit", class: "primary", id: "req-send" }, "Send");
  const form = h("form", { class: "request-panel", onsubmit: async (e) => {
    e.preventDefault();
    const init = { method: method.value, headers: {} };
    for (const line of headers.value.split("\n")) {
      const at = line.indexOf(":");
      if (at > 0) init.headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
    if (!["GET", "HEAD"].includes(method.value) && body.value) init.body = body.value;
    send.disabled = true;
    replace(result, notice("loading", "Sending…"));
    const started = performance.now();
    try {
      const response = await fetch(url.value, init);
      const text = await response.text();
      let shown = text;
      try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch { /* not JSON */ }
      replace(result,
        h("p", {}, h("span", { id: "req-status", class: `badge status-${response.ok ? "succeeded" : "failed"}` }, `${response.status} ${response.statusText}`),
          ` · ${Math.round(performance.now() - started)} ms`),
        h("h3", {}, "Headers"), h("pre", { class: "json", id: "req-response-headers" }, [...response.headers.entries()].map(([k, v]) => `${k}: ${v}`).join("\n")),
        h("h3", {}, "Body"), h("pre", { class: "json", id: "req-response-body" }, shown || "(empty)"));
    } catch (err) {
      replace(result, errorNotice({ type: "NetworkError", message: err.message }));
    } finally {
      send.disabled = false;
    }
  } },
  h("div", { class: "filters" }, h("div", {}, h("label", { for: "req-method" }, "Method"), method),
    h("div", { class: "grow" }, h("label", { for: "req-url" }, "URL"), url)),
  h("label", { for: "req-headers" }, "Headers (one “Name: value” a line)"), headers,
  h("label", { for: "req-body" }, "Body"), body, h("div", { class: "actions" }, send), result);
  return { el: form, fill(m, u) { method.value = m === "ANY" ? "GET" : m; url.value = u; url.focus(); } };
}

export async function apiView(root, { segments, params }) {
  const id = segments[1];
  const crumb = ["APIs", href(["apis"])];
  let api;
  try {
    api = params.type === "rest" ? await loadRest(id) : await loadHttp(id).catch((err) => (err.status === 404 ? loadRest(id) : Promise.reject(err)));
  } catch (err) {
    replace(root, viewHeader(id, { crumb }), errorNotice(err));
    return;
  }
  let fromTemplate = null;
  if (api.routes.length) { // the template links integrations to functions and state machines; the API has only ARNs
    fromTemplate = await apiFromTemplate(id).catch(() => null);
  }
  if (fromTemplate) {
    for (const r of api.routes) {
      const t = fromTemplate.routes.get(`${r.method} ${r.path}`);
      if (!t) continue;
      if (!r.integration) r.integration = integrationCell(t);
      if (t.authorizers.length) r.auth = `${r.auth && r.auth !== "NONE" ? `${r.auth}: ` : ""}${t.authorizers.join(", ")}`;
    }
    if (api.authorizers.note || fromTemplate.authorizers.length) api.authorizers = { items: fromTemplate.authorizers };
  }
  const panel = requestPanel();
  // SAM also deploys its implicit "Stage" stage beside the one the template names: prefer that
  // one, unless the link names the stage (a request that started an execution).
  const stage = (params.stage && api.stages.includes(params.stage) && params.stage)
    || api.stages.find((name) => name !== "Stage") || api.stages[0] || "$default";
  const base = stageBase(id, stage);
  const rows = api.routes.map((r) => {
    const local = `${base}${r.path === "/" ? "/" : r.path}`;
    const key = `${r.method} ${r.path}`;
    return h("tr", { dataset: { route: key }, class: key === params.route ? "selected" : null, "aria-current": key === params.route ? "true" : null },
      h("td", {}, h("code", {}, r.method)), h("td", {}, h("code", {}, r.path)),
      h("td", { class: "wrap api-integration" }, r.integration && r.integration.length ? r.integration : r.managed || h("span", { class: "muted" }, "—")),
      h("td", {}, r.auth === "NONE" || !r.auth ? "none" : `${r.auth}${r.authorizerId && !fromTemplate ? ` (${r.authorizerId})` : ""}`),
      h("td", { class: "wrap" }, h("a", { href: local }, local)),
      h("td", {}, h("button", { type: "button", class: "try", onclick: () => panel.fill(r.method, local) }, "Try")));
  });
  const notes = fromTemplate ? [h("p", { class: "meta" }, "Integrations and authorizers read from the stack's processed template.")]
    : [api.integrations.note, api.authorizers.note].filter(Boolean).map((n) => h("p", { class: "meta" }, n));
  replace(root, viewHeader(api.name, { crumb, meta: `${api.kind} · ${id} · stages: ${api.stages.join(", ") || "none"}` }),
    requestNotice(params),
    section("Routes", listTable("api-routes", "Routes", ["Method", "Path", "Integration", "Authorization", "Local URL", ""], rows), notes),
    api.authorizers.items && api.authorizers.items.length ? section("Authorizers", listTable("api-authorizers", "Authorizers", ["Name", "Type", fromTemplate ? "Function" : "ID"], api.authorizers.items)) : null,
    section("Send a test request", panel.el));
  const chosen = api.routes.find((r) => `${r.method} ${r.path}` === params.route) || api.routes[0];
  if (chosen) panel.fill(chosen.method, `${base}${chosen.path}`);
  const row = params.route ? root.querySelector("tr.selected") : null;
  if (row) row.scrollIntoView({ block: "nearest" });
}

// What a route calls, from the template: a link to the function or state machine it reaches.
function integrationCell(t) {
  if (t.functionName) return [`${t.integration} → `, h("a", { href: functionLink(t.functionName) }, t.functionName)];
  if (t.stateMachineArn && t.stateMachineArn.startsWith("arn:")) {
    return [`${t.integration} → `, h("a", { href: href(["state-machines", t.stateMachineArn], { tab: "executions" }) }, arnName(t.stateMachineArn))];
  }
  return t.integration;
}

// Arriving from an execution's "started by" link: which request of which route started it.
function requestNotice(params) {
  if (!params.request || !params.route) return null;
  return h("div", { class: "notice notice-info", id: "api-request-notice", role: "status" },
    h("strong", {}, `Request ${params.request}`),
    h("p", {}, `${params.route} on stage ${params.stage || "—"}`,
      params.function ? [" invoked ", h("a", { href: functionLink(params.function) }, params.function), ", which"] : null,
      params.execution ? [" started execution ", h("a", { href: href(["executions", params.execution]) }, arnName(params.execution))] : null));
}
