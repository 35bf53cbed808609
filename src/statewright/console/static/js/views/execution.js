// One execution: its graph coloured from the event history (polled while it runs), the
// selected state's data, the history table, the timeline, and stop / redrive / callback.

import { sfn, sfnAll, statewright, toDate } from "../api.js";
import { arnName, errorNotice, formatDate, formatDuration, h, notice, replace, statusBadge, toast } from "../dom.js";
import { analyzeHistory, asJson } from "../history/analyze.js";
import { waitingTokens } from "../history/token.js";
import { href, navigate, updateParams } from "../router.js";
import { apiRequestLink, executionLink, functionLink, logGroupLink, startedBy } from "../services/links.js";
import { openCallbackDialog } from "../widgets/callback-dialog.js";
import { graphPanel } from "../widgets/graph-panel.js";
import { historyTable } from "../widgets/history-table.js";
import { openStartDialog } from "../widgets/start-dialog.js";
import { stateDetail } from "../widgets/state-detail.js";
import { tabs } from "../widgets/tabs.js";
import { timeline } from "../widgets/timeline.js";

const POLL_MS = 1000;
const HIDDEN_POLL_MS = 5000;

// The whole history once, then only what is new: newest first until a known event, so a
// long-running execution with thousands of events costs one small request per poll.
async function fetchHistory(executionArn, known) {
  if (!known.length) return sfnAll("GetExecutionHistory", { executionArn, maxResults: 1000 }, "events", 100000);
  const lastId = known[known.length - 1].id;
  const fresh = [];
  let nextToken;
  for (;;) {
    const body = { executionArn, maxResults: 100, reverseOrder: true };
    if (nextToken) body.nextToken = nextToken;
    const page = await sfn("GetExecutionHistory", body);
    const events = page.events || [];
    fresh.push(...events.filter((e) => e.id > lastId));
    nextToken = page.nextToken;
    if (!nextToken || events.some((e) => e.id <= lastId)) break;
  }
  return known.concat(fresh.sort((a, b) => a.id - b.id));
}
const REDRIVABLE = new Set(["FAILED", "TIMED_OUT", "ABORTED"]);

// The definition the execution ran, and the log group its state machine logs to (if any).
async function loadDefinition(execution) {
  let d;
  try {
    d = await sfn("DescribeStateMachineForExecution", { executionArn: execution.executionArn });
  } catch {
    d = await sfn("DescribeStateMachine", { stateMachineArn: execution.stateMachineArn });
  }
  const destinations = (d.loggingConfiguration && d.loggingConfiguration.destinations) || [];
  const arn = destinations.map((x) => x.cloudWatchLogsLogGroup && x.cloudWatchLogsLogGroup.logGroupArn).find(Boolean);
  const group = arn ? /:log-group:([^:]+)/.exec(arn) : null;
  return { definition: JSON.parse(d.definition), logGroup: group ? group[1] : null };
}

// Execution log events carry the execution's ARN (execution_arn), so a quoted-term filter finds them.
function executionLogsLink(logGroup, execution) {
  if (!logGroup) return null;
  const start = toDate(execution.startDate);
  const stop = toDate(execution.stopDate);
  return h("a", { id: "execution-logs", href: logGroupLink(logGroup, {
    filter: `"${execution.executionArn}"`, start: start ? start.getTime() - 1000 : undefined,
    end: stop ? stop.getTime() + 1000 : undefined, tail: stop ? undefined : "1",
  }) }, "execution logs");
}

// The API request that started the execution, directly or through the Lambda function it
// invoked (AWS shows this only through X-Ray; the server traces it), as links to the API's route
// and to the function.
function originLink(origin) {
  if (!origin) return null;
  const at = origin.requestTimeEpoch ? formatDate(new Date(origin.requestTimeEpoch)) : "";
  return h("span", { id: "execution-origin" }, "started by ",
    h("a", { href: apiRequestLink(origin), title: `Request ${origin.requestId}${at ? ` at ${at}` : ""}` },
      `${origin.routeKey} on ${origin.apiName || origin.apiId} (${origin.stage})`),
    origin.functionName ? [" via ", h("a", { id: "execution-origin-function", href: functionLink(origin.functionName) }, origin.functionName)] : null);
}

