// Reads GetExecutionHistory events into state visits (entered → exited) so the graph can be
// coloured by what happened: succeeded, failed, caught (failed, then left through a Catch),
// running, aborted. Works on histories with interleaved Parallel branches and Map iterations.

import { toDate } from "../api.js";

const PRIORITY = ["running", "failed", "caught", "aborted", "succeeded"];
const FAILURE = /(Failed|TimedOut|Aborted)$/;
const ATTEMPT = /(Scheduled|Started|Submitted)$/;

function detailsOf(event) {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith("EventDetails") && value && typeof value === "object") return value;
  }
  return {};
}

function lastIndexWhere(list, pred) {
  for (let i = list.length - 1; i >= 0; i--) if (pred(list[i])) return i;
  return -1;
}

export function analyzeHistory(events, executionStatus = "RUNNING") {
  const sorted = [...events].sort((a, b) => a.id - b.id);
  const byId = new Map(sorted.map((e) => [e.id, e]));
  const owner = new Map();
  const visits = [];
  const open = [];
  const execution = { start: null, end: null, error: null, cause: null };
  // Map/ParallelStateFailed carry no error of their own: it is the inner failure's.
  let lastFailure = null;
  let lastFailState = null;

  const close = (visit, status, end) => {
    visit.status = status;
    visit.end = visit.end || end;
    const i = open.indexOf(visit);
    if (i >= 0) open.splice(i, 1);
  };
  // When a Map or Parallel finishes, what is still open inside it was cut short.
  const closeInner = (parent, end) => {
    const start = open.indexOf(parent);
    for (const inner of open.slice(start + 1)) close(inner, inner.failures.length ? "failed" : "aborted", end);
  };

  for (const event of sorted) {
    const type = String(event.type || "");
    const at = toDate(event.timestamp);
    const d = detailsOf(event);
    if (type.endsWith("StateEntered")) {
      const visit = {
        name: d.name, type: type.slice(0, -"StateEntered".length), start: at, end: null, status: "running",
        input: d.input, output: undefined, variables: undefined, failures: [], retrying: false, events: [event],
      };
      visits.push(visit);
      owner.set(event.id, visit);
      if (visit.type === "Fail") {
        close(visit, "failed", at);
        lastFailState = visit;
      }
      else open.push(visit);
      continue;
    }
    if (type.endsWith("StateExited")) {
      const i = lastIndexWhere(open, (v) => v.name === d.name);
      const visit = i >= 0 ? open[i] : null;
      if (visit) {
        owner.set(event.id, visit);
        visit.events.push(event);
        visit.output = d.output;
        visit.variables = d.assignedVariables;
        if (visit.type === "Map" || visit.type === "Parallel") closeInner(visit, at);
        close(visit, visit.failures.length && !visit.retrying ? "caught" : "succeeded", at);
      }
      continue;
    }
    if (type.startsWith("Execution")) {
      if (type === "ExecutionStarted") execution.start = at;
      if (FAILURE.test(type)) {
        execution.error = d.error;
        execution.cause = d.cause;
        const status = type === "ExecutionAborted" ? "aborted" : "failed";
        if (status === "failed") {
          const failure = { error: d.error, cause: d.cause, type };
          for (const visit of open) if (!visit.failures.length) visit.failures.push(failure);
          if (lastFailState && !lastFailState.failures.length) lastFailState.failures.push(failure);
        }
        for (const visit of [...open]) close(visit, status === "failed" ? "failed" : status, at);
      }
      if (type !== "ExecutionStarted") execution.end = at;
      continue;
    }

    let visit = null;
    if (type.startsWith("Map") || type.startsWith("Parallel")) {
      const i = lastIndexWhere(open, (v) => (v.type === "Map" || v.type === "Parallel") && (!d.name || v.name === d.name));
      visit = i >= 0 ? open[i] : null;
    } else {
      // Task events chain back to their state's Entered event through previousEventId.
      for (let p = byId.get(event.previousEventId), n = 0; p && n < 64; p = byId.get(p.previousEventId), n++) {
        if (owner.has(p.id)) { visit = owner.get(p.id); break; }
      }
      if (!visit || !open.includes(visit)) {
        const i = lastIndexWhere(open, (v) => v.type !== "Map" && v.type !== "Parallel");
        visit = i >= 0 ? open[i] : visit;
      }
    }
    if (!visit) continue;
    owner.set(event.id, visit);
    visit.events.push(event);
    if (FAILURE.test(type) && !type.startsWith("MapIteration")) {
      const inherited = !d.error && lastFailure ? lastFailure : {};
      const failure = { error: d.error || inherited.error, cause: d.cause || inherited.cause, type };
      visit.failures.push(failure);
      visit.retrying = false;
      lastFailure = failure;
    } else if (ATTEMPT.test(type) && visit.failures.length) {
      visit.retrying = true; // a Retry started a new attempt after the failure
    }
    if ((type === "MapStateFailed" || type === "ParallelStateFailed") && visit) closeInner(visit, at);
  }

  const finished = executionStatus && executionStatus !== "RUNNING";
  if (finished) {
    for (const visit of [...open]) close(visit, executionStatus === "SUCCEEDED" ? "succeeded" : "aborted", execution.end);
  }

  const states = new Map();
  for (const visit of visits) {
    const current = states.get(visit.name) || { status: visit.status, count: 0, visits: [] };
    current.count += 1;
    current.visits.push(visit);
    if (PRIORITY.indexOf(visit.status) < PRIORITY.indexOf(current.status)) current.status = visit.status;
    states.set(visit.name, current);
  }
  return { visits, states, owner, execution, events: sorted };
}

// Input and output arrive as JSON text on the wire (objects in some recordings): show both.
export function asJson(value) {
  if (value === undefined || value === null) return value;
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export { detailsOf };
