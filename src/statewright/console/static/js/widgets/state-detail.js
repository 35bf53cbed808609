// The selected state in an execution: status, input, output, variables, error and cause,
// with a picker when the state ran more than once (loops, Map iterations, retries).

import { arnName, formatDate, formatDuration, h, replace, statusBadge } from "../dom.js";
import { asJson } from "../history/analyze.js";
import { childOfVisit, executionLink, functionLink, logGroupLink, startsExecution, taskFunction } from "../services/links.js";
import { href } from "../router.js";

function jsonBlock(title, value) {
  if (value === undefined) return null;
  const shown = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  return h("section", {}, h("h3", {}, title), h("pre", { class: "json" }, shown));
}

function variables(assigned) {
  if (!assigned || typeof assigned !== "object") return undefined;
  // AWS reports each assigned variable's value as JSON text.
  return Object.fromEntries(Object.entries(assigned).map(([k, v]) => [k, asJson(v)]));
}

// Links from a Task state to the Lambda function it calls and to that function's log lines
// around this visit (a second either side of it).
function lambdaLinks(state, visit) {
  const fn = taskFunction(state);
  if (!fn) return null;
  const start = visit.start ? visit.start.getTime() - 1000 : undefined;
  const end = visit.end ? visit.end.getTime() + 1000 : undefined;
  return h("p", { class: "task-links" }, "Lambda ",
    h("a", { href: functionLink(fn), class: "task-function" }, fn), " · ",
    h("a", { href: logGroupLink(`/aws/lambda/${fn}`, { start, end }), class: "task-logs" }, "its log lines for this run"));
}

// From a Task state that starts another state machine's execution to that child execution, or,
// until an event names the child, to the state machine it starts.
function childLinks(state, visit) {
  if (!startsExecution(state)) return null;
  const child = childOfVisit(visit);
  if (child && child.executionArn) {
    return h("p", { class: "task-links" }, "Started execution ",
      h("a", { href: executionLink(child.executionArn), class: "task-child" }, arnName(child.executionArn)));
  }
  if (child && child.stateMachineArn) {
    return h("p", { class: "task-links" }, "Starts an execution of ",
      h("a", { href: href(["state-machines", child.stateMachineArn], { tab: "executions" }), class: "task-child-machine" },
        child.stateMachineArn.split(":")[6] || child.stateMachineArn));
  }
  return null;
}

export function stateDetail({ onCallback, states } = {}) {
  const el = h("aside", { class: "state-detail", "aria-label": "Selected state", "aria-live": "polite" });
  let chosen = new Map();

  function render(analysis, name, tokens = []) {
    if (!name) {
      replace(el, h("p", { class: "muted" }, "Select a state in the graph to see its input, output, variables and errors."));
      return;
    }
    const info = analysis.states.get(name);
    if (!info) {
      replace(el, h("h2", {}, name), h("p", {}, statusBadge("NOT REACHED")), h("p", { class: "muted" }, "This state has not run in this execution."));
      return;
    }
    const index = Math.min(chosen.get(name) ?? info.visits.length - 1, info.visits.length - 1);
    const visit = info.visits[index];
    const picker = info.visits.length > 1 ? h("label", {}, "Run ",
      h("select", {
        "aria-label": "Which run of this state",
        onchange: (e) => { chosen.set(name, Number(e.target.value)); render(analysis, name, tokens); },
      }, info.visits.map((v, i) => h("option", { value: i, selected: i === index }, `${i + 1} of ${info.visits.length} (${v.status})`)))) : null;
    const end = visit.end || new Date();
    const failure = visit.failures[visit.failures.length - 1];
    const waiting = tokens.filter((t) => t.name === name);
    replace(el,
      h("h2", {}, name),
      h("p", {}, statusBadge(visit.status.toUpperCase()), ` ${visit.type}`, picker ? " · " : "", picker),
      lambdaLinks(states && states.get(name), visit),
      childLinks(states && states.get(name), visit),
      h("p", { class: "meta" }, `Entered ${formatDate(visit.start)} · ${visit.end ? "took" : "running for"} ${formatDuration(end - visit.start)}`),
      failure ? h("section", { class: "error-box" }, h("h3", {}, "Error"),
        h("p", {}, h("strong", {}, failure.error || failure.type)), failure.cause ? h("pre", { class: "cause" }, String(failure.cause)) : null,
        visit.status === "caught" ? h("p", { class: "muted" }, "Caught by a Catch rule; the execution went on.") : null) : null,
      waiting.length ? h("section", { class: "callback-box" }, h("h3", {}, "Waiting for a callback"),
        h("p", {}, "This task waits for SendTaskSuccess or SendTaskFailure with its token."),
        h("button", { type: "button", class: "primary", onclick: () => onCallback && onCallback(waiting[0].token) }, "Complete callback…")) : null,
      jsonBlock("Input", asJson(visit.input)),
      jsonBlock("Output", asJson(visit.output)),
      jsonBlock("Variables assigned", variables(visit.variables)));
  }
  return { el, render, reset: () => { chosen = new Map(); } };
}