// The execution whose Task state started this one, when it passed its id in this one's input
// (AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID), as the AWS console links a nested workflow.
function parentLink(execution) {
  const parent = startedBy(execution.input);
  if (!parent) return null;
  return h("span", { id: "execution-parent" }, "started by execution ",
    h("a", { href: executionLink(parent), title: parent }, arnName(parent)));
}

// States by name across all nesting levels, for finding a waiting task's Parameters.
function indexStates(machine, found = new Map()) {
  for (const [name, state] of Object.entries((machine && machine.States) || {})) {
    if (!state || typeof state !== "object") continue;
    if (!found.has(name)) found.set(name, state);
    for (const branch of state.Branches || []) indexStates(branch, found);
    indexStates(state.ItemProcessor || state.Iterator, found);
  }
  return found;
}

export async function executionView(root, { segments, params }) {
  const arn = segments[1];
  replace(root, notice("loading", "Loading execution…"));
  let execution = await sfn("DescribeExecution", { executionArn: arn });
  const [{ definition, logGroup }, originAnswer] = await Promise.all([
    loadDefinition(execution), statewright("execution-origin", { executionArn: arn })]);
  const origin = originAnswer && originAnswer.origin;
  const states = indexStates(definition);
  let selected = params.state || null;
  let analysis = null;
  let tokens = [];
  let timer = null;
  let disposed = false;
  let events = [];

  const headerBox = h("div", {});
  const banner = h("div", {});
  const panel = graphPanel({ withLegend: true, onSelect: (name) => select(name) });
  const detail = stateDetail({ onCallback: (token) => callback(token), states });
  const history = historyTable();
  const tl = timeline({ onSelect: (name) => select(name) });
  const io = h("div", { class: "io" });
  const tabBar = tabs({
    history: { label: "Event history", el: history.el },
    timeline: { label: "Timeline", el: tl.el },
    io: { label: "Execution input & output", el: io },
  }, params.tab || "history", (id) => updateParams({ tab: id }));

  replace(root, headerBox, banner,
    h("div", { class: "exec-main" }, h("div", { class: "exec-graph" }, panel.el), detail.el), tabBar.el);
  const graph = panel.draw(definition);

  function select(name) {
    selected = name;
    graph.select(name);
    updateParams({ state: name });
    detail.render(analysis, name, tokens);
  }

  function callback(token) {
    openCallbackDialog(tokens, { preselect: token, onSent: (kind) => { toast(`Task ${kind} sent`); refresh(); } });
  }

  let headerKey = null;
  function renderHeader() {
    // Re-render only on change: replacing the buttons every poll would eat clicks.
    const key = JSON.stringify([execution.status, execution.stopDate, execution.redriveCount, execution.redriveStatus, tokens.length, execution.error]);
    if (key === headerKey) return;
    headerKey = key;
    const start = toDate(execution.startDate);
    const stopped = toDate(execution.stopDate);
    const running = execution.status === "RUNNING";
    const actions = [
      running ? h("button", {
        type: "button", id: "callback-button", disabled: !tokens.length,
        title: tokens.length ? "Send a task token result" : "No task is waiting for a callback", onclick: () => callback(),
      }, `Complete callback${tokens.length ? ` (${tokens.length})` : ""}`) : null,
      running ? h("button", { type: "button", id: "stop-button", class: "danger", onclick: stopExecution }, "Stop") : null,
      // AWS says whether a redrive is possible (redriveStatus) and why not; older servers do not.
      REDRIVABLE.has(execution.status) ? h("button", {
        type: "button", id: "redrive-button", onclick: redrive,
        disabled: execution.redriveStatus === "NOT_REDRIVABLE",
        title: execution.redriveStatus === "NOT_REDRIVABLE" ? `Cannot redrive: ${execution.redriveStatusReason || "not redrivable"}` : "Redrive from the failed state",
      }, "Redrive") : null,
      h("button", {
        type: "button", id: "rerun-button",
        onclick: () => openStartDialog(execution.stateMachineArn, {
          initialInput: JSON.stringify(asJson(execution.input) ?? {}, null, 2),
          onStarted: (execArn) => navigate(["executions", execArn]),
        }),
      }, "New execution"),
    ];
    replace(headerBox, h("div", { class: "view-header" },
      h("div", {},
        h("p", { class: "crumbs" }, h("a", { href: href(["state-machines"]) }, "State machines"), " / ",
          h("a", { href: href(["state-machines", execution.stateMachineArn], { tab: "executions" }) }, arnName(execution.stateMachineArn)), " / "),
        h("h1", {}, execution.name, " ", h("span", { id: "execution-status" }, statusBadge(execution.status))),
        h("p", { class: "meta" }, `Started ${formatDate(start)}`, stopped ? ` · ended ${formatDate(stopped)}` : "",
          stopped && start ? ` · took ${formatDuration(stopped - start)}` : "",
          execution.redriveCount ? ` · redriven ${execution.redriveCount}×` : "",
          logGroup ? " · " : "", executionLogsLink(logGroup, execution),
          origin ? " · " : "", originLink(origin),
          startedBy(execution.input) ? " · " : "", parentLink(execution))),
      h("div", { class: "actions" }, actions)));
    replace(banner, execution.error || execution.cause
      ? notice("error", execution.error || "Failed", execution.cause || "") : null);
    replace(io, h("div", { class: "io-grid" },
      h("section", {}, h("h3", {}, "Input"), h("pre", { class: "json" }, JSON.stringify(asJson(execution.input), null, 2) ?? "—")),
      h("section", {}, h("h3", {}, "Output"), h("pre", { class: "json" }, execution.output !== undefined ? JSON.stringify(asJson(execution.output), null, 2) : "—"))));
  }

  async function stopExecution() {
    if (!confirm(`Stop execution ${execution.name}?`)) return;
    try {
      await sfn("StopExecution", { executionArn: arn });
      toast("Execution stopped");
    } catch (err) {
      toast(`${err.type}: ${err.message}`, "error");
    }
    refresh();
  }

  async function redrive() {
    try {
      await sfn("RedriveExecution", { executionArn: arn });
      toast("Execution redriven");
    } catch (err) {
      toast(`${err.type}: ${err.message}`, "error");
    }
    refresh();
  }

  async function refresh() {
    clearTimeout(timer);
    try {
      execution = await sfn("DescribeExecution", { executionArn: arn });
      // A redrive or stop can rewrite the tail; start over when the status changed.
      if (analysis && execution.status !== root.dataset.status) events = [];
      events = await fetchHistory(arn, events);
      if (disposed) return;
      analysis = analyzeHistory(events, execution.status);
      tokens = execution.status === "RUNNING" ? waitingTokens(analysis, (name) => states.get(name)) : [];
      graph.setStatuses(analysis.states);
      renderHeader();
      detail.render(analysis, selected, tokens);
      history.render(analysis);
      tl.render(analysis);
      root.dataset.status = execution.status;
    } catch (err) {
      if (disposed) return;
      replace(banner, errorNotice(err, refresh));
    }
    // A background tab polls less often; it catches up at once when shown again.
    if (!disposed && execution.status === "RUNNING") timer = setTimeout(refresh, document.hidden ? HIDDEN_POLL_MS : POLL_MS);
  }

  const onVisible = () => { if (!document.hidden && execution.status === "RUNNING") refresh(); };
  document.addEventListener("visibilitychange", onVisible);
  await refresh();
  if (selected) graph.select(selected);
  await tabBar.ready;
  return () => {
    disposed = true;
    clearTimeout(timer);
    document.removeEventListener("visibilitychange", onVisible);
    panel.dispose();
  };
}
